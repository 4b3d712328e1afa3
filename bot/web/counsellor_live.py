"""The live handoff's counsellor side (docs/live-handoff.md), routes of the counsellor view (signed in, CSRF):

    GET  /counsellor/live                      the duty switch, the queue, the counsellor's own open chats
    GET  /counsellor/live/events               SSE: `queue` whenever it changes
    POST /counsellor/duty                      available=1|0
    POST /counsellor/live/<chat_id>/take       one counsellor only (409 for the second); pauses Rasa
    GET  /counsellor/live/<chat_id>            the chat: themes and earlier words only as the doctor consented
    GET  /counsellor/live/<chat_id>/events     SSE: message, state, typing, alert
    POST /counsellor/live/<chat_id>/message    text=...
    POST /counsellor/live/<chat_id>/typing
    POST /counsellor/live/<chat_id>/end        note=... (the closing note)

Take, view and end are written to the audit log under the chat's code, the only identifier a counsellor sees. The
pages' one script (static/counsellor-live.js) is a file of this origin: the pages' CSP allows no other.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

from sanic import response
from sanic.request import Request

from bot.core.inbound import MAX_MESSAGE_CHARS
from bot.core.live import waited_seconds
from bot.core.summary import theme_lines
from bot.core.values import FORM_SLOTS
from bot.storage.counsellors import SignedIn
from bot.storage.events import conversation_texts
from bot.storage.live import ACTIVE, QUEUED, LiveChats
from bot.web import live as shared
from bot.web.counsellor import VIEW_CSP, _form, category_name, content_for, page, refused, say, signed_in, view
from bot.web.notify import QUEUE, chat_channel

LIVE_CSP = VIEW_CSP + "; script-src 'self'; connect-src 'self'"


def _live_page(request: Request, template: str, status: int = 200, **context):
    resp = page(request, template, status, **context)
    resp.headers["Content-Security-Policy"] = LIVE_CSP
    return resp


def _wants_json(request: Request) -> bool:
    return request.headers.get("x-requested-with") == "fetch"


def queue_snapshot(live: LiveChats) -> list[dict]:
    now = datetime.now(timezone.utc)
    chats = live.queue() + live.active()
    return [
        {
            "id": chat.id,
            "code": chat.code,
            "crisis": bool(chat.crisis),
            "waited_seconds": waited_seconds(chat.queued_at, now),
            "state": chat.state,
            "taken_by": chat.taken_by,
        }
        for chat in chats
    ]


@view.get("/live")
@signed_in
async def live_home(request: Request, who: SignedIn):
    live: LiveChats = request.app.ctx.live
    return _live_page(
        request,
        "live.html",
        who=who,
        available=live.is_available(who.username),
        queue=queue_snapshot(live),
        mine=live.active(who.username),
    )


@view.get("/live/events")
@signed_in
async def live_queue_events(request: Request, who: SignedIn):
    """The queue as one `queue` event now and whenever anything changes (a keep-alive comment in between)."""
    ctx = request.app.ctx
    notes = ctx.live_hub.subscribe(QUEUE)
    try:
        resp = await request.respond(content_type="text/event-stream; charset=utf-8", headers=shared.SSE_HEADERS)
        await resp.send("retry: 3000\n\n")
        sent = None
        while True:
            chats = queue_snapshot(ctx.live)
            comparable = [{k: v for k, v in c.items() if k != "waited_seconds"} for c in chats]
            if comparable != sent:
                await resp.send(shared.sse("queue", {"chats": chats}))
                sent = comparable
            try:
                await asyncio.wait_for(notes.get(), shared.KEEP_ALIVE_SECONDS)
            except asyncio.TimeoutError:
                await resp.send(": keep-alive\n\n")
    finally:
        ctx.live_hub.unsubscribe(notes)


@view.post("/duty")
@signed_in
async def duty(request: Request, who: SignedIn):
    available = _form(request, "available") == "1"
    request.app.ctx.live.set_duty(who.username, available)
    request.app.ctx.accounts.audit(who.username, "duty", None, "on" if available else "off")
    return response.redirect("/counsellor/live", status=303)


@view.post("/live/<chat_id>/take")
@signed_in
async def take(request: Request, who: SignedIn, chat_id: str):
    ctx = request.app.ctx
    chat = ctx.live.get(chat_id)
    if chat is None:
        return refused(request, 404, "live_gone", "live_gone_text", who)
    won = ctx.live.take(chat_id, who.username)
    ctx.accounts.audit(who.username, "live_take", chat.code, "ok" if won else "taken")
    if not won:
        if _wants_json(request):
            return response.json({"error": say(request, "live_taken")}, status=409)
        return refused(request, 409, "live_taken", "live_taken_text", who)
    await shared.pause_rasa(request.app, chat.conversation_id)
    await shared.wake(request.app, chat_id, queue=True)
    if _wants_json(request):
        return response.json({"taken": True, "url": f"/counsellor/live/{chat_id}"})
    return response.redirect(f"/counsellor/live/{chat_id}", status=303)


def _own_chat(request: Request, who: SignedIn, chat_id: str):
    """The chat if this counsellor took it; else a refusal page."""
    chat = request.app.ctx.live.get(chat_id)
    if chat is None:
        return None, refused(request, 404, "live_gone", "live_gone_text", who)
    if chat.taken_by != who.username:
        return None, refused(request, 403, "live_not_yours", "live_not_yours_text", who)
    return chat, None


@view.get("/live/<chat_id>")
@signed_in
async def chat_page(request: Request, who: SignedIn, chat_id: str):
    chat, refusal = _own_chat(request, who, chat_id)
    if refusal:
        return refusal
    ctx = request.app.ctx
    ctx.accounts.audit(who.username, "live_view", chat.code, chat.state)
    labels = content_for(request).labels
    themes = None
    if chat.consent_themes:
        coded = {k: v for k, v in chat.themes.items() if k in FORM_SLOTS}
        themes = {
            "category": category_name(request, chat.themes.get("help_category")),
            "lines": theme_lines(coded, labels),
        }
    history = conversation_texts(ctx.tracker_engine, chat.conversation_id) if chat.consent_history else None
    messages = ctx.live.messages_after(chat.id, 0)
    return _live_page(
        request,
        "live_chat.html",
        who=who,
        chat=chat,
        themes=themes,
        history=history,
        messages=messages,
        last_seq=messages[-1].seq if messages else 0,
        open=chat.state == ACTIVE,
    )


@view.get("/live/<chat_id>/events")
@signed_in
async def chat_events(request: Request, who: SignedIn, chat_id: str):
    chat, refusal = _own_chat(request, who, chat_id)
    if refusal:
        return refusal
    await shared.stream_chat(request, chat.id, "counsellor")


@view.post("/live/<chat_id>/message")
@signed_in
async def counsellor_says(request: Request, who: SignedIn, chat_id: str):
    chat, refusal = _own_chat(request, who, chat_id)
    if refusal:
        return refusal
    text = _form(request, "text").strip()
    if not text or len(text) > MAX_MESSAGE_CHARS:
        return response.json({"error": say(request, "live_message_bad")}, status=400)
    if chat.state != ACTIVE or chat.ended_by:  # ended, or ending (its closing words on the way)
        return response.json({"error": say(request, "live_ended")}, status=409)
    seq = request.app.ctx.live.add_message(
        chat.id, "counsellor", text, name=shared.shown_name(who.username), lang=chat.lang
    )
    await shared.wake(request.app, chat.id)
    if _wants_json(request):
        return response.json({"seq": seq})
    return response.redirect(f"/counsellor/live/{chat_id}", status=303)


@view.post("/live/<chat_id>/typing")
@signed_in
async def counsellor_typing(request: Request, who: SignedIn, chat_id: str):
    chat, refusal = _own_chat(request, who, chat_id)
    if refusal:
        return refusal
    await request.app.ctx.live_hub.publish(chat_channel(chat.id), {"kind": "typing", "who": "counsellor"})
    return response.empty(status=204)


@view.post("/live/<chat_id>/end")
@signed_in
async def counsellor_end(request: Request, who: SignedIn, chat_id: str):
    chat, refusal = _own_chat(request, who, chat_id)
    if refusal:
        return refusal
    ended = chat.state in (QUEUED, ACTIVE) and await shared.end_chat(
        request.app, chat, "counsellor", _form(request, "note").strip(), who.username
    )
    request.app.ctx.accounts.audit(who.username, "live_end", chat.code, "ok" if ended else "ended_already")
    if _wants_json(request):
        return response.json({"ended": ended})
    return response.redirect("/counsellor/live", status=303)
