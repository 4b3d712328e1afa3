"""The offers at the result, one question at a time, and the doctor's yes or no to whichever is pending
(actions/offers.py and actions/conclude.py act on this)."""

import pytest

from bot.core.offers import Offer, OfferStep, answer_offer, first_offer, offer_again

OFFER_SUMMARY = OfferStep(say=("utter_offer_summary",), pending=Offer.SUMMARY)
OUTRO = OfferStep(say=("utter_result_outro",), pending=None)


@pytest.mark.parametrize(
    "crisis,handoff_requested,summary_made,expected,why",
    [
        (False, False, False, OFFER_SUMMARY, "no crisis: the summary is offered"),
        (
            True,
            False,
            False,
            OfferStep(say=("utter_offer_handoff",), pending=Offer.HANDOFF),
            "after a crisis a person first, the summary after it",
        ),
        (
            True,
            False,
            True,
            OfferStep(say=("utter_offer_handoff",), pending=Offer.HANDOFF),
            "after a crisis a person first, even with a summary made",
        ),
        (True, True, False, OFFER_SUMMARY, "a person asked for already: straight to the summary"),
        (True, True, True, OUTRO, "a person asked for and a summary made: the result just ends"),
        (False, True, False, OFFER_SUMMARY, "a person asked for without a crisis: the summary"),
        (False, False, True, OUTRO, "a summary made already in this conversation: never offered twice"),
    ],
)
def test_the_first_offer_at_the_result(crisis, handoff_requested, summary_made, expected, why):
    assert first_offer(crisis, handoff_requested, summary_made) == expected, why


@pytest.mark.parametrize(
    "accepted,pending,summary_made,expected,why",
    [
        (
            True,
            "handoff",
            False,
            OfferStep(store=Offer.HANDOFF, say=("utter_offer_summary",), pending=Offer.SUMMARY),
            "yes to a person: the request is stored, then the summary is offered",
        ),
        (
            True,
            "handoff",
            True,
            OfferStep(store=Offer.HANDOFF, say=("utter_result_outro",), pending=None),
            "yes to a person with a summary made already: stored, and the result ends",
        ),
        (
            False,
            "handoff",
            False,
            OfferStep(say=("utter_crisis_declined", "utter_offer_summary"), pending=Offer.SUMMARY),
            "no to a person: met kindly, and the summary is still offered",
        ),
        (
            False,
            "handoff",
            True,
            OfferStep(say=("utter_crisis_declined", "utter_result_outro"), pending=None),
            "no to a person with a summary made already: the result ends",
        ),
        (
            True,
            "summary",
            False,
            OfferStep(store=Offer.SUMMARY, say=(), pending=None),
            "yes to the summary (no hope answered): stored, and what was stored (the adapter shows it) ends the result",
        ),
        (
            False,
            "summary",
            False,
            OfferStep(say=("utter_intake_declined", "utter_result_outro"), pending=None),
            "no to the summary: nothing is stored, and the doctor is told so",
        ),
        (
            True,
            Offer.SUMMARY,
            False,
            OfferStep(store=Offer.SUMMARY, say=(), pending=None),
            "the enum reads as its slot value",
        ),
        (
            True,
            None,
            False,
            OfferStep(say=("utter_result_outro",), pending=None, set_pending=False),
            "yes with nothing pending (a second yes): the result ends, the slot is not touched",
        ),
        (
            False,
            None,
            False,
            OfferStep(say=("utter_result_outro",), pending=None),
            "no with nothing pending: the result ends, the slot is cleared",
        ),
        (
            True,
            "yes",
            False,
            OfferStep(say=("utter_result_outro",), pending=None, set_pending=False),
            "a value that names no offer is nothing pending: a yes leaves it",
        ),
        (
            False,
            ["summary"],
            False,
            OfferStep(say=("utter_result_outro",), pending=None),
            "a value that names no offer (not even a string) is nothing pending: a no clears it",
        ),
    ],
)
def test_yes_or_no_to_the_pending_offer(accepted, pending, summary_made, expected, why):
    assert answer_offer(accepted, pending, summary_made) == expected, why


@pytest.mark.parametrize(
    "step,value",
    [
        (OfferStep(pending=Offer.HANDOFF), "handoff"),
        (OfferStep(pending=Offer.SUMMARY), "summary"),
        (OfferStep(pending=None), None),
    ],
)
def test_the_slot_holds_the_offers_plain_value(step, value):
    assert step.pending_value == value and type(step.pending_value) is type(value)


def test_nothing_is_stored_on_a_no():
    for pending in (*Offer, None):
        for summary_made in (False, True):
            assert answer_offer(False, pending, summary_made).store is None


@pytest.mark.parametrize(
    "pending,say",
    [
        ("summary", ("utter_offer_summary",)),
        ("handoff", ("utter_offer_handoff",)),
        ("hope_confirm", ("utter_confirm_hope",)),
        ("hope_choice", ("utter_ask_hope_choice",)),
        (None, ()),
        ("something else", ()),
    ],
)
def test_after_the_details_the_pending_question_is_asked_again_and_left_pending(pending, say):
    step = offer_again(pending)
    assert step.say == say and step.store is None and step.set_pending is False


CHOICES = OfferStep(say=("utter_ask_hope_choice",), pending=Offer.HOPE_CHOICE)
DECLINED = OfferStep(say=("utter_intake_declined", "utter_result_outro"), pending=None)
STORED = OfferStep(store=Offer.SUMMARY, pending=None)


@pytest.mark.parametrize(
    "accepted,pending,kwargs,expected,why",
    [
        (
            True,
            "summary",
            {"hope_answered": True},
            OfferStep(say=("utter_confirm_hope",), pending=Offer.HOPE_CONFIRM),
            "yes to the summary with a hope answered: read it back first, store nothing yet",
        ),
        (True, "summary", {"hope_answered": False}, STORED, "the hope skipped: nothing to read back, stored at once"),
        (False, "summary", {"hope_answered": True}, DECLINED, "no to the summary: nothing read back or stored"),
        (True, "hope_confirm", {}, STORED, "yes, store it"),
        (False, "hope_confirm", {}, CHOICES, "no, change it: the coded hopes to choose from"),
        (
            True,
            "hope_choice",
            {"chosen": "referral"},
            OfferStep(store=Offer.SUMMARY, expectation="referral"),
            "a hope chosen: stored with it",
        ),
        (
            False,
            "hope_choice",
            {"chosen": "unsure"},
            OfferStep(store=Offer.SUMMARY, expectation="unsure"),
            "'not sure yet' read as a no by the classifier is still a choice",
        ),
        (False, "hope_choice", {}, DECLINED, "a no that chooses nothing: nothing is stored"),
        (True, "hope_choice", {"words_only": True}, CHOICES, "words that choose nothing: the choices again"),
        (
            True,
            "summary",
            {"words_only": True, "hope_answered": True},
            OfferStep(say=("utter_offer_summary",), set_pending=False),
            "words at the offer: asked again",
        ),
        (
            True,
            "hope_confirm",
            {"words_only": True},
            OfferStep(say=("utter_confirm_hope",), set_pending=False),
            "words at the read-back: read back again",
        ),
        (
            True,
            None,
            {"words_only": True},
            OfferStep(say=("utter_result_outro",), set_pending=False),
            "words with nothing pending: the result ends",
        ),
    ],
)
def test_the_hope_is_read_back_before_a_summary_is_stored(accepted, pending, kwargs, expected, why):
    assert answer_offer(accepted, pending, False, **kwargs) == expected, why
