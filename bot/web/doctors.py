"""What doctors' browsers call, as two blueprints of the web server: the page and the widget (`files`), and the
small API the widget talks to (`api`).

    GET     /                                 the page in Bokmål or English (?lang=, else Accept-Language), both
                                              rendered once at start-up (templates/index.html)
    GET     /example-host.html  /widget.js  /page.css  /host.css  /counsellor.css    read once at start-up
    GET     /favicon.ico (nothing)  /healthz
    POST    /api/message                      passed on to Rasa's REST channel
    DELETE  /api/conversations/<id>           the conversation deleted from the tracker store at once, with its
                                              live chats (bot/web/live.py: while one is open, /api/message goes
                                              to the person, not to Rasa)
    OPTIONS /api/<path>                       CORS preflight (bot.web.app adds the CORS headers to every answer)

The relay keeps the Rasa server off the internet. What the handlers share (settings, the rate limits, the
tracker store's engine, the HTTP client, the files) is on `app.ctx`; nothing about a request is logged.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from pathlib import Path

import aiohttp
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.core.content import Content
from bot.core.inbound import MAX_MESSAGE_CHARS
from bot.core.language import LANGUAGES as PAGE_LANGUAGES
from bot.core.language import detect_language
from bot.storage.events import delete_conversation, is_conversation_id
from bot.web import i18n, live
from bot.web.ratelimit import too_fast

logger = logging.getLogger(__name__)
STATIC = Path(__file__).parent / "static"
FILES = {
    "/example-host.html": ("example-host.html", "text/html; charset=utf-8"),
    "/widget.js": ("widget.js", "text/javascript; charset=utf-8"),
    "/page.css": ("page.css", "text/css; charset=utf-8"),
    "/host.css": ("host.css", "text/css; charset=utf-8"),
    "/counsellor.css": ("counsellor.css", "text/css; charset=utf-8"),
    "/counsellor-live.js": ("counsellor-live.js", "text/javascript; charset=utf-8"),
}
SHARED_FILES = {"/widget.js"}  # loaded by other sites' pages

files = Blueprint("files")
api = Blueprint("api", url_prefix="/api")


def read_files() -> dict[str, tuple[bytes, str]]:
    """Route -> (body, content type), read once when the app is made."""
    return {route: ((STATIC / filename).read_bytes(), kind) for route, (filename, kind) in FILES.items()}


def render_pages(templates) -> dict[str, bytes]:
    """The doctors' page in each language, rendered once when the app is made: language -> body."""
    pages = {}
    for lang in PAGE_LANGUAGES:
        other = i18n.other(lang)
        switch = {"lang": other, "name": i18n.LANGUAGE_NAMES[other]}
        html = templates.get_template("index.html").render(lang=lang, t=i18n.texts(lang), switch=switch)
        pages[lang] = html.encode("utf-8")
    return pages


# A web address in a service's "how" text ("legeforeningen.no", "modum-bad.no").
WEB_ADDRESS = re.compile(r"\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:no|com|org|net)\b", re.IGNORECASE)
KINDS = frozenset({"crisis"})  # what a reply may be marked as (domain.yml: `custom: {kind: crisis}`)


class LinkFinder:
    """The content file's own phone numbers and web addresses, found in a bot message so that the widget can make
    them links (`tel:`, `https://`): one regex, compiled once at start-up from every language's content."""

    def __init__(self, contents: Iterable[Content]):
        self.hrefs: dict[str, str] = {}
        alternatives = []
        for content in contents:
            for line in content.crisis_lines:
                digits = re.sub(r"\D", "", line.phone)
                self.hrefs[digits] = "tel:" + digits
                alternatives.append(r"[ \u00a0]?".join(re.escape(group) for group in line.phone.split()))
                if line.chat:
                    self.hrefs[line.chat.lower()] = "https://" + line.chat.lower()
                    alternatives.append(re.escape(line.chat))
            for service in content.services.values():
                for address in WEB_ADDRESS.findall(service.how):
                    self.hrefs[address.lower()] = "https://" + address.lower()
                    alternatives.append(re.escape(address))
        unique = sorted(set(alternatives), key=len, reverse=True)  # "22 40 00 40" before a shorter number in it
        self.pattern = re.compile(r"(?<![\w.@/-])(?:" + "|".join(unique) + r")(?![\w@/-]|\.\w)", re.IGNORECASE)

    def links(self, text: str) -> list[dict]:
        """[{"text": "116 123", "href": "tel:116123"}, ...]: each distinct one once, in the order they come."""
        found: dict[str, str] = {}
        for match in self.pattern.finditer(text):
            key = match.group(0).lower()
            href = self.hrefs.get(key) or self.hrefs.get(re.sub(r"\D", "", key))
            if href and match.group(0) not in found:
                found[match.group(0)] = href
        return [{"text": shown, "href": href} for shown, href in found.items()]


def _progress(custom: dict) -> dict | None:
    """{"question": n, "of": m} with 1 <= n <= m, else nothing."""
    progress = custom.get("progress")
    if not isinstance(progress, dict):
        return None
    question, total = progress.get("question"), progress.get("of")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (question, total)) or not 1 <= question <= total:
        return None
    return {"question": question, "of": total}


