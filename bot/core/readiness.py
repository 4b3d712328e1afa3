"""What a counsellor may want to be ready for before the first talk, from the coded themes alone.

A ladder, most pressing first: each rung is a key of `labels/ready_for` in the content file (which holds the
words) and the coded answers that put it on the list. The counsellor view shows the words of every rung that
applies, in this order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.core.values import Coping, Expectation, SickLeave, Sleep

Rule = Callable[[Mapping, bool], bool]

LADDER: tuple[tuple[str, Rule], ...] = (
    ("crisis", lambda themes, crisis: crisis or themes.get("self_harm") is True),
    ("sick_leave_dilemma", lambda themes, _: themes.get("sick_leave") == SickLeave.DILEMMA.value),
    (
        "wants_treatment",
        lambda themes, _: (
            themes.get("expectation") == Expectation.REFERRAL.value and themes.get("treatment") is not True
        ),
    ),
    ("in_treatment", lambda themes, _: themes.get("treatment") is True),
    ("way_back", lambda themes, _: themes.get("expectation") == Expectation.WAY_BACK.value),
    ("conflict", lambda themes, _: themes.get("conflict") is True),
    ("not_coping", lambda themes, _: themes.get("coping") == Coping.NOT_COPING.value),
    ("sleep_poor", lambda themes, _: themes.get("sleep") == Sleep.POOR.value),
)


def ready_for(themes: Mapping, crisis: bool) -> tuple[str, ...]:
    """The keys of `labels/ready_for` that apply to these coded themes (and the crisis flag), in the ladder's order."""
    return tuple(key for key, applies in LADDER if applies(themes, crisis))
