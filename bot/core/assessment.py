"""Answers -> one of the study's three help-seeking categories, with the reasons behind it.

Grounded in Horne et al., BMJ Open 2021;11:e048732 (see DESIGN.md): being out of work or on sick leave
and in contact with healthcare marks "looking for a way back or out"; unreasonable strain, not coping,
poor sleep, conflict and a sick-leave dilemma mark "fear of not coping any longer"; someone still coping
with everyday life who notices warning signs is "concerned, looking for advice". Pure Python, no Rasa.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.values import (
    FORM_SLOTS,
    Coping,
    Expectation,
    HelpCategory,
    SickLeave,
    Sleep,
    WarningSign,
    Workload,
    WorkStatus,
    is_valid_value,
)

# A doctor out of work, or on leave, is looking for a way back or out from this many points.
WAY_BACK_THRESHOLD = 3.0
# A working doctor is afraid of not coping from this many points of strain.
NOT_COPING_THRESHOLD = 4.0


@dataclass(frozen=True)
class Answers:
    """The coded answers of one self-assessment; None where the doctor skipped or was not asked."""

    work_status: WorkStatus | None = None
    workload: Workload | None = None
    sleep: Sleep | None = None
    warning_signs: frozenset[WarningSign] = field(default_factory=frozenset)
    conflict: bool | None = None
    coping: Coping | None = None
    sick_leave: SickLeave | None = None
    treatment: bool | None = None
    expectation: Expectation | None = None
    self_harm: bool | None = None

    @classmethod
    def from_slots(cls, slots: dict) -> Answers:
        """Build from tracker slot values, ignoring anything that is not a coded value."""
        clean = {name: slots.get(name) for name in FORM_SLOTS}
        clean = {k: v for k, v in clean.items() if v is not None and is_valid_value(k, v)}
        return cls(
            work_status=_enum(WorkStatus, clean.get("work_status")),
            workload=_enum(Workload, clean.get("workload")),
            sleep=_enum(Sleep, clean.get("sleep")),
            warning_signs=frozenset(WarningSign(v) for v in clean.get("warning_signs") or []),
            conflict=clean.get("conflict"),
            coping=_enum(Coping, clean.get("coping")),
            sick_leave=_enum(SickLeave, clean.get("sick_leave")),
            treatment=clean.get("treatment"),
            expectation=_enum(Expectation, clean.get("expectation")),
            self_harm=clean.get("self_harm"),
        )


def _enum(enum, value):
    return enum(value) if value is not None else None


@dataclass(frozen=True)
class Assessment:
    category: HelpCategory
    reasons: tuple[str, ...]  # reason codes, most telling first; texts live in the content file
    way_back_score: float
    strain_score: float


# The result names at most this many reasons; the summary a doctor may share keeps them all (bot/core/summary.py).
REASONS_SHOWN = 4


def reasons_shown(assessment: Assessment) -> tuple[str, ...]:
    """The reason codes the result names to the doctor: the most telling first, at most REASONS_SHOWN (none for an
    assessment without reasons, and then the result says no reasons at all)."""
    return assessment.reasons[:REASONS_SHOWN]


# (reason code, points): what each answer adds to a category, and the reason it gives the doctor.
_WAY_BACK = {
    ("work_status", WorkStatus.SICK_LEAVE): ("on_sick_leave", 3.0),
    ("work_status", WorkStatus.OUT_OF_WORK): ("out_of_work", 3.0),
    ("work_status", WorkStatus.REDUCED_HOURS): ("reduced_hours", 1.5),
    ("sick_leave", SickLeave.ON_LEAVE): ("on_sick_leave", 1.0),
    ("treatment", True): ("in_treatment", 1.5),
    ("expectation", Expectation.WAY_BACK): ("wants_way_back", 2.0),
}
_STRAIN = {
    ("workload", Workload.UNREASONABLE): ("workload_unreasonable", 2.0),
    ("workload", Workload.HEAVY): ("workload_heavy", 0.5),
    ("sleep", Sleep.POOR): ("sleep_poor", 1.5),
    ("sleep", Sleep.SOME_PROBLEMS): ("sleep_some_problems", 0.5),
    ("coping", Coping.NOT_COPING): ("not_coping", 3.5),
    ("coping", Coping.STRUGGLING): ("struggling", 1.5),
    ("coping", Coping.COPING): ("still_coping", -2.0),
    ("sick_leave", SickLeave.DILEMMA): ("sick_leave_dilemma", 1.5),
    ("conflict", True): ("conflict", 1.5),
    ("expectation", Expectation.TOOLS): ("wants_tools", 1.0),
    ("expectation", Expectation.REFERRAL): ("wants_treatment", 1.5),
    ("expectation", Expectation.ADVICE): ("wants_advice", -1.0),
}
# Signs the study ties to not coping (depressive symptoms, concentration, hopelessness, nausea) weigh more.
_SIGN_POINTS = {
    WarningSign.HOPELESSNESS: 1.0,
    WarningSign.CONCENTRATION: 1.0,
    WarningSign.PHYSICAL_SYMPTOMS: 0.5,
    WarningSign.LOW_MOOD: 0.5,
    WarningSign.ANXIETY: 0.5,
    WarningSign.EXHAUSTION: 0.5,
    WarningSign.NUMBNESS: 0.5,
    WarningSign.MEMORY: 0.25,
    WarningSign.ISOLATION: 0.25,
    WarningSign.CRYING: 0.25,
    WarningSign.IRRITABILITY: 0.25,
    WarningSign.CONSTANT_WORRY: 0.25,
    WarningSign.FEAR_OF_MISTAKES: 0.25,
}
_ADVICE_REASONS = {
    ("coping", Coping.COPING): "still_coping",
    ("expectation", Expectation.ADVICE): "wants_advice",
    ("workload", Workload.HEAVY): "workload_heavy",
    ("workload", Workload.MANAGEABLE): "workload_manageable",
    ("sleep", Sleep.SOME_PROBLEMS): "sleep_some_problems",
}


def _score(answers: Answers, table: dict) -> tuple[float, list[tuple[float, str]]]:
    total, found = 0.0, []
    for (slot, value), (reason, points) in table.items():
        if getattr(answers, slot) == value:
            total += points
            found.append((points, reason))
    return total, found


def classify_help_seeking(answers: Answers) -> Assessment:
    """Place the doctor in one of the three categories and say why, most telling reason first."""
    way_back, way_back_reasons = _score(answers, _WAY_BACK)
    strain, strain_reasons = _score(answers, _STRAIN)
    sign_points = sum(_SIGN_POINTS[s] for s in answers.warning_signs)
    strain += sign_points
    if answers.warning_signs:
        strain_reasons.append((sign_points, "warning_signs"))

    if way_back >= WAY_BACK_THRESHOLD:
        category = HelpCategory.WAY_BACK_OR_OUT
        # The way back comes first; strain that weighs heavily is named after it.
        ranked = [(p + 10, r) for p, r in way_back_reasons] + [(p, r) for p, r in strain_reasons if p >= 1.5]
    elif strain >= NOT_COPING_THRESHOLD:
        category = HelpCategory.FEAR_OF_NOT_COPING
        ranked = [(p, r) for p, r in strain_reasons if p > 0]
    else:
        category = HelpCategory.LOOKING_FOR_ADVICE
        ranked = [(1.0, reason) for key, reason in _ADVICE_REASONS.items() if getattr(answers, key[0]) == key[1]]
        if answers.warning_signs:
            ranked.append((0.5, "warning_signs"))
    ranked.sort(key=lambda item: -item[0])
    reasons = tuple(dict.fromkeys(reason for _, reason in ranked))
    return Assessment(category=category, reasons=reasons, way_back_score=way_back, strain_score=strain)
