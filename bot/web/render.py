"""The web server's HTML templates (bot/web/templates/): Jinja2, every value escaped unless a template says
otherwise, all parsed once when the app is made (a broken template stops the start, not a request)."""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from bot.web.i18n import moment

TEMPLATES = Path(__file__).parent / "templates"


def load_templates(folder: Path = TEMPLATES) -> Environment:
    env = Environment(
        loader=FileSystemLoader(folder),
        autoescape=select_autoescape(("html",), default_for_string=True, default=True),
        undefined=StrictUndefined,  # a misspelt name fails loudly instead of showing nothing
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters["when"] = moment  # {{ at|when(lang) }}
    for name in env.list_templates(extensions=("html",)):
        env.get_template(name)
    return env
