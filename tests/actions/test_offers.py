"""The offers at the result: no summary on "no", a summary of coded themes on "yes", shown to the doctor as
stored; after a crisis a person is offered first; withdrawal by code, with a limit on codes tried."""

import asyncio
import json

from rasa_sdk import Tracker

from actions import offers
from bot.storage.records import Storage
from tests.actions.conftest import load_tracker, user_says
from tests.storage.conftest import all_rows

PLANTED = "Quillon-Marsh-5520 my head of department"


def run(action, tracker, dispatcher, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def slot_events(events):
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def test_no_stores_nothing(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="summary")
    events = run(offers.ActionDeclineOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_intake_declined", "utter_result_outro"]
    assert slot_events(events) == {"pending_offer": None}
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM intakes").scalar() == 0
        assert connection.exec_driver_sql("SELECT count(*) FROM intake_tallies").scalar() == 0


def test_yes_stores_coded_themes_and_shows_exactly_what_was_stored(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="hope_confirm", sleep=PLANTED)
    events = run(offers.ActionAcceptOffer(), tracker, dispatcher, domain)
    code = slot_events(events)["intake_code"]
    saved = store.find_intake(code)
    assert saved is not None and saved.help_category == "fear_of_not_coping"
    assert "Quillon" not in all_rows(store.engine)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_intake_saved" and message["intake_code"] == code
    shown = message["stored"]
    assert "Pattern: Afraid of not coping any longer" in shown and "Crisis flag: no" in shown
    assert "sleep" not in saved.themes
    assert shown.count("•") == 4 + len(saved.themes)  # pattern, why, addressed, flag + one per topic
    assert len(dispatcher.messages) == 1  # what was stored ends the result (its buttons: withdraw, more about this)
    assert slot_events(events)["pending_offer"] is None


def test_after_a_crisis_yes_to_a_person_then_the_summary_is_offered(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="handoff", crisis=True, self_harm=True)
    events = run(offers.ActionAcceptOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_recorded", "utter_offer_summary"]
    assert slot_events(events)["pending_offer"] == "summary"
    assert store.find_handoff(slot_events(events)["handoff_code"]).crisis is True


def test_after_a_crisis_no_to_a_person_still_offers_the_summary(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="handoff", crisis=True)
    events = run(offers.ActionDeclineOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_crisis_declined", "utter_offer_summary"]
    assert slot_events(events) == {"pending_offer": "summary"}


def test_a_crisis_summary_carries_the_flag(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="hope_confirm", crisis=True, self_harm=True)
    code = slot_events(run(offers.ActionAcceptOffer(), tracker, dispatcher, domain))["intake_code"]
    assert store.find_intake(code).crisis is True
    assert "Crisis flag: yes" in dispatcher.messages[0]["stored"]


def test_a_database_fault_says_nothing_was_stored(tmp_path, monkeypatch, dispatcher, domain):
    broken = Storage(f"sqlite:///{tmp_path / 'missing' / 'x' / 'bot.db'}")
    monkeypatch.setattr(offers, "storage", lambda: broken)
    events = run(
        offers.ActionAcceptOffer(), load_tracker("completed", pending_offer="hope_confirm"), dispatcher, domain
    )
    assert dispatcher.messages[0]["response"] == "utter_intake_failed"
    assert "intake_code" not in slot_events(events)


def test_withdraw_my_summary_deletes_the_one_from_this_conversation(store, dispatcher, domain):
    saved = run(offers.ActionAcceptOffer(), load_tracker("completed", pending_offer="hope_confirm"), dispatcher, domain)
    code = slot_events(saved)["intake_code"]
    tracker = user_says("completed", "withdraw my summary", "withdraw_summary", intake_code=code)
    events = run(offers.ActionWithdrawSummary(), tracker, dispatcher, domain)
    assert dispatcher.messages[-1]["response"] == "utter_intake_withdrawn"
    assert store.find_intake(code) is None and slot_events(events) == {"intake_code": None}


def test_withdraw_by_code_from_another_conversation(store, dispatcher, domain):
    saved = run(offers.ActionAcceptOffer(), load_tracker("completed", pending_offer="hope_confirm"), dispatcher, domain)
    code = slot_events(saved)["intake_code"]
    spaced = f"please withdraw {code[:4].lower()} {code[4:].lower()}"
    run(offers.ActionWithdrawSummary(), user_says("completed", spaced, "withdraw_summary"), dispatcher, domain)
    assert dispatcher.messages[-1]["response"] == "utter_intake_withdrawn"
    assert store.find_intake(code) is None


def test_without_a_code_the_assistant_asks_for_it(store, dispatcher, domain):
    tracker = user_says("completed", "withdraw my summary", "withdraw_summary")
    assert run(offers.ActionWithdrawSummary(), tracker, dispatcher, domain) == []
    assert dispatcher.messages[-1]["response"] == "utter_ask_intake_code"


def test_codes_tried_in_one_conversation_are_limited(store, dispatcher, domain):
    tracker = user_says("completed", "withdraw 7KQX4MTA", "withdraw_summary")
    events = run(offers.ActionWithdrawSummary(), tracker, dispatcher, domain)
    assert dispatcher.messages[-1]["response"] == "utter_intake_not_found"
    assert slot_events(events) == {"withdraw_tries": 1}
    tracker = user_says("completed", "withdraw 7KQX4MTA", "withdraw_summary", withdraw_tries=offers.WITHDRAW_TRIES)
    run(offers.ActionWithdrawSummary(), tracker, dispatcher, domain)
    assert dispatcher.messages[-1]["response"] == "utter_withdraw_limit"


def test_the_domain_response_shows_the_code_and_the_stored_lines(domain_file):
    text = domain_file["responses"]["utter_intake_saved"][0]["text"]
    assert "{intake_code}" in text and "{stored}" in text and "{expires}" in text
    assert json.dumps(domain_file["responses"]["utter_offer_summary"][0]["buttons"])


# The hope read back before a summary is stored (issue 15).
OWN_WORDS = "Honestly Quillon-Marsh-5520, someone to tell me what to do next"


def answered_hope(words: str, **slots):
    """The completed tracker with the form's events around the doctor's answer to the expectation question."""
    tracker = load_tracker("completed", pending_offer="summary", **slots)
    state = tracker.current_state()
    state["events"][2:2] = [
        {"event": "slot", "name": "requested_slot", "value": "expectation"},
        {"event": "user", "text": words, "parse_data": {"intent": {"name": "inform"}}},
        {"event": "slot", "name": "expectation", "value": words},
        {"event": "slot", "name": "expectation", "value": "tools"},
        {"event": "slot", "name": "requested_slot", "value": "self_harm"},
    ]
    state["latest_message"] = {"text": "yes please", "intent": {"name": "affirm"}, "entities": []}
    return Tracker.from_dict(state)


def test_yes_to_the_summary_reads_the_hope_back_in_the_doctors_words_and_stores_nothing_yet(store, dispatcher, domain):
    events = run(offers.ActionAcceptOffer(), answered_hope(OWN_WORDS), dispatcher, domain)
    assert dispatcher.messages == [
        {
            **dispatcher.messages[0],
            "response": "utter_confirm_hope",
            "hope_words": OWN_WORDS,
            "hope_label": "tools and a next step",
        }
    ]
    assert slot_events(events) == {"pending_offer": "hope_confirm"}
    with store.engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM intakes").scalar() == 0


def test_a_hope_from_a_button_is_read_back_as_its_coded_value_only(store, dispatcher, domain):
    run(offers.ActionAcceptOffer(), answered_hope("verktøy og neste steg", language="nb"), dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_confirm_hope_label"
    assert dispatcher.messages[0]["hope_label"] == "verktøy og neste steg"


def test_a_hope_volunteered_elsewhere_is_read_back_as_its_coded_value_only(store, dispatcher, domain):
    run(offers.ActionAcceptOffer(), load_tracker("completed", pending_offer="summary"), dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_confirm_hope_label"]


def test_a_skipped_hope_is_not_read_back_the_summary_is_stored_at_once(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="summary", expectation=None)
    events = run(offers.ActionAcceptOffer(), tracker, dispatcher, domain)
    assert dispatcher.messages[0]["response"] == "utter_intake_saved"
    assert store.find_intake(slot_events(events)["intake_code"]) is not None


def test_no_change_it_shows_the_coded_hopes_as_buttons(store, dispatcher, domain):
    tracker = load_tracker("completed", pending_offer="hope_confirm", language="nb")
    events = run(offers.ActionDeclineOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_hope_choice"]
    assert [b["title"] for b in dispatcher.messages[0]["buttons"]] == [
        "Råd",
        "Verktøy og neste steg",
        "En vei tilbake til jobb, eller ut",
        "Behandling eller henvisning",
        "Vet ikke ennå",
    ]
    assert slot_events(events) == {"pending_offer": "hope_choice"}


def test_the_chosen_hope_is_stored_and_told_back_and_the_words_are_in_no_table(store, dispatcher, domain):
    tracker = user_says("completed", "Treatment or a referral", "inform", pending_offer="hope_choice")
    state = answered_hope(OWN_WORDS).current_state()
    state.update(latest_message=tracker.latest_message, slots={**tracker.slots})
    events = run(offers.ActionAcceptOffer(), Tracker.from_dict(state), dispatcher, domain)
    code = slot_events(events)["intake_code"]
    assert store.find_intake(code).themes["expectation"] == "referral"
    assert slot_events(events)["expectation"] == "referral" and slot_events(events)["pending_offer"] is None
    assert "Hoping for: treatment or a referral" in dispatcher.messages[0]["stored"]
    assert "Quillon" not in all_rows(store.engine)


def test_a_no_at_the_choices_stores_nothing(store, dispatcher, domain):
    tracker = user_says("completed", "no, forget it", "deny", pending_offer="hope_choice")
    events = run(offers.ActionDeclineOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_intake_declined", "utter_result_outro"]
    assert slot_events(events) == {"pending_offer": None}


def test_words_that_choose_nothing_show_the_choices_again(store, dispatcher, domain):
    tracker = user_says("completed", "hmm, what were they again", "inform", pending_offer="hope_choice")
    events = run(offers.ActionAcceptOffer(), tracker, dispatcher, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_ask_hope_choice"]
    assert slot_events(events) == {"pending_offer": "hope_choice"}


def test_words_at_the_summary_offer_ask_it_again_and_store_nothing(store, dispatcher, domain):
    tracker = user_says("completed", "I am on call tonight", "inform", pending_offer="summary")
    assert run(offers.ActionAcceptOffer(), tracker, dispatcher, domain) == []
    assert [m["response"] for m in dispatcher.messages] == ["utter_offer_summary"]
