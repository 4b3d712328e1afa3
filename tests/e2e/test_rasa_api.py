"""Every route of the Rasa server, read from Rasa's own app: without the token nothing but the health checks and
the REST channel answers, and malformed bodies get a clear 4xx with or without the token, never a 500."""

import functools
import re

import pytest

from tests.e2e.conftest import http

PUBLIC = {
    ("GET", "/"),
    ("GET", "/version"),
    ("GET", "/webhooks/rest"),
    ("GET", "/webhooks/rest/"),
    ("POST", "/webhooks/rest/webhook"),
}
# With the token these would change the running server (unload or replace the model): sent only without it.
CHANGES_THE_SERVER = {("DELETE", "/model")}
BAD_BODIES = [
    (b"{not json", "application/json"),
    (b"\xff\xfe\x00", "application/json"),
    (b"[1, 2]", "application/json"),
    (b"null", "application/json"),
    (b"text=hello", "application/x-www-form-urlencoded"),
    (b"<xml/>", "text/xml"),
]


@functools.lru_cache(maxsize=1)
def rasa_routes():
    import rasa.server
    from rasa.core import channels

    from components.channels import GuardedRestInput

    app = rasa.server.create_app(agent=None, auth_token="listing", cors_origins=[])
    channels.channel.register([GuardedRestInput()], app, route="/webhooks/")
    found = {(method, "/" + route.path.rstrip("/")) for route in app.router.routes for method in route.methods}
    return tuple(sorted((m, p or "/") for m, p in found))


def call(servers, method, path, body=None, content_type=None, token=False):
    url = servers.url + re.sub(r"<[^>]+>", "e2e-api-probe-0001", path) + (f"?token={servers.token}" if token else "")
    status, _headers, reply = http(url, method, body, {"Content-Type": content_type} if content_type else {})
    return status, reply


def test_the_route_list_is_rasas_whole_api():
    routes = rasa_routes()
    assert ("POST", "/model/parse") in routes and ("POST", "/webhooks/rest/webhook") in routes and len(routes) >= 20


@pytest.mark.parametrize("method,path", rasa_routes())
def test_without_the_token_every_route_refuses(servers, method, path):
    if (method, path) in PUBLIC:
        return
    for body, content_type in BAD_BODIES if method in ("POST", "PUT") else [(None, None)]:
        status, reply = call(servers, method, path, body, content_type)
        assert 400 <= status < 500, (method, path, body, status, reply[:200])
        assert b"Traceback" not in reply


@pytest.mark.parametrize("method,path", [r for r in rasa_routes() if r[0] in ("POST", "PUT")])
def test_with_the_token_malformed_bodies_get_a_clear_400(servers, method, path):
    if (method, path) in CHANGES_THE_SERVER or path.startswith("/model/t"):
        return  # training and test runs read YAML; they are not started here
    for body, content_type in BAD_BODIES:
        status, reply = call(servers, method, path, body, content_type, token=True)
        assert 400 <= status < 500, (method, path, body, status, reply[:200])
        assert b"Traceback" not in reply
    assert servers.say("e2e-api-still-answers-0001", "hello"), "the server still answers"
