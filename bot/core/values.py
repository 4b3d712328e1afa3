"""The coded values of the conversation contract (DESIGN.md), defined once and imported everywhere."""

from __future__ import annotations

from enum import Enum


class WorkStatus(str, Enum):
    WORKING = "working"
    REDUCED_HOURS = "reduced_hours"
    SICK_LEAVE = "sick_leave"
    OUT_OF_WORK = "out_of_work"


class Workload(str, Enum):
    MANAGEABLE = "manageable"
    HEAVY = "heavy"
    UNREASONABLE = "unreasonable"


class Sleep(str, Enum):
    GOOD = "good"
    SOME_PROBLEMS = "some_problems"
    POOR = "poor"


class WarningSign(str, Enum):
    CRYING = "crying"
    IRRITABILITY = "irritability"
    LOW_MOOD = "low_mood"
    CONSTANT_WORRY = "constant_worry"
    EXHAUSTION = "exhaustion"
    CONCENTRATION = "concentration"
    HOPELESSNESS = "hopelessness"
    ANXIETY = "anxiety"
    PHYSICAL_SYMPTOMS = "physical_symptoms"
    MEMORY = "memory"
    ISOLATION = "isolation"
    NUMBNESS = "numbness"
    FEAR_OF_MISTAKES = "fear_of_mistakes"


class Coping(str, Enum):
    COPING = "coping"
    STRUGGLING = "struggling"
    NOT_COPING = "not_coping"


class SickLeave(str, Enum):
    NOT_RELEVANT = "not_relevant"
    DILEMMA = "dilemma"
    ON_LEAVE = "on_leave"


class Expectation(str, Enum):
    ADVICE = "advice"
    TOOLS = "tools"
    WAY_BACK = "way_back"
    REFERRAL = "referral"
    UNSURE = "unsure"


class HelpCategory(str, Enum):
    LOOKING_FOR_ADVICE = "looking_for_advice"
    FEAR_OF_NOT_COPING = "fear_of_not_coping"
    WAY_BACK_OR_OUT = "way_back_or_out"


CATEGORY_VALUES = frozenset(c.value for c in HelpCategory)

# The form's topics, in the order a conversation asks them. The safety question is always last and never skipped.
FORM_SLOTS: tuple[str, ...] = (
    "work_status",
    "workload",
    "sleep",
    "warning_signs",
    "conflict",
    "coping",
    "sick_leave",
    "treatment",
    "expectation",
    "self_harm",
)

BOOL_SLOTS = frozenset({"conflict", "treatment", "self_harm"})
LIST_SLOTS = frozenset({"warning_signs"})

SLOT_ENUMS: dict[str, type[Enum]] = {
    "work_status": WorkStatus,
    "workload": Workload,
    "sleep": Sleep,
    "warning_signs": WarningSign,
    "coping": Coping,
    "sick_leave": SickLeave,
    "expectation": Expectation,
}


def is_valid_value(slot: str, value: object) -> bool:
    """True when `value` is a coded value the contract allows for `slot`."""
    if slot in BOOL_SLOTS:
        return isinstance(value, bool)
    enum = SLOT_ENUMS.get(slot)
    if enum is None:
        return False
    allowed = {member.value for member in enum}
    if slot in LIST_SLOTS:
        return isinstance(value, list) and all(v in allowed for v in value)
    return value in allowed
