"""Which peer-support options fit an assessment, and what the doctor should know before contacting them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.assessment import Answers, Assessment
from bot.core.content import Content, Service
from bot.core.values import Expectation, HelpCategory, SickLeave, Sleep, WarningSign

_DEPRESSIVE = frozenset({WarningSign.LOW_MOOD, WarningSign.HOPELESSNESS, WarningSign.NUMBNESS})


@dataclass(frozen=True)
class Recommendation:
    services: tuple[Service, ...]
    notes: tuple[str, ...]  # note texts from the content file, in the order to show them
    note_keys: tuple[str, ...] = ()  # the same notes by key (what an intake summary stores)


def _gp_triggers(answers: Answers) -> set[str]:
    found = set()
    if answers.warning_signs & _DEPRESSIVE:
        found.add("depressive_symptoms")
    if answers.sleep == Sleep.POOR:
        found.add("sleep_poor")
    if answers.sick_leave == SickLeave.DILEMMA:
        found.add("sick_leave_dilemma")
    if answers.expectation == Expectation.REFERRAL:
        found.add("wants_treatment")
    return found


def recommend(assessment: Assessment, answers: Answers, content: Content) -> Recommendation:
    advice = content.recommendations[assessment.category]
    service_ids = list(advice.services)
    note_keys = list(advice.always_note)
    triggers = _gp_triggers(answers)
    if advice.gp_when & triggers and not answers.treatment:
        service_ids.append("gp")
    if answers.sick_leave == SickLeave.DILEMMA:
        note_keys.append("sick_leave_dilemma")
    if answers.expectation == Expectation.REFERRAL:
        note_keys.append("wants_treatment")
        if "no_treatment" not in note_keys and assessment.category != HelpCategory.FEAR_OF_NOT_COPING:
            note_keys.append("no_treatment")
    note_keys.append("barriers")
    keys = tuple(dict.fromkeys(note_keys))
    return Recommendation(
        services=tuple(content.services[s] for s in dict.fromkeys(service_ids)),
        notes=tuple(content.notes[k] for k in keys),
        note_keys=keys,
    )


@dataclass(frozen=True)
class Glance:
    """The result as it is shown first: the one first step, the other options a line each, the short notes.
    Every long text stays in the Recommendation, for "More about this"."""

    first: Service
    others: tuple[Service, ...]
    short_notes: tuple[str, ...]


def at_a_glance(advice: Recommendation, content: Content) -> Glance:
    """The first recommended service is the first step; notes without a short form are left to the details."""
    return Glance(
        first=advice.services[0],
        others=advice.services[1:],
        short_notes=tuple(content.short_notes[k] for k in advice.note_keys if k in content.short_notes),
    )


def service_lines(services: tuple[Service, ...]) -> str:
    """The other options, one line each: name and the short way to reach it."""
    return "\n".join(f"• {service.name}: {service.short_how}" for service in services)
