"""Storage for what the assistant keeps beyond a conversation: handoff requests, coded themes only.

SQLAlchemy 1.4 with 2.0-style queries; SQLite by default, any SQLAlchemy URL from DATABASE_URL.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    String,
    create_engine,
    delete,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import declarative_base, sessionmaker

from bot.values import FORM_SLOTS, is_valid_value

Base = declarative_base()

# Easy to read aloud on the phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _now() -> datetime:
    return datetime.now(timezone.utc)


class HandoffRequest(Base):
    """A doctor in crisis asked to talk to a person. Holds the coded themes so far, never their words."""

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    code = Column(String(CODE_LENGTH), unique=True, nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_now)
    expires_at = Column(DateTime(timezone=True), nullable=False)
    crisis = Column(Boolean, nullable=False, default=False)
    themes = Column(JSON, nullable=False, default=dict)
    taken_at = Column(DateTime(timezone=True), nullable=True)


def coded_themes(slots: dict) -> dict:
    """Only the contract's coded values: anything else (free text above all) is dropped."""
    themes = {name: slots.get(name) for name in FORM_SLOTS}
    themes = {k: v for k, v in themes.items() if v is not None and is_valid_value(k, v)}
    category = slots.get("help_category")
    if category in ("looking_for_advice", "fear_of_not_coping", "way_back_or_out"):
        themes["help_category"] = category
    return themes


class Storage:
    def __init__(self, database_url: str, handoff_retention_days: int = 7):
        self.engine: Engine = create_engine(database_url, future=True, pool_pre_ping=True)
        self._session = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.handoff_retention = timedelta(days=handoff_retention_days)

    def create_schema(self) -> None:
        Base.metadata.create_all(self.engine)

    def record_handoff(self, slots: dict, crisis: bool, now: datetime | None = None) -> HandoffRequest:
        created = now or _now()
        for _ in range(5):
            request = HandoffRequest(
                code=new_code(),
                created_at=created,
                expires_at=created + self.handoff_retention,
                crisis=crisis,
                themes=coded_themes(slots),
            )
            with self._session.begin() as session:
                clash = session.execute(select(HandoffRequest.id).where(HandoffRequest.code == request.code)).first()
                if clash:
                    continue
                session.add(request)
            return request
        raise RuntimeError("could not find a free handoff code")

    def find_handoff(self, code: str) -> HandoffRequest | None:
        with self._session() as session:
            return session.execute(
                select(HandoffRequest).where(HandoffRequest.code == code.upper())
            ).scalar_one_or_none()

    def purge_expired(self, now: datetime | None = None) -> int:
        with self._session.begin() as session:
            result = session.execute(delete(HandoffRequest).where(HandoffRequest.expires_at < (now or _now())))
            return result.rowcount or 0
