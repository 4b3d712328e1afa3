"""The live handoff's doctor side and what both sides share (docs/live-handoff.md, the contract with the widget).

    GET  /api/live/<conversation_id>/events     Server-Sent Events: messages after Last-Event-ID, the state, news
    POST /api/live/<conversation_id>/consent    {"themes": bool, "history": bool}
    POST /api/live/<conversation_id>/typing
    POST /api/live/<conversation_id>/wait       {"keep_waiting": bool}
    POST /api/live/<conversation_id>/end

While a conversation has a queued or active chat, `POST /api/message` (bot/web/doctors.py) comes here instead of
going to Rasa: the words are stored for the person, the crisis net runs on them, and nothing reaches Rasa's NLU. The
relay's own chat state decides, never Rasa's pause (Rasa un-pauses on a new session). Nothing a doctor writes is
logged; a failed call to Rasa is logged by its kind only.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone

import aiohttp
from sanic import Blueprint, Sanic, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request

from bot.core.crisis import Risk, assess_risk
from bot.core.inbound import MAX_MESSAGE_CHARS
from bot.core.language import detect_language
from bot.core.live import timed_out, waited_seconds
from bot.storage.events import delete_conversation, is_conversation_id
from bot.storage.live import ACTIVE, ENDED, QUEUED, LiveChats
from bot.storage.models import LiveChat, LiveMessage
from bot.storage.records import as_utc
from bot.web.notify import QUEUE, chat_channel
from bot.web.ratelimit import too_fast

logger = logging.getLogger(__name__)
KEEP_ALIVE_SECONDS = 15
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
ENDED_INTENT = "live_chat_ended"

doctor_api = Blueprint("live_api", url_prefix="/api/live")


# --- what both sides are sent ------------------------------------------------------------------------------
def shown_name(username: str | None) -> str | None:
    """The counsellor as the doctor sees them: the account's first name, capitalised ("kari.n" -> "Kari")."""
    if not username:
        return None
    first = username.replace("_", ".").replace("-", ".").split(".")[0]
    return first[:1].upper() + first[1:]


def message_event(message: LiveMessage) -> dict:
    event = {
        "seq": message.seq,
        "author": message.author,
        "text": message.text,
        "at": as_utc(message.at).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "lang": message.lang,
    }
    if message.author == "counsellor":
        event["name"] = message.name
    if message.buttons:
        event["buttons"] = message.buttons
    return event


def state_event(chat: LiveChat | None, live: LiveChats, wait_minutes: int, now: datetime | None = None) -> dict:
    """The chat's state as the contract has it; a chat deleted meanwhile has ended."""
    if chat is None:
        return {"state": ENDED, "consent": {"themes": None, "history": None}, "crisis": False, "timed_out": False}
    moment = now or datetime.now(timezone.utc)
    state = {
        "state": chat.state,
        "waited_seconds": waited_seconds(chat.queued_at, moment),
        "timed_out": chat.state == QUEUED and timed_out(chat.wait_from, moment, wait_minutes),
        "consent": {"themes": chat.consent_themes, "history": chat.consent_history},
        "crisis": bool(chat.crisis),
    }
    if chat.state == QUEUED:
        state["position"] = live.position(chat)
    if chat.state == ACTIVE:
        state["counsellor"] = shown_name(chat.taken_by)
    return state


