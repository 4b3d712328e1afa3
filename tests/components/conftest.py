import pytest

from components import patches


@pytest.fixture
def patched():
    """Rasa with this project's changes (components/patches.py), as the server runs it; undone afterwards."""
    with patches.applied():
        yield
