"""Every route of the web server, fed malformed bodies and wrong content types: a clear 4xx (or the page),
never a 500 or a trace, and the security headers on every answer, errors included."""

import functools
import re

import pytest

from bot.settings import load_settings
from bot.web.app import SECURITY_HEADERS, create_app
from tests.web.webclient import Browser

BAD_BODIES = [
    (b"{not json", "application/json"),
    (b"\xff\xfe\x00garbage", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b"null", "application/json"),
    (b'{"sender": {"$ne": null}, "message": ["a"]}', "application/json"),
    (b"csrf=x&username=%00&password=" + b"A" * 5000, "application/x-www-form-urlencoded"),
    (b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb\r\n--x--', "multipart/form-data; boundary=x"),
    (b"<xml>hi</xml>", "text/xml"),
    (b"A" * 20_000, "text/plain"),
]


@functools.lru_cache(maxsize=1)
def all_routes():
    """Every (method, path) the app serves, read from the app itself: a new route is fuzzed too."""
    settings = load_settings(overrides={"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    app = create_app(settings, name="route_fuzzing")
    found = set()
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        for method in route.methods:
            found.add((method, re.sub(r"<[^>]+>", "1", path)))
    return tuple(sorted(found))


def test_the_route_list_covers_the_api_and_the_counsellor_view():
    routes = all_routes()
    assert ("POST", "/api/message") in routes and ("POST", "/counsellor/sign-in") in routes and len(routes) >= 15


def assert_safe(status, headers, body, what):
    assert status < 500, what
    assert "Traceback" not in body and 'File "' not in body, what
    for name in SECURITY_HEADERS:
        assert headers.get(name), (what, name)
    assert not headers.get("Set-Cookie") or "counsellor" in what[1], what


@pytest.mark.parametrize("method,path", all_routes())
def test_malformed_bodies_to_every_route_get_a_clear_refusal(web, method, path):
    browser = Browser(web.url)
    for body, content_type in BAD_BODIES:
        status, headers, text = browser.go(path, method=method, raw=body, content_type=content_type)
        assert_safe(status, headers, text, (method, path, body[:20]))


@pytest.mark.parametrize(
    "method,path,status",
    [
        ("GET", "/no-such-page", 404),
        ("GET", "/api/no-such-thing", 405),  # /api/<path> answers OPTIONS (CORS) only
        ("PUT", "/api/message", 405),
        ("GET", "/api/message", 405),
        ("POST", "/widget.js", 405),
    ],
)
def test_unknown_routes_and_methods_get_a_short_answer_with_the_headers(web, method, path, status):
    got, headers, text = Browser(web.url).go(path, method=method, raw=b"" if method in ("POST", "PUT") else None)
    assert got == status
    assert_safe(got, headers, text, (method, path))
    assert len(text) < 200


def test_a_body_over_the_limit_is_refused_before_it_is_read(web):
    status, headers, text = Browser(web.url).go(
        "/api/message", method="POST", raw=b"{" + b" " * 200_000 + b"}", content_type="application/json"
    )
    assert status == 413 and "too large" in text
    assert_safe(status, headers, text, "413")


def test_nothing_went_wrong_in_the_server_log(web):
    log = web.log.read_text()
    assert "Traceback" not in log and "request failed" not in log
