"""The recommendation content (services, crisis lines, reason texts), loaded and checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.core.values import FORM_SLOTS, SLOT_ENUMS, HelpCategory


class ContentError(ValueError):
    """The content file is incomplete or inconsistent: the servers refuse to start."""


@dataclass(frozen=True)
class CrisisLine:
    id: str
    name: str
    phone: str
    chat: str | None
    source: str


@dataclass(frozen=True)
class Service:
    id: str
    name: str
    what: str
    how: str
    source: str


@dataclass(frozen=True)
class CategoryAdvice:
    services: tuple[str, ...]
    gp_when: frozenset[str]
    always_note: tuple[str, ...]


@dataclass(frozen=True)
class Content:
    crisis_lines: tuple[CrisisLine, ...]
    services: dict[str, Service]
    recommendations: dict[HelpCategory, CategoryAdvice]
    notes: dict[str, str]
    category_names: dict[HelpCategory, str]
    reasons: dict[str, str]
    labels: dict  # plain words for coded values (intake summaries, the counsellor preview)


def _require(mapping: dict, key: str, where: str):
    value = mapping.get(key)
    if value in (None, "", [], {}):
        raise ContentError(f"{where}: '{key}' is missing")
    return value


def load_content(path: Path) -> Content:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    lines = tuple(
        CrisisLine(
            id=_require(c, "id", "crisis_lines"),
            name=_require(c, "name", f"crisis line {c.get('id')}"),
            phone=str(_require(c, "phone", f"crisis line {c.get('id')}")),
            chat=c.get("chat"),
            source=_require(c, "source", f"crisis line {c.get('id')}"),
        )
        for c in _require(raw, "crisis_lines", str(path))
    )
    services = {}
    for s in _require(raw, "services", str(path)):
        where = f"service {s.get('id')}"
        services[s["id"]] = Service(
            id=_require(s, "id", where),
            name=_require(s, "name", where),
            what=_require(s, "what", where).strip(),
            how=_require(s, "how", where).strip(),
            source=_require(s, "source", where),
        )
    notes = {k: v.strip() for k, v in _require(raw, "notes", str(path)).items()}
    recommendations = {}
    for category in HelpCategory:
        spec = _require(
            _require(raw, "recommendations", str(path)),
            category.value,
            "recommendations",
        )
        for service_id in _require(spec, "services", category.value):
            if service_id not in services:
                raise ContentError(f"recommendations/{category.value}: unknown service {service_id!r}")
        for note in spec.get("always_note", []):
            if note not in notes:
                raise ContentError(f"recommendations/{category.value}: unknown note {note!r}")
        recommendations[category] = CategoryAdvice(
            services=tuple(spec["services"]),
            gp_when=frozenset(spec.get("gp_when", [])),
            always_note=tuple(spec.get("always_note", [])),
        )
    for needed in ("barriers", "no_treatment", "sick_leave_dilemma", "wants_treatment"):
        _require(notes, needed, "notes")
    if "gp" not in services:
        raise ContentError("services: 'gp' is needed for doctors who need treatment")
    labels = _labels(_require(raw, "labels", str(path)), notes)
    names = {c: _require(_require(raw, "categories", str(path)), c.value, "categories")["name"] for c in HelpCategory}
    return Content(
        crisis_lines=lines,
        services=services,
        recommendations=recommendations,
        notes=notes,
        category_names=names,
        reasons=dict(_require(raw, "reasons", str(path))),
        labels=labels,
    )


READY_FOR = ("crisis", "sick_leave_dilemma", "wants_treatment", "in_treatment", "conflict", "not_coping", "sleep_poor")


def _labels(labels: dict, notes: dict) -> dict:
    """Every coded value, topic and note needs plain words, or a summary could not be shown as stored."""
    for key in ("yes", "no"):
        _require(labels, key, "labels")
    for slot in FORM_SLOTS:
        _require(_require(labels, "topics", "labels"), slot, "labels/topics")
    for slot, enum in SLOT_ENUMS.items():
        for member in enum:
            _require(_require(labels, slot, "labels"), member.value, f"labels/{slot}")
    _require(labels["warning_signs"], "none", "labels/warning_signs")
    for note in notes:
        _require(_require(labels, "barriers", "labels"), note, "labels/barriers")
    for key in (*READY_FOR, "way_back"):
        _require(_require(labels, "ready_for", "labels"), key, "labels/ready_for")
    return labels


@lru_cache(maxsize=4)
def content_from(path: str) -> Content:
    return load_content(Path(path))