def _bot_messages(replies: list, links: LinkFinder | None = None) -> tuple[list[dict], dict | None]:
    """Only what the widget shows: text and buttons (title, payload), as plain strings, the text's language, the
    content's numbers and addresses in it (links), and what kind of reply it is (a crisis reply: Rasa sends its
    `custom` as a message of its own after the text). And where the self-assessment is (progress), when it says."""
    shown: list[dict] = []
    progress = None
    for reply in replies if isinstance(replies, list) else []:
        if not isinstance(reply, dict):
            continue
        custom = reply.get("custom") if isinstance(reply.get("custom"), dict) else {}
        text = reply.get("text")
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in (reply.get("buttons") or [])
            if isinstance(b, dict)
        ]
        if text or buttons:
            text = str(text or "")
            # The reply's language, for the widget to mark it (a screen reader then reads it with the right voice).
            shown.append({"text": text, "buttons": buttons, "lang": detect_language(text)})
            shown[-1]["links"] = links.links(text) if links else []
        if custom.get("kind") in KINDS and shown:
            shown[-1]["kind"] = custom["kind"]
        progress = _progress(custom) or progress
    return shown, progress


# --- the page, the widget, their styles -------------------------------------------------------------------
async def static_file(request: Request):
    route = "/" + request.route.path  # the route's own path: "/widget.js/" is served as "/widget.js"
    body, kind = request.app.ctx.files[route]
    headers = {"Cross-Origin-Resource-Policy": "cross-origin"} if route in SHARED_FILES else {}
    return response.raw(body, content_type=kind, headers=headers)


for _route, (_filename, _kind) in FILES.items():
    files.add_route(static_file, _route, methods=["GET"], name="file_" + _filename.replace(".", "_").replace("-", "_"))


@files.get("/")
async def doctors_page(request: Request):
    """?lang=nb|en (the page's own switch), else the browser's Accept-Language; no cookie, nothing remembered."""
    lang = i18n.choose(request.args.get("lang"), None, request.headers.get("accept-language"))
    return response.raw(
        request.app.ctx.pages[lang], content_type="text/html; charset=utf-8", headers={"Vary": "Accept-Language"}
    )


@files.get("/favicon.ico")
async def favicon(_request: Request):
    return response.empty(status=204)


@files.get("/healthz")
async def healthz(_request: Request):
    return response.json({"status": "ok"})


# --- the API ---------------------------------------------------------------------------------------------
@api.listener("before_server_start")
async def open_client(app: Sanic, _loop) -> None:
    app.ctx.rasa = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))


@api.listener("after_server_stop")
async def close_client(app: Sanic, _loop) -> None:
    await app.ctx.rasa.close()


@api.post("/message")
async def message(request: Request):
    ctx = request.app.ctx
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
    lang = body.get("lang")
    if lang is not None and lang not in PAGE_LANGUAGES:
        return response.json({"error": 'lang must be "nb" or "en" (the widget\'s data-lang).'}, status=400)
    refusal = too_fast(((ctx.per_conversation, body["sender"]), (ctx.per_address, request.remote_addr or request.ip)))
    if refusal:
        return refusal
    chat = ctx.live.open_chat_for(body["sender"])
    if chat is not None:  # a person is in the chat (or on the way): the words go to them only, never to Rasa
        return await live.doctor_says(request, chat, text, lang)
    try:
        async with ctx.rasa.post(
            f"{ctx.settings.rasa_url}/webhooks/rest/webhook",
            json={"sender": body["sender"], "message": text, **({"metadata": {"lang": lang}} if lang else {})},
        ) as reply:
            if reply.status != 200:
                raise aiohttp.ClientResponseError(reply.request_info, (), status=reply.status)
            replies = await reply.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as exc:
        logger.error("the assistant did not answer: %s", type(exc).__name__)
        return response.json({"error": "The assistant is not answering just now."}, status=502)
    replies, queued = live.split_at_marker(replies)
    messages, progress = _bot_messages(replies, ctx.links)
    if queued is None:
        return response.json({"messages": messages, "progress": progress})
    chat = ctx.live.open_chat_for(body["sender"])
    await live.wake(request.app, chat.id if chat else None, queue=True)
    state = live.state_event(chat, ctx.live, ctx.settings.handoff_wait_minutes) if chat else queued
    return response.json({"messages": messages, "progress": progress, "live": state})


@api.delete("/conversations/<conversation_id>")
async def delete(request: Request, conversation_id: str):
    if not is_conversation_id(conversation_id):
        return response.json({"error": "Not a conversation id."}, status=400)
    chat = live.delete_live(request.app, conversation_id)
    delete_conversation(request.app.ctx.tracker_engine, conversation_id)
    if chat is not None:  # the counsellor sees it end; nothing is handed back to Rasa: the conversation is gone
        await live.wake(request.app, chat.id, queue=True)
    return response.empty(status=204)


@api.route("/message", methods=["OPTIONS"], name="message_preflight")
@api.route("/conversations/<conversation_id>", methods=["OPTIONS"], name="delete_preflight")
@api.route("/<path:path>", methods=["OPTIONS"])
async def preflight(_request: Request, **_path: str):
    """A browser asks before the widget on another site sends JSON or DELETE (bot.web.app adds the CORS headers).
    The two API routes answer OPTIONS themselves: Sanic matches a route's path before its method, so the catch-all
    below never saw them and a preflight for them got 405, which stops the widget on the host site."""
    return response.empty(status=204)
