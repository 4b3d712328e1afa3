"""The web server: the doctors' page, the one-tag widget, an example host page, a small API, and the
counsellor view (bot/web/counsellor.py).

    python -m bot.web.app            (make run starts it beside Rasa, on WEB_PORT)

The widget talks only to this server: `POST /api/message` is passed on to Rasa's REST channel, so the
Rasa server need not be reachable from the internet, and `DELETE /api/conversations/<id>` deletes the
conversation from the tracker store at once. Every response carries strict security headers; no cookies
are set; nothing about the request (address, words) is logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from sanic import Sanic, response
from sanic.exceptions import InvalidUsage, SanicException
from sanic.request import Request

from bot.core.content import content_from
from bot.core.inbound import MAX_MESSAGE_CHARS
from bot.settings import Settings, get_settings
from bot.storage.counsellors import Counsellors
from bot.storage.events import delete_conversation, is_conversation_id
from bot.storage.records import Storage, make_engine
from bot.storage.retention import purge
from bot.web import counsellor
from bot.web.ratelimit import RateLimiter
from bot.web.render import load_templates

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
MAX_BODY_BYTES = 16 * 1024
PURGE_EVERY_SECONDS = 600

PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": PAGE_CSP,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cache-Control": "no-store",
}
ERROR_TEXT = {
    404: "There is nothing here.",
    405: "That method is not allowed here.",
    413: "The request is too large.",
}
FILES = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/example-host.html": ("example-host.html", "text/html; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
    "/host.css": ("host.css", "text/css; charset=utf-8"),
    "/counsellor.css": ("counsellor.css", "text/css; charset=utf-8"),
}


def _bot_messages(replies: list) -> list[dict]:
    """Only what the widget shows: text and buttons (title, payload), as plain strings."""
    shown = []
    for reply in replies if isinstance(replies, list) else []:
        text = reply.get("text") if isinstance(reply, dict) else None
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in (reply.get("buttons") or [] if isinstance(reply, dict) else [])
            if isinstance(b, dict)
        ]
        if text or buttons:
            shown.append({"text": str(text or ""), "buttons": buttons})
    return shown


def _error(request: Request, status: int, message: str):
    """JSON for the API, plain text for pages: a short message, never a trace."""
    if request.path.startswith("/api/"):
        return response.json({"error": message}, status=status)
    return response.text(message, status=status)


def create_app(settings: Settings | None = None, name: str = "doctor_support_web") -> Sanic:
    settings = settings or get_settings()
    app = Sanic(name, configure_logging=False)
    app.config.ACCESS_LOG = False
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    # Behind a balancer or TLS proxy, the client is the address it forwards (FORWARDED_PROXIES of them).
    if settings.forwarded_proxies:
        app.config.PROXIES_COUNT = settings.forwarded_proxies
    files = {route: ((STATIC / filename).read_bytes(), kind) for route, (filename, kind) in FILES.items()}
    allowed_origins = set(settings.allowed_origins)
    engine = make_engine(settings.tracker_db_url)
    app.ctx.settings = settings
    app.ctx.storage = Storage(settings.database_url, settings.handoff_retention_days, settings.intake_retention_days)
    app.ctx.accounts = Counsellors(
        app.ctx.storage, settings.secret_key, settings.counsellor_session_minutes, settings.audit_retention_days
    )
    app.ctx.content = content_from(str(settings.content_file))
    app.ctx.templates = load_templates()
    app.blueprint(counsellor.view)
    app.blueprint(counsellor.withdrawal)
    per_conversation = RateLimiter(settings.messages_per_minute)
    per_address = RateLimiter(settings.messages_per_minute_per_address)

    @app.listener("before_server_start")
    async def open_client(app_: Sanic, _loop) -> None:
        app_.ctx.rasa = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))

    @app.listener("after_server_start")
    async def start_retention(app_: Sanic, loop) -> None:
        app_.ctx.retention = loop.create_task(purge_on_schedule(settings, PURGE_EVERY_SECONDS))

    @app.listener("before_server_stop")
    async def stop_retention(app_: Sanic, _loop) -> None:
        app_.ctx.retention.cancel()

    @app.listener("after_server_stop")
    async def close_client(app_: Sanic, _loop) -> None:
        await app_.ctx.rasa.close()

    def serve(route: str):
        async def handler(_request: Request):
            body, kind = files[route]
            headers = {"Cross-Origin-Resource-Policy": "cross-origin"} if route == "/widget.js" else {}
            return response.raw(body, content_type=kind, headers=headers)

        return handler

    for route, (filename, _kind) in FILES.items():
        app.add_route(serve(route), route, methods=["GET"], name="file_" + filename.replace(".", "_").replace("-", "_"))

    @app.get("/favicon.ico")
    async def favicon(_request: Request):
        return response.empty(status=204)

    @app.get("/healthz")
    async def healthz(_request: Request):
        return response.json({"status": "ok"})

    @app.post("/api/message")
    async def message(request: Request):
        try:
            body = request.json
        except InvalidUsage:
            return response.json({"error": "The message was not valid JSON."}, status=400)
        if not isinstance(body, dict) or not is_conversation_id(body.get("sender")):
            return response.json({"error": "A conversation id is needed."}, status=400)
        text = body.get("message")
        if not isinstance(text, str) or not text.strip():
            return response.json({"error": "The message is empty."}, status=400)
        if len(text) > MAX_MESSAGE_CHARS:
            return response.json({"error": f"Please keep a message under {MAX_MESSAGE_CHARS} characters."}, status=413)
        for limiter, key in ((per_conversation, body["sender"]), (per_address, request.remote_addr or request.ip)):
            if not limiter.allow(key):
                return response.json(
                    {"error": "Messages are coming faster than I can read them. Please wait a few seconds."},
                    status=429,
                    headers={"Retry-After": str(limiter.retry_after(key))},
                )
        try:
            async with request.app.ctx.rasa.post(
                f"{settings.rasa_url}/webhooks/rest/webhook", json={"sender": body["sender"], "message": text}
            ) as reply:
                if reply.status != 200:
                    raise aiohttp.ClientResponseError(reply.request_info, (), status=reply.status)
                replies = await reply.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as exc:
            logger.error("the assistant did not answer: %s", type(exc).__name__)
            return response.json({"error": "The assistant is not answering just now."}, status=502)
        return response.json({"messages": _bot_messages(replies)})

    @app.delete("/api/conversations/<conversation_id>")
    async def delete(_request: Request, conversation_id: str):
        if not is_conversation_id(conversation_id):
            return response.json({"error": "Not a conversation id."}, status=400)
        delete_conversation(engine, conversation_id)
        return response.empty(status=204)

    @app.route("/api/<path:path>", methods=["OPTIONS"])
    async def preflight(_request: Request, path: str):
        return response.empty(status=204)

    @app.exception(SanicException)
    async def http_error(request: Request, exc: SanicException):
        """Sanic's own refusals (404, 405, 413, a malformed request) as a short JSON message, never a trace."""
        status = getattr(exc, "status_code", 500) or 500
        if status >= 500:
            return server_error(request, exc)
        return _error(request, status, ERROR_TEXT.get(status, "The request was not understood."))

    @app.exception(sa.exc.OperationalError)
    async def database_unavailable(request: Request, exc: Exception):
        """A database locked, full or down: nothing was changed; the page may try again shortly."""
        logger.error("database unavailable: %s", type(exc).__name__)
        reply = _error(
            request, 503, "The service is busy just now. Please try again in a minute. In acute danger call 113."
        )
        reply.headers["Retry-After"] = "30"
        return reply

    @app.exception(Exception)
    def server_error(request: Request, exc: Exception):
        logger.error("request failed: %s", type(exc).__name__)
        return _error(request, 500, "Something went wrong on our side. In acute danger call 113.")

    @app.middleware("response")
    async def headers(request: Request, resp) -> None:
        for key, value in SECURITY_HEADERS.items():
            resp.headers.setdefault(key, value)
        origin = request.headers.get("origin")
        if origin and origin in allowed_origins and (request.path.startswith("/api/") or request.path == "/widget.js"):
            resp.headers["Access-Control-Allow-Origin"] = origin
            resp.headers["Access-Control-Allow-Methods"] = "POST, DELETE, OPTIONS"
            resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
            resp.headers["Access-Control-Max-Age"] = "600"
        resp.headers["Vary"] = "Origin"

    return app


async def purge_on_schedule(settings: Settings, every_seconds: float) -> None:
    """Delete what is past its retention now and then every `every_seconds`, off the event loop."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            result = await loop.run_in_executor(None, purge, settings)
            if result.conversations or result.handoffs or result.intakes:
                logger.info(
                    "retention: %d conversations, %d intake summaries, %d handoff requests deleted",
                    result.conversations,
                    result.intakes,
                    result.handoffs,
                )
        except Exception as exc:  # a failed purge must not stop the web server; the next run tries again
            logger.error("retention purge failed: %s", type(exc).__name__)
        await asyncio.sleep(every_seconds)


def main() -> None:
    settings = get_settings()
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    create_app(settings).run(host="0.0.0.0", port=settings.web_port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
