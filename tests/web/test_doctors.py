"""The relay's reading of Rasa's answer (bot/web/doctors.py), from fake Rasa replies: links, crisis kind, progress."""

import pytest

from bot.core.content import content_file_for, content_from
from bot.settings import ROOT
from bot.web.doctors import LinkFinder, _bot_messages

CONTENT = str(ROOT / "bot" / "core" / "content" / "no.yml")
LINKS = LinkFinder(content_from(content_file_for(CONTENT, lang)) for lang in ("en", "nb"))


@pytest.mark.parametrize(
    "text, expected, why",
    [
        ("In acute danger call 113.", [("113", "tel:113")], "the emergency number"),
        (
            "Mental Helse 116 123 (chat: sidetmedord.no), Kirkens SOS 22 40 00 40.",
            [("116 123", "tel:116123"), ("sidetmedord.no", "https://sidetmedord.no"), ("22 40 00 40", "tel:22400040")],
            "numbers with spaces, a chat address",
        ),
        ("Legevakt: 116 117, and 116 117 again", [("116 117", "tel:116117")], "each one once"),
        (
            "on legeforeningen.no or modum-bad.no,",
            [("legeforeningen.no", "https://legeforeningen.no"), ("modum-bad.no", "https://modum-bad.no")],
            "services' addresses",
        ),
        ("Your code is K1130 or 21138, see www2.113.no", [], "no number inside a code, a number or an address"),
        ("Ring 113 eller Hjelpetelefonen 116\u00a0123.", [("113", "tel:113"), ("116\u00a0123", "tel:116123")], "nbsp"),
    ],
)
def test_the_contents_numbers_and_addresses_become_links(text, expected, why):
    assert [(link["text"], link["href"]) for link in LINKS.links(text)] == expected, why


def test_a_crisis_reply_is_marked_and_its_custom_message_dropped():
    replies = [
        {
            "recipient_id": "x",
            "text": "Thank you for telling me. Acute danger: call 113",
            "buttons": [{"title": "Yes, I'd like that", "payload": "/request_handoff"}],
        },
        {"recipient_id": "x", "custom": {"kind": "crisis"}},
    ]
    messages, progress = _bot_messages(replies, LINKS)
    assert len(messages) == 1 and progress is None
    assert messages[0]["kind"] == "crisis" and messages[0]["links"] == [{"text": "113", "href": "tel:113"}]
    assert messages[0]["buttons"] == [{"title": "Yes, I'd like that", "payload": "/request_handoff"}]


def test_only_known_kinds_pass():
    messages, _ = _bot_messages([{"text": "Hello"}, {"custom": {"kind": "<script>"}}], LINKS)
    assert "kind" not in messages[0]


def test_the_forms_progress_is_passed_on_once_at_the_top():
    replies = [{"custom": {"progress": {"question": 4, "of": 10}}}, {"text": "How have you been sleeping?"}]
    messages, progress = _bot_messages(replies, LINKS)
    assert progress == {"question": 4, "of": 10}
    assert [m["text"] for m in messages] == ["How have you been sleeping?"] and "kind" not in messages[0]


@pytest.mark.parametrize(
    "progress",
    [
        {"question": 0, "of": 10},
        {"question": 11, "of": 10},
        {"question": "4", "of": 10},
        {"question": True, "of": 2},
        7,
    ],
)
def test_a_broken_progress_is_left_out(progress):
    assert _bot_messages([{"text": "Hi"}, {"custom": {"progress": progress}}], LINKS)[1] is None


def test_what_is_not_a_list_of_replies_shows_nothing():
    assert _bot_messages({"text": "hi"}, LINKS) == ([], None)
    assert _bot_messages(["text", None, {"image": "x.png"}], LINKS) == ([], None)
