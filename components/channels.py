"""Rasa's REST channel (`POST /webhooks/rest/webhook`, same requests and replies) with a screen in front.

Rasa's own REST channel passes anything on: `/intent{"slot": value}` text that Rasa obeys, metadata that it
stores with the conversation, control characters a database refuses, a megabyte of text; and when the turn
fails it answers an empty list, which the doctor sees as silence. This one:
- reads every message through bot/core/inbound.py (slash commands only as the bot's own buttons send them);
- answers a message without words, one too long to read, or a slash command no button sends, kindly, and
  keeps nothing of it (a forged command is neither an answer nor a skip);
- answers a malformed request with a clear 400 in JSON, never a stack trace;
- ignores the client's metadata and channel name (nothing but the words is stored), except the page's language
  (`metadata.lang`, nb or en), which the conversation starts in;
- when the turn fails (a store down or locked, a lock not free in time) or ends without a word, answers
  with the helplines, and with crisis help when the message was a disclosure; the cause is logged by type,
  never with the doctor's words.

It also guards the rest of the Rasa server's HTTP API (token holders only: operators, the evaluation): a body
that is not the JSON a route reads is refused with a 400 before Rasa's handler, which answered some with a 500
(`create_guarded_app`, put in place of Rasa's `create_app` by components/patches.py at the server's start-up;
importing this module changes nothing in Rasa).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

import rasa.server
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from rasa.shared.core.domain import Domain
from sanic import Blueprint, response
from sanic.exceptions import InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.crisis import assess_risk
from bot.core.form import change_topic_payloads
from bot.core.inbound import CRISIS_COMMAND, Screened, Verdict, button_commands, screen
from bot.core.language import LANGUAGES
from bot.core.safety import LANGUAGE_ENTITY, PAGE_LANGUAGE_KEY, answer_language

logger = logging.getLogger(__name__)
MAX_SENDER_CHARS = 128
MAX_BODY_BYTES = 512 * 1024  # a 100 kB paste and its JSON escapes fit; more is refused before it is read
REPLY_FOR = {
    Verdict.EMPTY: "utter_input_empty",
    Verdict.TOO_LONG: "utter_input_too_long",
    Verdict.COMMAND: "utter_input_command",
}
FAULT_REPLY = "utter_something_went_wrong"
CRISIS_REPLY = "utter_crisis"

_commands_by_domain: dict[int, frozenset[str]] = {}
# Rasa API routes whose body is YAML or Markdown (training and test data), and those that take a JSON list too.
NOT_JSON_ROUTES = re.compile(r"^/model/(train|test/)")
LIST_ROUTES = re.compile(r"^/conversations/.+/tracker/events$")
_original_create_app = rasa.server.create_app


def body_problem(path: str, body: bytes) -> str | None:
    """Why the body of a POST or PUT to Rasa's API cannot be what the route reads, or None."""
    if not body or NOT_JSON_ROUTES.match(path) or path.startswith("/webhooks/"):
        return None  # no body, training data, or the REST channel (which answers bad bodies itself)
    try:
        parsed = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return "The request body is not valid JSON (UTF-8)."
    if isinstance(parsed, dict) or (isinstance(parsed, list) and LIST_ROUTES.match(path)):
        return None
    return "The request body must be a JSON object."


def create_guarded_app(*args: Any, **kwargs: Any):
    """Rasa's `create_app`, with malformed JSON refused before any handler reads it."""
    app = _original_create_app(*args, **kwargs)

    @app.middleware("request")
    async def refuse_malformed_bodies(request: Request):
        if request.method in ("POST", "PUT"):
            problem = body_problem(request.path, request.body)
            if problem:
                return response.json(
                    {"status": "failure", "reason": "BadRequest", "message": problem, "code": 400}, 400
                )
        return None

    return app


