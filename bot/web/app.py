"""The web server: the doctors' page, the one-tag widget, an example host page and a small API
(bot/web/doctors.py), and the counsellor view with the doctors' withdrawal form (bot/web/counsellor.py), as
Sanic blueprints; here the app that holds them, what they share, and what every answer gets.

    python -m bot.web.app            (make run starts it beside Rasa, on WEB_PORT)

The widget talks only to this server: `POST /api/message` is passed on to Rasa's REST channel, so the
Rasa server need not be reachable from the internet, and `DELETE /api/conversations/<id>` deletes the
conversation from the tracker store at once. Every response carries strict security headers; no cookies
are set but the counsellor view's; nothing about the request (address, words) is logged.
"""

from __future__ import annotations

import asyncio
import logging

import sqlalchemy as sa
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request

from bot.core.content import content_file_for, content_from
from bot.core.language import LANGUAGES
from bot.core.live import parse_hours
from bot.settings import Settings, get_settings
from bot.storage.counsellors import Counsellors
from bot.storage.live import LiveChats
from bot.storage.records import Storage, make_engine
from bot.storage.retention import purge
from bot.web import counsellor, counsellor_live, doctors, live
from bot.web.notify import make_hub
from bot.web.ratelimit import RateLimiter
from bot.web.render import load_templates

logger = logging.getLogger(__name__)
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
BLUEPRINTS = (doctors.files, doctors.api, live.doctor_api, counsellor.view, counsellor.withdrawal)
assert counsellor_live.view is counsellor.view  # the live routes are the counsellor view's (its language, CSRF)


def create_app(settings: Settings | None = None, name: str = "doctor_support_web") -> Sanic:
    settings = settings or get_settings()
    app = Sanic(name, configure_logging=False)
    app.config.ACCESS_LOG = False
    app.config.REQUEST_MAX_SIZE = MAX_BODY_BYTES
    # Behind a balancer or TLS proxy, the client is the address it forwards (FORWARDED_PROXIES of them).
    if settings.forwarded_proxies:
        app.config.PROXIES_COUNT = settings.forwarded_proxies
    ctx = app.ctx
    ctx.settings = settings
    ctx.allowed_origins = frozenset(settings.allowed_origins)
    ctx.files = doctors.read_files()
    ctx.templates = load_templates()
    ctx.content = content_from(str(settings.content_file))
    # The content's words (categories, themes) in each language the pages are shown in (no_nb.yml beside no.yml).
    ctx.contents = {lang: content_from(content_file_for(str(settings.content_file), lang)) for lang in LANGUAGES}
    ctx.pages = doctors.render_pages(ctx.templates)
    ctx.links = doctors.LinkFinder(ctx.contents.values())
    ctx.tracker_engine = make_engine(settings.tracker_db_url)
    ctx.storage = Storage(settings.database_url, settings.handoff_retention_days, settings.intake_retention_days)
    ctx.accounts = Counsellors(
        ctx.storage, settings.secret_key, settings.counsellor_session_minutes, settings.audit_retention_days
    )
    parse_hours(settings.handoff_hours)  # a typo in HANDOFF_HOURS stops the start, with its words
    ctx.live = LiveChats(ctx.storage)
    ctx.live_hub = make_hub(settings.live_redis_url)
    ctx.per_conversation = RateLimiter(settings.messages_per_minute)
    ctx.per_address = RateLimiter(settings.messages_per_minute_per_address)
    # The live chat's doctor endpoints (consent, typing, wait, end): buckets of their own, twice the message limits.
    ctx.live_per_conversation = RateLimiter(2 * settings.messages_per_minute)
    ctx.live_per_address = RateLimiter(2 * settings.messages_per_minute_per_address)
    app.blueprint(BLUEPRINTS)
    app.register_listener(start_retention, "after_server_start")
    app.register_listener(stop_retention, "before_server_stop")
    app.exception(SanicException)(http_error)
    app.exception(sa.exc.OperationalError)(database_unavailable)
    app.exception(Exception)(server_error)
    app.register_middleware(headers, "response")
    return app


# --- what every answer gets ----------------------------------------------------------------------------------
def _error(request: Request, status: int, message: str):
    """JSON for the API, plain text for pages: a short message, never a trace."""
    if request.path.startswith("/api/"):
        return response.json({"error": message}, status=status)
    return response.text(message, status=status)


def http_error(request: Request, exc: SanicException):
    """Sanic's own refusals (404, 405, 413, a malformed request) as a short JSON message, never a trace."""
    status = getattr(exc, "status_code", 500) or 500
    if status >= 500:
        return server_error(request, exc)
    return _error(request, status, ERROR_TEXT.get(status, "The request was not understood."))


def database_unavailable(request: Request, exc: Exception):
    """A database locked, full or down: nothing was changed; the page may try again shortly."""
    logger.error("database unavailable: %s", type(exc).__name__)
    reply = _error(
        request, 503, "The service is busy just now. Please try again in a minute. In acute danger call 113."
    )
    reply.headers["Retry-After"] = "30"
    return reply


def server_error(request: Request, exc: Exception):
    logger.error("request failed: %s", type(exc).__name__)
    return _error(request, 500, "Something went wrong on our side. In acute danger call 113.")


async def headers(request: Request, resp) -> None:
    for key, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(key, value)
    origin = request.headers.get("origin")
    cross_origin = request.path.startswith("/api/") or request.path == "/widget.js"
    if origin and cross_origin and origin in request.app.ctx.allowed_origins:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Access-Control-Allow-Methods"] = "POST, DELETE, OPTIONS"
        resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
        resp.headers["Access-Control-Max-Age"] = "600"
    vary = resp.headers.get("Vary")
    resp.headers["Vary"] = f"{vary}, Origin" if vary else "Origin"


# --- retention, every PURGE_EVERY_SECONDS inside the server --------------------------------------------------
async def start_retention(app: Sanic, loop) -> None:
    app.ctx.retention = loop.create_task(purge_on_schedule(app.ctx.settings, PURGE_EVERY_SECONDS))
    await app.ctx.live_hub.start()


async def stop_retention(app: Sanic, _loop) -> None:
    app.ctx.retention.cancel()
    await app.ctx.live_hub.stop()


async def purge_on_schedule(settings: Settings, every_seconds: float) -> None:
    """Delete what is past its retention now and then every `every_seconds`, off the event loop."""
    loop = asyncio.get_running_loop()
    while True:
        try:
            result = await loop.run_in_executor(None, purge, settings)
            if result.conversations or result.handoffs or result.intakes or result.live_chats:
                logger.info(
                    "retention: %d conversations, %d live chats, %d intake summaries, %d handoff requests deleted",
                    result.conversations,
                    result.live_chats,
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
