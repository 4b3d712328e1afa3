"""The counsellor view (signed in) and the doctors' withdrawal form: two blueprints of the web server.

    /counsellor/sign-in       sign in (rate-limited; a login CSRF token)
    /counsellor               look up a code, see the handoff requests waiting, mark them taken
    /counsellor/lookup        the one-page preview of an intake summary (or a handoff request)
    /counsellor/trends        weekly counts as charts; /counsellor/trends.csv the same aggregates
    /counsellor/audit         the audit log (admin accounts only)
    /withdraw                 a doctor withdraws their intake summary with its code

Server-rendered HTML (bot/web/templates/) with no script at all; every form carries a CSRF token tied to the
session; every lookup, handoff taken, trends view and export is written to the audit log. What the handlers
share (storage, accounts, content, settings, templates) is on `app.ctx`, set by bot.web.app.create_app.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import date, datetime, timezone
from functools import partial, wraps

from sanic import Blueprint, response
from sanic.request import Request

from bot.core.readiness import ready_for
from bot.core.summary import normalise_code, theme_lines
from bot.core.trends import K_MIN
from bot.core.values import CATEGORY_VALUES, FORM_SLOTS, HelpCategory
from bot.storage.counsellors import SignedIn
from bot.storage.models import HandoffRequest, Intake
from bot.storage.trends import weekly_trends
from bot.web.charts import charts, to_csv

SESSION_COOKIE = "ds_counsellor"
LOGIN_COOKIE = "ds_login_csrf"
COOKIE_PATH = "/counsellor"
TREND_WEEKS = 12  # complete weeks shown in the trends and the CSV
VIEW_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

view = Blueprint("counsellor", url_prefix="/counsellor")
withdrawal = Blueprint("withdrawal")


# --- helpers ---------------------------------------------------------------------------------------------
def page(request: Request, template: str, status: int = 200, **context):
    html = request.app.ctx.templates.get_template(template).render(**context)
    return response.html(html, status=status, headers={"Content-Security-Policy": VIEW_CSP})


def refused(request: Request, status: int, title: str, text: str = "", who: SignedIn | None = None):
    """A short page saying no; without `text`, a link to sign in."""
    return page(request, "refused.html", status, title=title, text=text, who=who)


def _set_cookie(request: Request, resp, name: str, value: str, max_age: int | None = None) -> None:
    resp.cookies[name] = value
    resp.cookies[name]["path"] = COOKIE_PATH
    resp.cookies[name]["httponly"] = True
    resp.cookies[name]["samesite"] = "Strict"
    if request.app.ctx.settings.secure_cookies:
        resp.cookies[name]["secure"] = True
    if max_age is not None:
        resp.cookies[name]["max-age"] = max_age


def _client(request: Request) -> str:
    """Only ever passed through a keyed hash (bot.storage.counsellors), never stored or logged as it is."""
    return request.remote_addr or request.ip or "?"


def _form(request: Request, name: str) -> str:
    try:
        value = request.form.get(name) if request.form else None
    except Exception:  # a body that is not a form: treated as empty
        value = None
    return value if isinstance(value, str) else ""


def signed_in(handler=None, *, admin: bool = False):
    """Runs `handler(request, who, ...)` for a live session only: without one a GET goes to the sign-in page and
    anything else is refused; a POST also needs the session's CSRF token; `admin=True` also needs an admin account."""
    if handler is None:
        return partial(signed_in, admin=admin)

    @wraps(handler)
    async def guarded(request: Request, *args, **kwargs):
        who = request.app.ctx.accounts.session_for(request.cookies.get(SESSION_COOKIE))
        if who is None:
            if request.method == "GET":
                return response.redirect("/counsellor/sign-in", status=303)
            return refused(request, 403, "Please sign in")
        if request.method == "POST" and not hmac.compare_digest(_form(request, "csrf"), who.csrf_token):
            return refused(request, 403, "Form expired", "Please go back, reload and try again.", who)
        if admin and not who.is_admin:
            return refused(request, 403, "Not allowed", "Only an admin account can see this page.", who)
        return await handler(request, who, *args, **kwargs)

    return guarded


