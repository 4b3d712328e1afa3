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
            "yes to the summary: it is stored, and what was stored (the adapter shows it) ends the result",
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
        (None, ()),
        ("something else", ()),
    ],
)
def test_after_the_details_the_pending_question_is_asked_again_and_left_pending(pending, say):
    step = offer_again(pending)
    assert step.say == say and step.store is None and step.set_pending is False
