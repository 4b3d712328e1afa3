"""What the assistant keeps beyond a conversation: handoff requests and consented intake summaries, coded
themes only, each under a code the doctor can quote, each with an expiry.

SQLAlchemy 1.4 with 2.0-style queries; SQLite by default, any SQLAlchemy URL from DATABASE_URL. The schema
comes from the Alembic migrations (python -m bot.ops.migrate).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import create_engine, delete, event, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bot.core.summary import IntakeSummary, coded_themes, new_code, normalise_code, week_start
from bot.core.values import CATEGORY_VALUES
from bot.storage.models import HandoffRequest, Intake, IntakeTally

__all__ = ["HandoffRequest", "Intake", "Purged", "Storage", "coded_themes", "make_engine"]


def _now() -> datetime:
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """SQLite gives back naive datetimes; everything here is UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def erase_deleted(engine: Engine) -> None:
    """After a deletion of a doctor's words on SQLite: move every page out of the write-ahead log and empty it.

    The log keeps the pages as they were before the deletion until a checkpoint; TRUNCATE leaves it empty. A
    reader still holding an old snapshot makes the checkpoint incomplete; the next deletion or purge repeats it.
    PostgreSQL frees deleted rows at its next (auto)vacuum.
    """
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def make_engine(database_url: str) -> Engine:
    """An engine for our database, and for deleting conversations in Rasa's tracker store."""
    engine = create_engine(database_url, future=True, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            # Deleted rows (a doctor's words, past retention or deleted at their request) are overwritten with
            # zeros, not left readable in the file's free pages.
            cursor.execute("PRAGMA secure_delete=ON")
            cursor.close()

    return engine


def _handoff_themes(slots: dict) -> dict:
    themes = coded_themes(slots)
    if slots.get("help_category") in CATEGORY_VALUES:
        themes["help_category"] = slots["help_category"]
    return themes


@dataclass(frozen=True)
class Purged:
    intakes: int
    handoffs: int


class Storage:
    def __init__(self, database_url: str, handoff_retention_days: int = 7, intake_retention_days: int = 30):
        self.engine: Engine = make_engine(database_url)
        self.session = sessionmaker(self.engine, future=True, expire_on_commit=False)
        self.handoff_retention = timedelta(days=handoff_retention_days)
        self.intake_retention = timedelta(days=intake_retention_days)

    def _free_code(self, session) -> str:
        """A code no intake or handoff request holds (they are looked up in one box)."""
        for _ in range(10):
            code = new_code()
            taken = (
                session.execute(select(Intake.id).where(Intake.code == code)).first()
                or session.execute(select(HandoffRequest.id).where(HandoffRequest.code == code)).first()
            )
            if not taken:
                return code
        raise RuntimeError("could not find a free code")

    # --- handoff requests (the crisis flow) -------------------------------------------------------
    def record_handoff(self, slots: dict, crisis: bool, now: datetime | None = None) -> HandoffRequest:
        created = now or _now()
        with self.session.begin() as session:
            request = HandoffRequest(
                code=self._free_code(session),
                created_at=created,
                expires_at=created + self.handoff_retention,
                crisis=crisis,
                themes=_handoff_themes(slots),
            )
            session.add(request)
        return request

    def _find(self, model, code: str, now: datetime | None):
        """The unexpired row of `model` (Intake or HandoffRequest) with this code, however it was written."""
        code = normalise_code(code)
        if not code:
            return None
        with self.session() as session:
            return session.execute(
                select(model).where(model.code == code, model.expires_at >= (now or _now()))
            ).scalar_one_or_none()

    def find_handoff(self, code: str, now: datetime | None = None) -> HandoffRequest | None:
        return self._find(HandoffRequest, code, now)

    def waiting_handoffs(self, now: datetime | None = None) -> list[HandoffRequest]:
        """Requests nobody has taken yet, oldest first (crisis ones before the rest)."""
        with self.session() as session:
            rows = session.execute(
                select(HandoffRequest)
                .where(HandoffRequest.taken_at.is_(None), HandoffRequest.expires_at >= (now or _now()))
                .order_by(HandoffRequest.crisis.desc(), HandoffRequest.created_at)
            )
            return list(rows.scalars())

    def take_handoff(self, request_id: int, username: str, now: datetime | None = None) -> bool:
        """Mark a request taken; False when it is gone or someone else took it first."""
        with self.session.begin() as session:
            result = session.execute(
                update(HandoffRequest)
                .where(HandoffRequest.id == request_id, HandoffRequest.taken_at.is_(None))
                .values(taken_at=now or _now(), taken_by=username)
            )
            return result.rowcount == 1

    # --- intake summaries (only with the doctor's yes) --------------------------------------------
    def record_intake(self, summary: IntakeSummary, now: datetime | None = None) -> Intake:
        created = now or _now()
        with self.session.begin() as session:
            intake = Intake(
                code=self._free_code(session),
                created_at=created,
                expires_at=created + self.intake_retention,
                help_category=summary.help_category,
                reasons=list(summary.reasons),
                themes=dict(summary.themes),
                barriers=list(summary.barriers),
                crisis=summary.crisis,
            )
            session.add(intake)
            session.flush()
            session.add(
                IntakeTally(
                    week_start=week_start(created.date()),
                    help_category=summary.help_category,
                    warning_signs=list(summary.themes.get("warning_signs") or []),
                    sick_leave=summary.themes.get("sick_leave"),
                    expectation=summary.themes.get("expectation"),
                    intake_id=intake.id,
                )
            )
        return intake

    def find_intake(self, code: str, now: datetime | None = None) -> Intake | None:
        return self._find(Intake, code, now)

    def withdraw_intake(self, code: str) -> bool:
        """The doctor takes back their consent: the summary and its place in the trends go at once."""
        code = normalise_code(code)
        if not code:
            return False
        with self.session.begin() as session:
            intake_id = session.execute(select(Intake.id).where(Intake.code == code)).scalar_one_or_none()
            if intake_id is None:
                return False
            session.execute(delete(IntakeTally).where(IntakeTally.intake_id == intake_id))
            session.execute(delete(Intake).where(Intake.id == intake_id))
        return True

    # --- retention --------------------------------------------------------------------------------
    def purge_expired(self, now: datetime | None = None) -> Purged:
        """Expired intakes and handoff requests go; an expired intake's tally stays, unlinked, in the trends."""
        moment = now or _now()
        with self.session.begin() as session:
            expired = select(Intake.id).where(Intake.expires_at < moment)
            session.execute(
                update(IntakeTally).where(IntakeTally.intake_id.in_(expired)).values(intake_id=None),
                execution_options={"synchronize_session": False},
            )
            intakes = session.execute(delete(Intake).where(Intake.expires_at < moment)).rowcount or 0
            handoffs = session.execute(delete(HandoffRequest).where(HandoffRequest.expires_at < moment)).rowcount or 0
        return Purged(intakes=intakes, handoffs=handoffs)