# --- signing in and out ------------------------------------------------------------------------------------
def sign_in_form(request: Request, message: str = "", status: int = 200):
    token = secrets.token_urlsafe(24)
    resp = page(request, "sign_in.html", status, message=message, login_token=token, who=None)
    _set_cookie(request, resp, LOGIN_COOKIE, token, max_age=3600)
    return resp


@view.get("/sign-in")
async def sign_in_page(request: Request):
    if request.app.ctx.accounts.session_for(request.cookies.get(SESSION_COOKIE)):
        return response.redirect("/counsellor", status=303)
    return sign_in_form(request)


@view.post("/sign-in")
async def sign_in(request: Request):
    accounts = request.app.ctx.accounts
    expected = request.cookies.get(LOGIN_COOKIE) or ""
    if not expected or not hmac.compare_digest(_form(request, "csrf"), expected):
        return sign_in_form(request, "The form had expired. Please try again.", status=403)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # never carry a session from before the sign-in (fixation)
        accounts.sign_out(old, "(replaced)")
    # Checking an Argon2 hash takes about 0.1 s of CPU: off the event loop that also relays doctors' messages.
    result = await asyncio.get_running_loop().run_in_executor(
        None, accounts.sign_in, _form(request, "username"), _form(request, "password")[:256], _client(request)
    )
    if result.locked_minutes:
        message = f"Too many sign-in attempts. Please try again in {result.locked_minutes} minutes."
        return sign_in_form(request, message, status=429)
    if not result.token:
        return sign_in_form(request, "Wrong user name or password.", status=401)
    resp = response.redirect("/counsellor", status=303)
    _set_cookie(request, resp, SESSION_COOKIE, result.token)
    _set_cookie(request, resp, LOGIN_COOKIE, "", max_age=0)
    return resp


@view.post("/sign-out")
@signed_in
async def sign_out(request: Request, who: SignedIn):
    request.app.ctx.accounts.sign_out(request.cookies.get(SESSION_COOKIE), who.username)
    resp = response.redirect("/counsellor/sign-in", status=303)
    _set_cookie(request, resp, SESSION_COOKIE, "", max_age=0)
    return resp


# --- the dashboard: look up a code, handoff requests waiting --------------------------------------------
def category_name(request: Request, value: object) -> str:
    if value in CATEGORY_VALUES:
        return request.app.ctx.content.category_names[HelpCategory(value)]
    return "not reached"


def dashboard(request: Request, who: SignedIn, notice: str = "", status: int = 200):
    waiting = request.app.ctx.storage.waiting_handoffs()
    name = partial(category_name, request)
    return page(request, "dashboard.html", status, who=who, notice=notice, waiting=waiting, category_name=name)


@view.get("")
@signed_in
async def home(request: Request, who: SignedIn):
    return dashboard(request, who)


@view.post("/handoffs/<request_id:int>/take")
@signed_in
async def take(request: Request, who: SignedIn, request_id: int):
    taken = request.app.ctx.storage.take_handoff(request_id, who.username)
    request.app.ctx.accounts.audit(who.username, "take_handoff", str(request_id), "ok" if taken else "gone")
    if not taken:
        return dashboard(request, who, "That request was already taken or has expired.", status=409)
    return response.redirect("/counsellor", status=303)


@view.post("/lookup")
@signed_in
async def lookup(request: Request, who: SignedIn):
    storage, accounts = request.app.ctx.storage, request.app.ctx.accounts
    code = normalise_code(_form(request, "code"))
    if code is None:
        accounts.audit(who.username, "lookup", None, "not_a_code")
        return dashboard(request, who, "That is not a code from this service: 8 letters and digits.", status=400)
    intake = storage.find_intake(code)
    handoff = None if intake else storage.find_handoff(code)
    accounts.audit(who.username, "lookup", code, "intake" if intake else ("handoff" if handoff else "not_found"))
    if intake:
        return intake_preview(request, who, intake)
    if handoff:
        return handoff_preview(request, who, handoff)
    notice = f"No intake or request has the code {code}. It may have been withdrawn, or it has expired."
    return dashboard(request, who, notice, 404)


