"""The live handoff's data (issue 16, docs/live-handoff.md): who is on duty, live chats and their numbered messages.

A chat's messages hold a doctor's words: kept only as the conversation is (deleted with it, purged with it after
CONVERSATION_RETENTION_HOURS), never logged. The writes that race are single statements: a take is one UPDATE that
only a queued chat matches, a message's number comes from one UPDATE of the chat's counter in the same transaction.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from bot.core.live import queue_key
from bot.storage.models import Counsellor, CounsellorSession, Duty, LiveChat, LiveMessage
from bot.storage.records import Storage, erase_deleted

QUEUED, ACTIVE, ENDED = "queued", "active", "ended"
OPEN = (QUEUED, ACTIVE)
AUTHORS = frozenset({"doctor", "counsellor", "assistant"})


def _now() -> datetime:
    return datetime.now(timezone.utc)


class LiveChats:
    def __init__(self, storage: Storage):
        self.storage = storage
        self.session = storage.session

    # --- duty ---------------------------------------------------------------------------------------
    def set_duty(self, username: str, available: bool, now: datetime | None = None) -> None:
        with self.session.begin() as session:
            row = session.get(Duty, username)
            if row is None:
                session.add(Duty(username=username, available=available, since=now or _now()))
            elif row.available != available:
                row.available, row.since = available, now or _now()

    def is_available(self, username: str) -> bool:
        with self.session() as session:
            row = session.get(Duty, username)
            return bool(row and row.available)

    def off_duty_without_session(self, now: datetime | None = None, username: str | None = None) -> int:
        """Switch off whoever is marked available with no live session (it expired, or was cleared): on duty needs
        both, and a counsellor signing in again starts off duty. Run by the purge and at sign-in (one account)."""
        moment = now or _now()
        live_sessions = (
            select(Counsellor.username)
            .join(CounsellorSession, CounsellorSession.counsellor_id == Counsellor.id)
            .where(CounsellorSession.expires_at > moment)
        )
        query = update(Duty).where(Duty.available.is_(True), Duty.username.not_in(live_sessions))
        if username is not None:
            query = query.where(Duty.username == username)
        with self.session.begin() as session:
            result = session.execute(
                query.values(available=False, since=moment), execution_options={"synchronize_session": False}
            )
            return result.rowcount or 0

    def on_duty(self, now: datetime | None = None) -> list[str]:
        """Counsellors marked available who are also signed in now (a session that ended takes them off duty)."""
        with self.session() as session:
            rows = session.execute(
                select(Duty.username)
                .join(Counsellor, Counsellor.username == Duty.username)
                .join(CounsellorSession, CounsellorSession.counsellor_id == Counsellor.id)
                .where(Duty.available.is_(True), Counsellor.active.is_(True))
                .where(CounsellorSession.expires_at > (now or _now()))
                .distinct()
            )
            return sorted(rows.scalars())

    # --- chats --------------------------------------------------------------------------------------
    def open_chat(
        self,
        conversation_id: str,
        code: str,
        themes: dict,
        crisis: bool,
        lang: str,
        now: datetime | None = None,
    ) -> LiveChat:
        """A queued chat for this conversation, or the one it already has open. Its numbers go on from the
        conversation's earlier chat, so an event id never repeats within a conversation (Last-Event-ID)."""
        moment = now or _now()
        try:
            with self.session.begin() as session:
                before = session.execute(
                    select(func.max(LiveChat.last_seq)).where(LiveChat.conversation_id == conversation_id)
                ).scalar()
                chat = LiveChat(
                    id=secrets.token_hex(16),
                    conversation_id=conversation_id,
                    open_conversation=conversation_id,
                    code=code,
                    state=QUEUED,
                    crisis=crisis,
                    themes=dict(themes),
                    lang=lang,
                    queued_at=moment,
                    wait_from=moment,
                    last_seq=before or 0,
                    last_activity=moment,
                )
                session.add(chat)
            return chat
        except IntegrityError:
            existing = self.open_chat_for(conversation_id)
            if existing is None:
                raise
            return existing

    def get(self, chat_id: str) -> LiveChat | None:
        if not isinstance(chat_id, str) or len(chat_id) > 32:
            return None
        with self.session() as session:
            return session.get(LiveChat, chat_id)

    def open_chat_for(self, conversation_id: str) -> LiveChat | None:
        with self.session() as session:
            return session.execute(
                select(LiveChat).where(LiveChat.open_conversation == conversation_id)
            ).scalar_one_or_none()

    def latest_chat_for(self, conversation_id: str) -> LiveChat | None:
        """The open chat, else the last one that ended (its stream still has the closing messages)."""
        with self.session() as session:
            return (
                session.execute(
                    select(LiveChat)
                    .where(LiveChat.conversation_id == conversation_id)
                    .order_by(LiveChat.queued_at.desc(), LiveChat.last_seq.desc())
                    .limit(1)
                )
                .scalars()
                .first()
            )

    def queue(self) -> list[LiveChat]:
        """Every queued chat, crisis first, then the longest waiting."""
        with self.session() as session:
            rows = list(session.execute(select(LiveChat).where(LiveChat.state == QUEUED)).scalars())
        return sorted(rows, key=lambda chat: queue_key(chat.crisis, chat.queued_at))

    def active(self, username: str | None = None) -> list[LiveChat]:
        """Chats a counsellor has taken and not ended (one counsellor's, or everybody's)."""
        query = select(LiveChat).where(LiveChat.state == ACTIVE).order_by(LiveChat.taken_at)
        if username is not None:
            query = query.where(LiveChat.taken_by == username)
        with self.session() as session:
            return list(session.execute(query).scalars())

    def position(self, chat: LiveChat) -> int | None:
        """1 for the next to be taken; None when the chat is not queued."""
        if chat.state != QUEUED:
            return None
        ids = [queued.id for queued in self.queue()]
        return ids.index(chat.id) + 1 if chat.id in ids else None

    def take(self, chat_id: str, username: str, now: datetime | None = None) -> bool:
        """One counsellor only: True for the one whose update found it still queued."""
        moment = now or _now()
        with self.session.begin() as session:
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.state == QUEUED, LiveChat.ended_by.is_(None))
                .values(state=ACTIVE, taken_by=username, taken_at=moment, last_activity=moment)
            )
            return result.rowcount == 1

    def start_ending(self, chat_id: str, ended_by: str, now: datetime | None = None) -> bool:
        """The first step of ending (bot/web/live.py, end_chat): claims the end for whoever asks first (True; False
        when it is ending or has ended already) while the state stays open, so that the streams do not send `ended`
        before the closing messages are stored; `end` then closes it. Nobody takes, consents or waits on meanwhile.
        """
        moment = now or _now()
        with self.session.begin() as session:
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.state.in_(OPEN), LiveChat.ended_by.is_(None))
                .values(ended_at=moment, ended_by=ended_by, last_activity=moment)
            )
            return result.rowcount == 1

    def end(self, chat_id: str, ended_by: str, now: datetime | None = None) -> bool:
        """The state ended (after `start_ending`, or at once); True when this call closed it, False when it had
        ended already. Who and when stay those of `start_ending` when it came first."""
        moment = now or _now()
        with self.session.begin() as session:
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.state.in_(OPEN))
                .values(
                    state=ENDED,
                    open_conversation=None,
                    ended_at=func.coalesce(LiveChat.ended_at, moment),
                    ended_by=func.coalesce(LiveChat.ended_by, ended_by),
                    last_activity=moment,
                )
            )
            return result.rowcount == 1

    def set_consent(self, chat_id: str, themes: bool, history: bool) -> bool:
        """The doctor's yes or no; sharing the earlier messages needs a yes to the themes too."""
        with self.session.begin() as session:
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.state.in_(OPEN), LiveChat.ended_by.is_(None))
                .values(consent_themes=themes, consent_history=bool(themes and history))
            )
            return result.rowcount == 1

    def keep_waiting(self, chat_id: str, now: datetime | None = None) -> bool:
        """The doctor chose to wait on after the timeout: the timer starts again."""
        with self.session.begin() as session:
            result = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id, LiveChat.state == QUEUED, LiveChat.ended_by.is_(None))
                .values(wait_from=now or _now())
            )
            return result.rowcount == 1

    def mark_crisis(self, chat_id: str) -> None:
        with self.session.begin() as session:
            session.execute(update(LiveChat).where(LiveChat.id == chat_id).values(crisis=True))

    # --- messages -----------------------------------------------------------------------------------
    def add_message(
        self,
        chat_id: str,
        author: str,
        text: str,
        name: str | None = None,
        lang: str | None = None,
        now: datetime | None = None,
        buttons: list | None = None,
    ) -> int | None:
        """Store a message under the chat's next number (one UPDATE: concurrent writers queue on the row);
        None when the chat is gone."""
        if author not in AUTHORS:
            raise ValueError(f"not an author: {author!r}")
        moment = now or _now()
        with self.session.begin() as session:
            bumped = session.execute(
                update(LiveChat)
                .where(LiveChat.id == chat_id)
                .values(last_seq=LiveChat.last_seq + 1, last_activity=moment)
            )
            if bumped.rowcount != 1:
                return None
            seq = session.execute(select(LiveChat.last_seq).where(LiveChat.id == chat_id)).scalar_one()
            session.add(
                LiveMessage(
                    chat_id=chat_id, seq=seq, author=author, name=name, text=text, lang=lang, at=moment, buttons=buttons
                )
            )
        return seq

    def messages_after(self, chat_id: str, seq: int = 0) -> list[LiveMessage]:
        with self.session() as session:
            return list(
                session.execute(
                    select(LiveMessage)
                    .where(LiveMessage.chat_id == chat_id, LiveMessage.seq > seq)
                    .order_by(LiveMessage.seq)
                ).scalars()
            )

    # --- deletion and retention ---------------------------------------------------------------------
    def delete_conversation(self, conversation_id: str) -> int:
        """Every chat of a conversation and its messages ("delete my conversation", quick exit)."""
        with self.session.begin() as session:
            chats = select(LiveChat.id).where(LiveChat.conversation_id == conversation_id)
            session.execute(
                delete(LiveMessage).where(LiveMessage.chat_id.in_(chats)),
                execution_options={"synchronize_session": False},
            )
            gone = session.execute(delete(LiveChat).where(LiveChat.conversation_id == conversation_id)).rowcount
        if gone:
            erase_deleted(self.storage.engine)
        return gone or 0

    def purge(self, older_than: timedelta, now: datetime | None = None) -> int:
        """Chats whose last message or change is older than the conversations' retention, with their messages."""
        cutoff = (now or _now()) - older_than
        with self.session.begin() as session:
            stale = select(LiveChat.id).where(LiveChat.last_activity < cutoff)
            session.execute(
                delete(LiveMessage).where(LiveMessage.chat_id.in_(stale)),
                execution_options={"synchronize_session": False},
            )
            gone = session.execute(delete(LiveChat).where(LiveChat.last_activity < cutoff)).rowcount
        if gone:
            erase_deleted(self.storage.engine)
        return gone or 0