def domain_button_commands(domain: Domain) -> frozenset[str]:
    """The slash payloads of every button in the domain's responses (computed once per loaded domain)."""
    key = id(domain)
    if key not in _commands_by_domain:
        payloads = [
            button.get("payload")
            for variations in domain.responses.values()
            for variation in variations
            for button in variation.get("buttons") or []
        ]
        _commands_by_domain.clear()
        # and the buttons an action builds: the list of answers to change (actions/change.py)
        _commands_by_domain[key] = button_commands(payloads) | change_topic_payloads()
    return _commands_by_domain[key]


def _variation(domain: Domain, name: str, language: str | None) -> dict[str, Any]:
    """The response's variation for the language (its `language` slot condition), else the unconditioned one."""
    variations = domain.responses[name]
    for variation in variations:
        conditions = variation.get("condition") or []
        if language and any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation
    return next((v for v in variations if not v.get("condition")), variations[0])


def response_messages(domain: Domain, name: str, sender: str, language: str | None = None) -> list[dict[str, Any]]:
    """A domain response as the REST channel sends it, in the doctor's language when it is known."""
    variation = _variation(domain, name, language)
    message: dict[str, Any] = {"recipient_id": sender, "text": variation.get("text", "")}
    if variation.get("buttons"):
        message["buttons"] = [{"title": b["title"], "payload": b["payload"]} for b in variation["buttons"]]
    return [message]


def valid_sender(value: object) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_SENDER_CHARS
        and value.isprintable()
        and not value.isspace()
        and "/" not in value
    )


def _bad_request(reason: str, status: int = 400) -> HTTPResponse:
    return response.json({"error": reason}, status=status)


class GuardedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("guarded_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if len(request.body or b"") > MAX_BODY_BYTES:
                return _bad_request("The message is too long.", status=413)
            try:
                body = request.json
            except (InvalidUsage, UnicodeDecodeError, ValueError):
                return _bad_request("The request was not valid JSON (UTF-8).")
            if not isinstance(body, dict):
                return _bad_request('Send a JSON object: {"sender": "<conversation id>", "message": "<text>"}.')
            sender, text = body.get("sender"), body.get("message")
            if not valid_sender(sender):
                return _bad_request("A conversation id (sender) of 1-128 printable characters, without '/', is needed.")
            if not isinstance(text, str):
                return _bad_request("The message must be text.")
            domain: Domain = request.app.ctx.agent.domain
            screened = screen(text, domain_button_commands(domain))
            if screened.verdict is not Verdict.READ:
                return response.json(response_messages(domain, REPLY_FOR[screened.verdict], sender))

            collector = CollectingOutputChannel()
            read = screened.text
            if screened.language:  # a disclosure in a long paste or after a slash: crisis help in its language
                read = CRISIS_COMMAND + json.dumps({LANGUAGE_ENTITY: screened.language})
            # Of the client's metadata only the page's language is passed on (the widget's data-lang, with its first
            # message), for components/safety_net.py to start in; anything else the client sends is dropped.
            page = (body.get("metadata") or {}).get("lang") if isinstance(body.get("metadata"), dict) else None
            metadata = {PAGE_LANGUAGE_KEY: page} if page in LANGUAGES else None
            try:
                await on_new_message(UserMessage(read, collector, sender, input_channel=self.name(), metadata=metadata))
            except Exception as exc:  # the doctor gets the helplines, never silence or a trace
                # What the turn said before it failed was not saved: only the apology (or crisis help) is shown.
                logger.error("a message could not be handled: %s", type(exc).__name__)
                return response.json(self._fault_reply(domain, sender, screened))
            if not collector.messages:
                logger.error("a turn ended without a reply")
                return response.json(self._fault_reply(domain, sender, screened))
            return response.json(collector.messages)

        return webhook

    @staticmethod
    def _fault_reply(domain: Domain, sender: str, screened: Screened) -> list[dict[str, Any]]:
        if screened.text == CRISIS_COMMAND:
            return response_messages(domain, CRISIS_REPLY, sender, screened.language)
        risk = assess_risk(screened.text)
        reply = CRISIS_REPLY if risk.is_crisis else FAULT_REPLY
        return response_messages(domain, reply, sender, answer_language(screened.text, risk))