def _ready(labels: dict, themes: dict, crisis: bool) -> list[str]:
    return [labels["ready_for"][key] for key in ready_for(themes, crisis)]


def intake_preview(request: Request, who: SignedIn, intake: Intake):
    content = request.app.ctx.content
    labels = content.labels
    expectation = intake.themes.get("expectation")
    return page(
        request,
        "intake.html",
        who=who,
        intake=intake,
        category=content.category_names[HelpCategory(intake.help_category)],
        reasons=[content.reasons[r] for r in intake.reasons],
        themes=theme_lines(intake.themes, labels),
        hoping=labels["expectation"][expectation] if expectation else "not said",
        ready=_ready(labels, intake.themes, intake.crisis),
        barriers=[labels["barriers"][b] for b in intake.barriers],
    )


def handoff_preview(request: Request, who: SignedIn, handoff: HandoffRequest):
    labels = request.app.ctx.content.labels
    themes = {k: v for k, v in handoff.themes.items() if k in FORM_SLOTS}
    return page(
        request,
        "handoff.html",
        who=who,
        handoff=handoff,
        category=category_name(request, handoff.themes.get("help_category")),
        themes=theme_lines(themes, labels),
        ready=_ready(labels, themes, handoff.crisis),
    )


# --- trends ----------------------------------------------------------------------------------------------
@view.get("/trends")
@signed_in
async def trends_page(request: Request, who: SignedIn):
    content = request.app.ctx.content
    trends = weekly_trends(request.app.ctx.storage, weeks=TREND_WEEKS, today=date.today())
    request.app.ctx.accounts.audit(who.username, "view_trends")
    drawn = charts(trends, content.labels, content.category_names)
    return page(request, "trends.html", who=who, weeks=len(trends.weeks), k_min=K_MIN, charts=drawn)


@view.get("/trends.csv")
@signed_in
async def trends_csv(request: Request, who: SignedIn):
    trends = weekly_trends(request.app.ctx.storage, weeks=TREND_WEEKS, today=date.today())
    request.app.ctx.accounts.audit(who.username, "export_trends")
    name = f"intake-trends-{datetime.now(timezone.utc):%Y-%m-%d}.csv"
    return response.text(
        to_csv(trends),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- the audit log (admins) ------------------------------------------------------------------------------
@view.get("/audit")
@signed_in(admin=True)
async def audit_page(request: Request, who: SignedIn):
    accounts = request.app.ctx.accounts
    accounts.audit(who.username, "view_audit")
    return page(request, "audit.html", who=who, entries=accounts.audit_log())


# --- the doctors' withdrawal form ------------------------------------------------------------------------
def withdraw_form(request: Request, message: str = "", status: int = 200, done: bool = False):
    return page(request, "withdraw.html", status, message=message, done=done, who=None)


@withdrawal.get("/withdraw")
async def withdraw_page(request: Request):
    return withdraw_form(request)


@withdrawal.post("/withdraw")
async def withdraw(request: Request):
    accounts, client = request.app.ctx.accounts, _client(request)
    if not accounts.withdrawal_allowed(client):
        return withdraw_form(request, "Too many codes tried. Please wait a quarter of an hour and try again.", 429)
    code = normalise_code(_form(request, "code"))
    if code is None:
        return withdraw_form(request, "That does not look like a code from this service: 8 letters and digits.", 400)
    if not request.app.ctx.storage.withdraw_intake(code):
        accounts.note_failed_withdrawal(client)
        message = f"No summary has the code {code}. It may have been withdrawn already, or it has expired."
        return withdraw_form(request, message, 404)
    return withdraw_form(request, f"Done: the summary {code} is deleted.", done=True)