def sse(event: str | None, data: dict, event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines.append("data: " + json.dumps(data, ensure_ascii=False))
    return "\n".join(lines) + "\n\n"


def last_event_id(request: Request) -> int:
    raw = request.headers.get("last-event-id") or request.args.get("last_id") or "0"
    return int(raw) if raw.isdigit() and len(raw) < 10 else 0


async def stream_chat(request: Request, chat_id: str, side: str) -> None:
    """One chat's events for one side ("doctor" or "counsellor"): first every message after Last-Event-ID, then the
    state, then news as it comes; a keep-alive comment every KEEP_ALIVE_SECONDS; closed once the chat has ended."""
    ctx = request.app.ctx
    live: LiveChats = ctx.live
    channels = (chat_channel(chat_id), QUEUE) if side == "doctor" else (chat_channel(chat_id),)
    notes = ctx.live_hub.subscribe(*channels)
    try:
        resp = await request.respond(content_type="text/event-stream; charset=utf-8", headers=SSE_HEADERS)
        last, sent_state = last_event_id(request), None
        await resp.send("retry: 3000\n\n")
        while True:
            # The chat before its messages: a chat read as ended has stored its last message already (end_chat
            # stores the closing words before the state), so every message comes before `ended`.
            chat = live.get(chat_id)
            for message in live.messages_after(chat_id, last):
                await resp.send(sse("message", message_event(message), message.seq))
                last = message.seq
            state = state_event(chat, live, ctx.settings.handoff_wait_minutes)
            comparable = {k: v for k, v in state.items() if k != "waited_seconds"}
            if comparable != sent_state:
                await resp.send(sse("state", state))
                sent_state = comparable
            if state["state"] == ENDED:
                return
            while True:
                try:
                    note = await asyncio.wait_for(notes.get(), KEEP_ALIVE_SECONDS)
                except asyncio.TimeoutError:
                    await resp.send(": keep-alive\n\n")
                    break
                if note.get("kind") == "typing" and note.get("who") != side:
                    await resp.send(sse("typing", {"who": note["who"]}))
                elif note.get("kind") == "alert" and side == "counsellor":
                    await resp.send(sse("alert", {"kind": note.get("alert", "crisis")}))
                elif note.get("kind") == "wake":
                    break
    finally:
        ctx.live_hub.unsubscribe(notes)


async def wake(app: Sanic, chat_id: str | None = None, queue: bool = False) -> None:
    if chat_id:
        await app.ctx.live_hub.publish(chat_channel(chat_id), {"kind": "wake"})
    if queue:
        await app.ctx.live_hub.publish(QUEUE, {"kind": "wake"})


# --- Rasa: pause, resume, the closing reply ----------------------------------------------------------------
async def rasa_call(app: Sanic, conversation_id: str, path: str, body: dict) -> dict | None:
    """POST to Rasa's HTTP API with the token from settings (the browser never holds it); None when it fails."""
    settings = app.ctx.settings
    url = f"{settings.rasa_url}/conversations/{conversation_id}/{path}"
    try:
        async with app.ctx.rasa.post(url, params={"token": settings.rasa_api_token}, json=body) as reply:
            if reply.status != 200:
                raise aiohttp.ClientResponseError(reply.request_info, (), status=reply.status)
            return await reply.json(content_type=None)
    except (aiohttp.ClientError, TimeoutError, json.JSONDecodeError) as exc:
        logger.error("Rasa's HTTP API failed (%s): %s", path.split("?")[0], type(exc).__name__)
        return None


async def pause_rasa(app: Sanic, conversation_id: str) -> None:
    await rasa_call(app, conversation_id, "tracker/events", {"event": "pause"})


async def end_chat(app: Sanic, chat: LiveChat, ended_by: str, note: str = "", counsellor: str | None = None) -> bool:
    """End it once (whoever is first), hand the conversation back to Rasa (resume, then the closing reply as an
    assistant message), then wake both sides. False when it was ending or had ended already.

    The state turns `ended` only once the closing messages are stored: a stream woken meanwhile (a keep-alive, a
    queue change) still reads the chat open, so it never sends `ended` and closes before the closing words."""
    live: LiveChats = app.ctx.live
    if not live.start_ending(chat.id, ended_by):
        return False
    try:
        if note and counsellor:
            name = shown_name(counsellor)
            live.add_message(chat.id, "counsellor", note[:MAX_MESSAGE_CHARS], name=name, lang=chat.lang)
        await rasa_call(app, chat.conversation_id, "tracker/events", {"event": "resume"})
        reply = await rasa_call(app, chat.conversation_id, "trigger_intent", {"name": ENDED_INTENT, "entities": {}})
        for message in (reply or {}).get("messages") or []:
            text = message.get("text") if isinstance(message, dict) else None
            if isinstance(text, str) and text:
                buttons = [
                    {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
                    for b in message.get("buttons") or []
                    if isinstance(b, dict)
                ]
                live.add_message(chat.id, "assistant", text, lang=detect_language(text), buttons=buttons or None)
    finally:  # also when the request is cancelled mid-call: a chat claimed for ending always ends
        live.end(chat.id, ended_by)
    if live.get(chat.id) is None:  # "delete my conversation" came meanwhile: what Rasa just wrote goes too
        delete_conversation(app.ctx.tracker_engine, chat.conversation_id)
    await wake(app, chat.id, queue=True)
    return True


def delete_live(app: Sanic, conversation_id: str) -> LiveChat | None:
    """For "delete my conversation": the chats and their messages go; returns the one that was open, if any."""
    live: LiveChats = app.ctx.live
    chat = live.open_chat_for(conversation_id)
    if chat:
        live.end(chat.id, "deleted")
    live.delete_conversation(conversation_id)
    return chat


# --- the doctor's messages while a person is in the chat (called by the relay) -----------------------------
def split_at_marker(replies: list) -> tuple[list, dict | None]:
    """Rasa's replies up to the live marker (`{"live": {...}}`, actions/handoff.py) and the marker; what the rule
    says after it (the offer to go on, the form's question) is for after the chat, so the doctor is not shown it."""
    for index, reply in enumerate(replies if isinstance(replies, list) else []):
        custom = reply.get("custom") if isinstance(reply, dict) else None
        if isinstance(custom, dict) and isinstance(custom.get("live"), dict):
            return replies[:index], custom["live"]
    return replies, None


async def doctor_says(request: Request, chat: LiveChat, text: str, lang: str | None):
    """Stored for the person (next seq), the crisis net run on it (an alert to the counsellor), no bot reply."""
    app, live = request.app, request.app.ctx.live
    seq = live.add_message(chat.id, "doctor", text, lang=detect_language(text) or lang)
    risk = assess_risk(text).risk
    if risk in (Risk.DISCLOSURE, Risk.UNCLEAR):
        if risk is Risk.DISCLOSURE:
            live.mark_crisis(chat.id)
        alert = "crisis" if risk is Risk.DISCLOSURE else "unclear"
        await app.ctx.live_hub.publish(chat_channel(chat.id), {"kind": "alert", "alert": alert})
    await wake(app, chat.id, queue=risk is Risk.DISCLOSURE)
    state = state_event(live.get(chat.id), live, app.ctx.settings.handoff_wait_minutes)
    return response.json({"messages": [], "progress": None, "live": state, "seq": seq})


# --- the doctor's endpoints --------------------------------------------------------------------------------
def doctor_post(path: str):
    """A POST route that also answers the browser's CORS preflight (OPTIONS) itself: Sanic matches a route's path
    before its method, so the API's catch-all preflight never sees these (bot/web/doctors.py). Rate-limited per
    conversation and per client address like /api/message, in buckets of their own at twice its limits (typing,
    one per 3 s at most from the widget, comes on top of the messages)."""

    def register(handler):
        async def route(request: Request, conversation_id: str):
            if request.method == "OPTIONS":
                return response.empty(status=204)
            ctx = request.app.ctx
            address = request.remote_addr or request.ip
            refusal = too_fast(
                ((ctx.live_per_conversation, conversation_id), (ctx.live_per_address, address)),
                "Too many requests just now. Please wait a few seconds.",
            )
            return refusal or await handler(request, conversation_id)

        route.__name__ = handler.__name__
        doctor_api.route(path, methods=["POST", "OPTIONS"], name=handler.__name__)(route)
        return handler

    return register


def _chat_or_error(request: Request, conversation_id: str, open_only: bool = True):
    if not is_conversation_id(conversation_id):
        return None, response.json({"error": "Not a conversation id."}, status=400)
    live: LiveChats = request.app.ctx.live
    chat = live.open_chat_for(conversation_id) if open_only else live.latest_chat_for(conversation_id)
    if chat is None:
        return None, response.json({"error": "This conversation has no live chat."}, status=404)
    return chat, None


def _json_body(request: Request) -> dict | None:
    try:
        body = request.json
    except InvalidUsage:
        return None
    return body if isinstance(body, dict) else None


def _state_answer(request: Request, chat_id: str, status: int = 200):
    live = request.app.ctx.live
    return response.json(state_event(live.get(chat_id), live, request.app.ctx.settings.handoff_wait_minutes), status)


@doctor_api.get("/<conversation_id>/events")
async def doctor_events(request: Request, conversation_id: str):
    chat, error = _chat_or_error(request, conversation_id, open_only=False)
    if error:
        return error
    await stream_chat(request, chat.id, "doctor")


@doctor_post("/<conversation_id>/consent")
async def consent(request: Request, conversation_id: str):
    body = _json_body(request)
    if body is None or not all(isinstance(body.get(k), bool) for k in ("themes", "history")):
        return response.json({"error": 'Send {"themes": true|false, "history": true|false}.'}, status=400)
    chat, error = _chat_or_error(request, conversation_id)
    if error:
        return error
    if not request.app.ctx.live.set_consent(chat.id, body["themes"], body["history"]):
        return response.json({"error": "The chat has ended."}, status=409)
    await wake(request.app, chat.id)
    return _state_answer(request, chat.id)


@doctor_post("/<conversation_id>/typing")
async def doctor_typing(request: Request, conversation_id: str):
    chat, error = _chat_or_error(request, conversation_id)
    if error:
        return error
    await request.app.ctx.live_hub.publish(chat_channel(chat.id), {"kind": "typing", "who": "doctor"})
    return response.empty(status=204)


@doctor_post("/<conversation_id>/wait")
async def keep_waiting(request: Request, conversation_id: str):
    body = _json_body(request)
    if body is None or not isinstance(body.get("keep_waiting"), bool):
        return response.json({"error": 'Send {"keep_waiting": true|false}.'}, status=400)
    chat, error = _chat_or_error(request, conversation_id)
    if error:
        return error
    if chat.state != QUEUED:
        return response.json({"error": "The chat is not waiting in the queue."}, status=409)
    if body["keep_waiting"]:
        request.app.ctx.live.keep_waiting(chat.id)
        await wake(request.app, chat.id)
    else:
        await end_chat(request.app, chat, "left_queue")
    return _state_answer(request, chat.id)


@doctor_post("/<conversation_id>/end")
async def doctor_end(request: Request, conversation_id: str):
    chat, error = _chat_or_error(request, conversation_id)
    if error:
        return error
    if not await end_chat(request.app, chat, "doctor"):
        return response.json({"error": "The chat has ended already."}, status=409)
    return _state_answer(request, chat.id)
