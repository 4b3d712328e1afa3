"""The web server's HTML templates (bot/web/templates/): Jinja2, every value escaped unless a template says
otherwise, all parsed once when the app is made (a broken template stops the start, not a request)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.storage.records import as_utc

TEMPLATES = Path(__file__).parent / "templates"


def when(moment: datetime) -> str:
    return as_utc(moment).strftime("%d %b %Y %H:%M UTC")


def load_templates(folder: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,  # a misspelt name fails loudly instead of showing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["when"] = when
    for name in env.list_templates(extensions=("html",)):
        env.get_template(name)
    return env
