"""The tables the assistant keeps beyond a conversation. Coded values only: never a doctor's words.

The schema is built and changed by Alembic migrations (bot/storage/migrations); these classes are the ORM's view of it,
and a test checks that the migrations and these classes agree.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base

from bot.core.summary import CODE_LENGTH

Base = declarative_base()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class HandoffRequest(Base):
    """A doctor asked to talk to a person (mostly from the crisis flow): the coded themes so far, and a code."""

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    code = Column(String(CODE_LENGTH), unique=True, nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)
    crisis = Column(Boolean, nullable=False, default=False)
    themes = Column(JSON, nullable=False, default=dict)
    taken_at = Column(DateTime(timezone=True), nullable=True)
    taken_by = Column(String(64), nullable=True)


class Intake(Base):
    """An intake summary a doctor agreed to share with a counsellor: coded themes under a code they can quote."""

    __tablename__ = "intakes"

    id = Column(Integer, primary_key=True)
    code = Column(String(CODE_LENGTH), unique=True, nullable=False, index=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)
    help_category = Column(String(32), nullable=False)
    reasons = Column(JSON, nullable=False, default=list)  # reason keys (bot/core/content: reasons)
    themes = Column(JSON, nullable=False, default=dict)  # the contract's slot values (DESIGN.md)
    barriers = Column(JSON, nullable=False, default=list)  # the notes the advice gave (bot/core/content: notes)
    crisis = Column(Boolean, nullable=False, default=False)


class IntakeTally(Base):
    """What the trends count, by week only. Linked to its intake until that expires, so a withdrawal removes it."""

    __tablename__ = "intake_tallies"

    id = Column(Integer, primary_key=True)
    week_start = Column(Date, nullable=False, index=True)
    help_category = Column(String(32), nullable=False)
    warning_signs = Column(JSON, nullable=False, default=list)
    sick_leave = Column(String(32), nullable=True)
    expectation = Column(String(32), nullable=True)
    intake_id = Column(Integer, ForeignKey("intakes.id", ondelete="SET NULL"), nullable=True, index=True)


class Counsellor(Base):
    __tablename__ = "counsellors"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), unique=True, nullable=False)
    password_hash = Column(String(256), nullable=False)
    is_admin = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class CounsellorSession(Base):
    """A signed-in browser. The cookie holds a random token; only its SHA-256 is stored."""

    __tablename__ = "counsellor_sessions"

    token_hash = Column(String(64), primary_key=True)
    counsellor_id = Column(Integer, ForeignKey("counsellors.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False)
    last_seen = Column(DateTime(timezone=True), nullable=False)
    expires_at = Column(DateTime(timezone=True), nullable=False, index=True)


class FailedAttempt(Base):
    """A failed sign-in or code withdrawal, by keyed hash of the account name or the client (never an address)."""

    __tablename__ = "failed_attempts"

    id = Column(Integer, primary_key=True)
    key_hash = Column(String(64), nullable=False, index=True)
    at = Column(DateTime(timezone=True), nullable=False, index=True)


class AuditEntry(Base):
    """Who looked at what: every intake lookup, handoff taken, trends view and export, sign-in and sign-out."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)
    username = Column(String(64), nullable=False)
    action = Column(String(32), nullable=False)
    target = Column(String(64), nullable=True)
    outcome = Column(String(32), nullable=True)
