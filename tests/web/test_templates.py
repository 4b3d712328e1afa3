"""The HTML templates: every value is escaped, and nothing from a request or the database is marked safe."""

import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest

from bot.storage.counsellors import SignedIn
from bot.web.charts import heatmap_svg
from bot.web.i18n import CATALOGUE
from bot.web.render import TEMPLATES, load_templates

HOSTILE = '<script>alert("x")</script>&"\''
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&amp;&#34;&#39;"
MOMENT = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
WHO = SignedIn(username=HOSTILE, is_admin=True, csrf_token=HOSTILE)


def hostile_context() -> dict[str, dict]:
    """Each template with a hostile string wherever a value reaches it."""
    handoff = SimpleNamespace(
        id=7, code=HOSTILE, crisis=True, created_at=MOMENT, taken_at=MOMENT, taken_by=HOSTILE, themes={}
    )
    intake = SimpleNamespace(code=HOSTILE, crisis=False, created_at=MOMENT, expires_at=MOMENT)
    live_chat = SimpleNamespace(id=HOSTILE, code=HOSTILE, crisis=True, consent_themes=True, consent_history=True)
    message = SimpleNamespace(author="counsellor", name=HOSTILE, text=HOSTILE, seq=1)
    entry = SimpleNamespace(at=MOMENT, username=HOSTILE, action=HOSTILE, target=HOSTILE, outcome=HOSTILE)
    return {
        "refused.html": {"title": HOSTILE, "text": HOSTILE, "who": WHO},
        "sign_in.html": {"message": HOSTILE, "login_token": HOSTILE, "who": None},
        "dashboard.html": {"who": WHO, "notice": HOSTILE, "waiting": [handoff], "category_name": lambda _: HOSTILE},
        "intake.html": {
            "who": WHO,
            "intake": intake,
            "category": HOSTILE,
            "reasons": [HOSTILE],
            "themes": [HOSTILE],
            "hoping": HOSTILE,
            "ready": [HOSTILE],
            "barriers": [HOSTILE],
        },
        "handoff.html": {"who": WHO, "handoff": handoff, "category": HOSTILE, "themes": [HOSTILE], "ready": [HOSTILE]},
        "trends.html": {"who": WHO, "weeks": 12, "k_min": 5, "charts": [(HOSTILE, "<svg></svg>")]},
        "audit.html": {"who": WHO, "entries": [entry]},
        "withdraw.html": {"message": HOSTILE, "done": False, "who": None},
        "index.html": {},
        "live.html": {
            "who": WHO,
            "available": True,
            "queue": [{"id": HOSTILE, "code": HOSTILE, "crisis": True, "waited_seconds": 70, "state": "queued"}],
            "mine": [live_chat],
        },
        "live_chat.html": {
            "who": WHO,
            "chat": live_chat,
            "themes": {"category": HOSTILE, "lines": [HOSTILE]},
            "history": [("doctor", HOSTILE), ("assistant", HOSTILE)],
            "messages": [message],
            "last_seq": 1,
            "open": True,
        },
    }


def hostile(node):
    """The catalogue's shape with a hostile string for every text: the catalogue's words are escaped too."""
    return {key: hostile(value) for key, value in node.items()} if isinstance(node, dict) else HOSTILE


def every_page_gets() -> dict:
    """What bot.web.counsellor.page and bot.web.doctors.render_pages give every template."""
    return {
        "lang": HOSTILE,
        "t": hostile(CATALOGUE["en"]),
        "switch": {"href": HOSTILE, "lang": HOSTILE, "name": HOSTILE},
    }


def pages() -> list[str]:
    return sorted(p.name for p in TEMPLATES.glob("*.html") if p.name not in ("base.html", "macros.html"))


def test_every_page_template_is_checked_here():
    assert sorted(hostile_context()) == pages()


@pytest.mark.parametrize("name", pages())
def test_every_value_is_escaped(name):
    html = load_templates().get_template(name).render(**every_page_gets(), **hostile_context()[name])
    assert "<script>" not in html and HOSTILE not in html
    assert ESCAPED in html


def test_only_the_server_drawn_charts_are_marked_safe():
    """`|safe` (or turning autoescape off) only on the SVG that bot/web/charts.py draws, which escapes its labels."""
    marked = []
    for path in sorted(TEMPLATES.glob("*.html")):
        source = path.read_text(encoding="utf-8")
        marked += [(path.name, m) for m in re.findall(r"\{\{[^}]*\|\s*safe[^}]*\}\}|autoescape\s+false", source)]
    assert marked == [("trends.html", "{{ svg|safe }}")]


def test_the_charts_marked_safe_escape_their_title_and_labels():
    week = MOMENT.date()
    svg = heatmap_svg(HOSTILE, [(HOSTILE, {week: 7})], [week], "x")
    assert "<script>" not in svg and HOSTILE not in svg and svg.count("&lt;script&gt;") == 2
