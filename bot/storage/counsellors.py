"""Counsellor accounts, sign-in, sessions, the sign-in rate limit and the audit log.

Accounts are made from the command line only:

    python -m bot.ops.counsellors add kari            (asks for the password twice)
    python -m bot.ops.counsellors add ola --admin     (an admin also reads the audit log)
    python -m bot.ops.counsellors password kari | disable kari | enable kari | list

Passwords are hashed with Argon2id (argon2-cffi). A session is a random token in an HttpOnly cookie; the
database keeps only its SHA-256, so a copy of the database signs nobody in. Every state lives in the
database (sessions, failed sign-ins), so a second web server sees the same.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.storage.models import AuditEntry, Counsellor, CounsellorSession, FailedAttempt
from bot.storage.records import Storage, as_utc

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 12
# Failed sign-ins allowed per account, and per client, in the window; then sign-in is refused until it passes.
ACCOUNT_FAILURES = 5
CLIENT_FAILURES = 20
WITHDRAW_FAILURES = 10  # codes tried that match nothing, per client
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=8)  # however active, a session ends after this

_hasher = PasswordHasher()
# Verifying against this when the account does not exist costs the same time as a real check.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    pass


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SignedIn:
    username: str
    is_admin: bool
    csrf_token: str


@dataclass(frozen=True)
class SignInResult:
    token: str | None = None  # the new session's cookie value
    locked_minutes: int = 0  # > 0: too many failures, try later


class Counsellors:
    def __init__(self, storage: Storage, secret_key: str, session_minutes: int = 30, audit_retention_days: int = 365):
        if not secret_key:
            raise AccountError("SECRET_KEY is empty: set it in .env (make .env writes one)")
        self.storage = storage
        self._secret = secret_key.encode()
        self.idle = timedelta(minutes=session_minutes)
        self.audit_retention = timedelta(days=audit_retention_days)

    # --- accounts -----------------------------------------------------------------------------------
    def add(self, username: str, password: str, is_admin: bool = False) -> None:
        username = _check_username(username)
        _check_password(password)
        with self.storage.session.begin() as session:
            if session.execute(select(Counsellor.id).where(Counsellor.username == username)).first():
                raise AccountError(f"an account named {username!r} exists already")
            session.add(Counsellor(username=username, password_hash=_hasher.hash(password), is_admin=is_admin))

    def set_password(self, username: str, password: str) -> None:
        _check_password(password)
        with self.storage.session.begin() as session:
            counsellor = _account(session, username)
            counsellor.password_hash = _hasher.hash(password)
            session.execute(delete(CounsellorSession).where(CounsellorSession.counsellor_id == counsellor.id))

    def set_active(self, username: str, active: bool) -> None:
        with self.storage.session.begin() as session:
            counsellor = _account(session, username)
            counsellor.active = active
            if not active:
                session.execute(delete(CounsellorSession).where(CounsellorSession.counsellor_id == counsellor.id))

    def accounts(self) -> list[Counsellor]:
        with self.storage.session() as session:
            return list(session.execute(select(Counsellor).order_by(Counsellor.username)).scalars())

    # --- signing in ---------------------------------------------------------------------------------
    def _key(self, kind: str, value: str) -> str:
        return hmac.new(self._secret, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

    def _expiry(self, created: datetime, moment: datetime) -> datetime:
        """Idle minutes from now, but never past the session's whole lifetime."""
        return min(moment + self.idle, created + SESSION_LIFETIME)

    def sign_in(self, username: str, password: str, client: str, now: datetime | None = None) -> SignInResult:
        """A new session for the right password; refused while the account or client has too many failures."""
        moment = now or _now()
        name = (username or "").strip().lower()[:64]
        keys = (self._key("account", name), self._key("client", client or "?"))
        with self.storage.session.begin() as session:
            failures = [_failures(session, key, moment) for key in keys]
            counsellor = session.execute(select(Counsellor).where(Counsellor.username == name)).scalar_one_or_none()
            # A mistyped password in the name box must not land in the audit log: unknown names are not kept.
            who = counsellor.username if counsellor else "(unknown account)"
            for (count, oldest), limit in zip(failures, (ACCOUNT_FAILURES, CLIENT_FAILURES), strict=True):
                if count >= limit:
                    session.add(AuditEntry(at=moment, username=who, action="sign_in", outcome="rate_limited"))
                    wait = as_utc(oldest) + FAILURE_WINDOW - moment
                    return SignInResult(locked_minutes=max(1, -(-int(wait.total_seconds()) // 60)))
            right = _verify(counsellor.password_hash if counsellor else _DUMMY_HASH, password or "")
            if not right or counsellor is None or not counsellor.active:
                session.add_all(FailedAttempt(key_hash=key, at=moment) for key in keys)
                session.add(AuditEntry(at=moment, username=who, action="sign_in", outcome="refused"))
                return SignInResult()
            if _hasher.check_needs_rehash(counsellor.password_hash):
                counsellor.password_hash = _hasher.hash(password)
            session.execute(delete(FailedAttempt).where(FailedAttempt.key_hash == keys[0]))
            token = secrets.token_urlsafe(32)
            session.add(
                CounsellorSession(
                    token_hash=_sha256(token),
                    counsellor_id=counsellor.id,
                    csrf_token=secrets.token_urlsafe(32),
                    created_at=moment,
                    last_seen=moment,
                    expires_at=self._expiry(moment, moment),
                )
            )
            session.add(AuditEntry(at=moment, username=name, action="sign_in", outcome="ok"))
        return SignInResult(token=token)

    # --- withdrawals by code (the doctors' form): failures limited per client like sign-ins -------------
    def withdrawal_allowed(self, client: str, now: datetime | None = None) -> bool:
        with self.storage.session() as session:
            count, _oldest = _failures(session, self._key("withdraw", client or "?"), now or _now())
        return count < WITHDRAW_FAILURES

    def note_failed_withdrawal(self, client: str, now: datetime | None = None) -> None:
        with self.storage.session.begin() as session:
            session.add(FailedAttempt(key_hash=self._key("withdraw", client or "?"), at=now or _now()))

    def session_for(self, token: str | None, now: datetime | None = None) -> SignedIn | None:
        """The signed-in counsellor for a cookie value, sliding the idle expiry; None if expired or unknown."""
        if not token or len(token) > 128:
            return None
        moment = now or _now()
        with self.storage.session.begin() as session:
            row = session.execute(
                select(CounsellorSession, Counsellor)
                .join(Counsellor, Counsellor.id == CounsellorSession.counsellor_id)
                .where(CounsellorSession.token_hash == _sha256(token))
            ).first()
            if row is None:
                return None
            active, counsellor = row
            if as_utc(active.expires_at) <= moment or not counsellor.active:
                session.delete(active)
                return None
            active.last_seen = moment
            active.expires_at = self._expiry(as_utc(active.created_at), moment)
            return SignedIn(counsellor.username, counsellor.is_admin, active.csrf_token)

    def sign_out(self, token: str | None, username: str) -> None:
        if not token:
            return
        with self.storage.session.begin() as session:
            session.execute(delete(CounsellorSession).where(CounsellorSession.token_hash == _sha256(token)))
            session.add(AuditEntry(at=_now(), username=username, action="sign_out", outcome="ok"))

    # --- audit --------------------------------------------------------------------------------------
    def audit(
        self,
        username: str,
        action: str,
        target: str | None = None,
        outcome: str | None = None,
        now: datetime | None = None,
    ) -> None:
        with self.storage.session.begin() as session:
            session.add(AuditEntry(at=now or _now(), username=username, action=action, target=target, outcome=outcome))

    def audit_log(self, limit: int = 500) -> list[AuditEntry]:
        with self.storage.session() as session:
            return list(
                session.execute(select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit))
                .scalars()
                .all()
            )

    # --- retention ----------------------------------------------------------------------------------
    def purge(self, now: datetime | None = None) -> int:
        """Expired sessions, failed sign-ins past the window, audit entries past their retention."""
        moment = now or _now()
        with self.storage.session.begin() as session:
            gone = session.execute(delete(CounsellorSession).where(CounsellorSession.expires_at <= moment)).rowcount
            gone += session.execute(delete(FailedAttempt).where(FailedAttempt.at < moment - FAILURE_WINDOW)).rowcount
            gone += session.execute(delete(AuditEntry).where(AuditEntry.at < moment - self.audit_retention)).rowcount
        return gone or 0


def _failures(session: Session, key_hash: str, moment: datetime) -> tuple[int, datetime | None]:
    """How many failures under this key in the window before `moment`, and when the oldest was."""
    return tuple(
        session.execute(
            select(func.count(), func.min(FailedAttempt.at)).where(
                FailedAttempt.key_hash == key_hash, FailedAttempt.at >= moment - FAILURE_WINDOW
            )
        ).one()
    )


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_username(username: str) -> str:
    name = (username or "").strip().lower()
    if not USERNAME.match(name):
        raise AccountError("a user name is 2-64 characters: letters, digits, '.', '_' or '-'")
    return name


def _check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD:
        raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")


def _account(session: Session, username: str) -> Counsellor:
    counsellor = session.execute(
        select(Counsellor).where(Counsellor.username == (username or "").strip().lower())
    ).scalar_one_or_none()
    if counsellor is None:
        raise AccountError(f"no account named {username!r}")
    return counsellor


def from_settings() -> Counsellors:
    settings = get_settings()
    storage = Storage(settings.database_url, settings.handoff_retention_days, settings.intake_retention_days)
    return Counsellors(storage, settings.secret_key, settings.counsellor_session_minutes, settings.audit_retention_days)
