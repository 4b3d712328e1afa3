"""The tables the assistant keeps beyond a conversation. Coded values only: never a doctor's words.

The schema is built and changed by Alembic migrations (bot/storage/migrations); these classes are the ORM's view of it,
and a test checks that the migrations and these classes agree.
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
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


class Duty(Base):
    """A counsellor who marked themself available for live chats (issue 16); on duty only while also signed in."""

    __tablename__ = "duty"

    username = Column(String(64), primary_key=True)
    available = Column(Boolean, nullable=False, default=False)
    since = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class LiveChat(Base):
    """A live handoff: a counsellor joins the doctor's chat. Kept and deleted as the conversation is.

    `open_conversation` holds the conversation id while the chat is queued or active and is NULL once it ends: its
    unique index allows one open chat per conversation on SQLite and PostgreSQL alike."""

    __tablename__ = "live_chats"

    id = Column(String(32), primary_key=True)  # random; in counsellor URLs only
    conversation_id = Column(String(64), nullable=False, index=True)  # never shown to a counsellor
    open_conversation = Column(String(64), nullable=True, unique=True)
    code = Column(String(CODE_LENGTH), nullable=False)
    state = Column(String(8), nullable=False, default="queued")  # queued, active, ended
    crisis = Column(Boolean, nullable=False, default=False)
    themes = Column(JSON, nullable=False, default=dict)  # the coded themes (DESIGN.md), never words
    lang = Column(String(2), nullable=False, default="nb")
    queued_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    wait_from = Column(DateTime(timezone=True), nullable=False, default=utcnow)  # reset when the doctor keeps waiting
    taken_at = Column(DateTime(timezone=True), nullable=True)
    taken_by = Column(String(64), nullable=True)
    ended_at = Column(DateTime(timezone=True), nullable=True)
    ended_by = Column(String(16), nullable=True)  # doctor, counsellor, left_queue, deleted
    consent_themes = Column(Boolean, nullable=True)  # None: not asked yet
    consent_history = Column(Boolean, nullable=True)
    last_seq = Column(Integer, nullable=False, default=0)
    last_activity = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


class LiveMessage(Base):
    """One message of a live chat, numbered per chat (the SSE event id). Holds a doctor's words: never logged."""

    __tablename__ = "live_messages"
    __table_args__ = (UniqueConstraint("chat_id", "seq", name="uq_live_messages_chat_seq"),)

    id = Column(Integer, primary_key=True)
    chat_id = Column(String(32), ForeignKey("live_chats.id", ondelete="CASCADE"), nullable=False)
    seq = Column(Integer, nullable=False)
    author = Column(String(12), nullable=False)  # doctor, counsellor, assistant
    name = Column(String(64), nullable=True)  # the counsellor's shown name
    text = Column(Text, nullable=False)
    lang = Column(String(2), nullable=True)
    buttons = Column(JSON, nullable=True)  # an assistant message's buttons: [{"title", "payload"}]
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
