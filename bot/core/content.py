"""The recommendation content (services, crisis lines, reason texts), loaded and checked once at start-up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
    short_how: str  # how to reach it in a line, for the result as it is shown first; `how` comes with the details
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
    short_notes: dict[str, str]  # a line for some notes (barriers always), for the result as it is shown first
    category_names: dict[HelpCategory, str]
    reasons: dict[str, str]
    labels: dict  # plain words for coded values (intake summaries, the counsellor preview)
    language: str = "en"  # the language its words are in (a file per language: content_file_for)


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
            short_how=_require(s, "short_how", where).strip(),
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
    short_notes = {k: v.strip() for k, v in _require(raw, "short_notes", str(path)).items()}
    _require(short_notes, "barriers", "short_notes")
    for note in short_notes:
        if note not in notes:
            raise ContentError(f"short_notes: unknown note {note!r}")
    if "gp" not in services:
        raise ContentError("services: 'gp' is needed for doctors who need treatment")
    labels = _labels(_require(raw, "labels", str(path)), notes)
    names = {c: _require(_require(raw, "categories", str(path)), c.value, "categories")["name"] for c in HelpCategory}
    return Content(
        crisis_lines=lines,
        services=services,
        recommendations=recommendations,
        notes=notes,
        short_notes=short_notes,
        category_names=names,
        reasons=dict(_require(raw, "reasons", str(path))),
        labels=labels,
        language=_language_of(raw, path),
    )


SUMMARY_HEADINGS = ("pattern", "why", "addressed", "crisis_flag")  # the lines of a summary told back (summary.py)
MONTHS_NB = (
    "januar",
    "februar",
    "mars",
    "april",
    "mai",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "desember",
)
READY_FOR = ("crisis", "sick_leave_dilemma", "wants_treatment", "in_treatment", "conflict", "not_coping", "sleep_poor")


def _language_of(raw: dict, path: Path) -> str:
    language = _require(raw, "language", str(path))
    if language not in ("en", "nb"):
        raise ContentError(f"{path}: language must be en or nb, not {language!r}")
    return language


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
    for key in SUMMARY_HEADINGS:
        _require(_require(labels, "summary", "labels"), key, "labels/summary")
    for note in notes:
        _require(_require(labels, "barriers", "labels"), note, "labels/barriers")
    for key in (*READY_FOR, "way_back"):
        _require(_require(labels, "ready_for", "labels"), key, "labels/ready_for")
    return labels


@lru_cache(maxsize=4)
def content_from(path: str) -> Content:
    return load_content(Path(path))


def content_file_for(path: str, language: str | None) -> str:
    """The country's content in the doctor's language: `no.yml` is the default (English), `no_nb.yml` beside it the
    Norwegian; a language without a file of its own gets the default."""
    base = Path(path)
    if language and language != content_from(path).language:
        translated = base.with_name(f"{base.stem}_{language}{base.suffix}")
        if translated.exists():
            return str(translated)
    return path


def long_date(day: date, language: str | None) -> str:
    """A date as a doctor reads it in a sentence: "5 March 2027", «5. mars 2027»."""
    if language == "nb":
        return f"{day.day}. {MONTHS_NB[day.month - 1]} {day.year}"
    return f"{day.day} {day.strftime('%B')} {day.year}"
