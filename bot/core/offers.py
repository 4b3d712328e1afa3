"""The offers at the result, one question at a time: after a crisis a person first, then the intake summary; the
doctor's yes or no to whichever offer is pending, and what comes next.

Pure Python: actions/offers.py and actions/conclude.py read the slots, store what a yes asks for, say the named
responses and set the `pending_offer` slot to what a step leaves pending.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Offer(str, Enum):
    """An offer waiting for the doctor's yes or no: the values of the `pending_offer` slot."""

    HANDOFF = "handoff"  # a person from the peer-support service contacts the doctor
    SUMMARY = "summary"  # an intake summary of coded themes, kept for a counsellor
    HOPE_CONFIRM = "hope_confirm"  # yes to the summary: is the hope, read back as its coded value, right?
    HOPE_CHOICE = "hope_choice"  # no, change it: which of the coded hopes, then the summary is stored with it


@dataclass(frozen=True)
class OfferStep:
    """What one turn at the offers does, in this order: store what the doctor said yes to (the adapter says how
    that went), say the named responses, then leave `pending` as the offer waiting for an answer."""

    store: Offer | None = None
    say: tuple[str, ...] = ()
    pending: Offer | None = None
    set_pending: bool = True  # False: the `pending_offer` slot is left as it is (no event)
    expectation: str | None = None  # with store=SUMMARY: the hope the doctor chose instead of the one answered

    @property
    def pending_value(self) -> str | None:
        """The `pending_offer` slot's value after this step."""
        return self.pending.value if self.pending else None


def first_offer(crisis: bool, handoff_requested: bool, summary_made: bool) -> OfferStep:
    """The offer that ends the result: a person after a crisis (unless one was asked for already), else the
    summary (unless one was made already, when the result just ends)."""
    if crisis and not handoff_requested:
        return OfferStep(say=("utter_offer_handoff",), pending=Offer.HANDOFF)
    return summary_offer(summary_made)


def summary_offer(summary_made: bool) -> OfferStep:
    """The summary is offered once a conversation: with one made already, the result just ends."""
    if summary_made:
        return OfferStep(say=("utter_result_outro",), pending=None)
    return OfferStep(say=("utter_offer_summary",), pending=Offer.SUMMARY)


def answer_offer(
    accepted: bool,
    pending: object,
    summary_made: bool,
    hope_answered: bool = False,
    chosen: str | None = None,
    words_only: bool = False,
) -> OfferStep:
    """The doctor's yes (`accepted`) or no to the offer in the `pending_offer` slot (any value: the slot is a
    plain one), and what comes next.

    - A person: a yes stores the handoff request, a no is met kindly; either way the summary is offered next.
    - The summary: a yes first reads the hope back as its coded value (`hope_answered`: the expectation question
      was answered) and stores only on a second yes; without an answered hope it stores at once. What was stored
      ends the result (the adapter says it). A no stores nothing and says so; nothing is pending after it.
    - The hope read back: yes stores; no shows the coded hopes to choose from.
    - The choice: the hope `chosen` (read from the doctor's words by the adapter) is stored with the summary; with
      none read, a no stores nothing, anything else shows the choices again.
    - `words_only`: the doctor wrote neither yes nor no; only the choice reads words, any other question is asked
      again (offer_again).
    - Nothing (or a value that names no offer): the result ends; a no clears the slot, a yes leaves it as it is.
    """
    offer = next((o for o in Offer if o.value == pending), None)
    if offer is Offer.HOPE_CHOICE:
        if chosen:
            return OfferStep(store=Offer.SUMMARY, expectation=chosen, pending=None)
        if accepted or words_only:
            return OfferStep(say=("utter_ask_hope_choice",), pending=Offer.HOPE_CHOICE)
        return OfferStep(say=("utter_intake_declined", "utter_result_outro"), pending=None)
    if words_only:
        return offer_again(pending) if offer else OfferStep(say=("utter_result_outro",), set_pending=False)
    if offer is Offer.HANDOFF:
        then = summary_offer(summary_made)
        if accepted:
            return OfferStep(store=Offer.HANDOFF, say=then.say, pending=then.pending)
        return OfferStep(say=("utter_crisis_declined", *then.say), pending=then.pending)
    if offer is Offer.SUMMARY:
        if accepted and hope_answered:
            return OfferStep(say=("utter_confirm_hope",), pending=Offer.HOPE_CONFIRM)
        if accepted:
            return OfferStep(store=Offer.SUMMARY, say=(), pending=None)
        return OfferStep(say=("utter_intake_declined", "utter_result_outro"), pending=None)
    if offer is Offer.HOPE_CONFIRM:
        if accepted:
            return OfferStep(store=Offer.SUMMARY, say=(), pending=None)
        return OfferStep(say=("utter_ask_hope_choice",), pending=Offer.HOPE_CHOICE)
    return OfferStep(say=("utter_result_outro",), pending=None, set_pending=not accepted)


def offer_again(pending: object) -> OfferStep:
    """After "More about this": the question still waiting for an answer, asked again (its buttons are the ones the
    doctor sees last); nothing when none is pending. The pending offer itself is not touched."""
    offer = next((o for o in Offer if o.value == pending), None)
    if offer is Offer.HANDOFF:
        return OfferStep(say=("utter_offer_handoff",), set_pending=False)
    if offer is Offer.SUMMARY:
        return OfferStep(say=("utter_offer_summary",), set_pending=False)
    if offer is Offer.HOPE_CONFIRM:
        return OfferStep(say=("utter_confirm_hope",), set_pending=False)
    if offer is Offer.HOPE_CHOICE:
        return OfferStep(say=("utter_ask_hope_choice",), set_pending=False)
    return OfferStep(set_pending=False)
