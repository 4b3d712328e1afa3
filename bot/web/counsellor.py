"""The counsellor view (signed in) and the doctors' withdrawal form: two blueprints of the web server.

    /counsellor/sign-in       sign in (rate-limited; a login CSRF token)
    /counsellor               look up a code, see the handoff requests waiting, mark them taken
    /counsellor/lookup        the one-page preview of an intake summary (or a handoff request)
    /counsellor/trends        weekly counts as charts; /counsellor/trends.csv the same aggregates
    /counsellor/audit         the audit log (admin accounts only)
    /withdraw                 a doctor withdraws their intake summary with its code

Server-rendered HTML (bot/web/templates/) with no script at all, in Bokmål or English (bot/web/i18n.py): a
counsellor's page follows `?lang=`, then their choice (a cookie with only "nb" or "en" in it), then the browser's
Accept-Language; the withdrawal form follows `?lang=`, then Accept-Language, and sets no cookie. Every form carries
a CSRF token tied to the session; every lookup, handoff taken, trends view and export is written to the audit log.
What the handlers share (storage, accounts, content, settings, templates) is on `app.ctx`, set by
bot.web.app.create_app.
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
from bot.web import i18n
from bot.web.charts import charts, to_csv

SESSION_COOKIE = "ds_counsellor"
LOGIN_COOKIE = "ds_login_csrf"
LANGUAGE_COOKIE = "ds_lang"  # "nb" or "en": the counsellor's choice of language, nothing else
LANGUAGE_COOKIE_DAYS = 365
COOKIE_PATH = "/counsellor"
TREND_WEEKS = 12  # complete weeks shown in the trends and the CSV
VIEW_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)

view = Blueprint("counsellor", url_prefix="/counsellor")
withdrawal = Blueprint("withdrawal")


# --- the language of a page ------------------------------------------------------------------------------
@view.middleware("request")
async def counsellor_language(request: Request) -> None:
    request.ctx.lang = i18n.choose(
        request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language")
    )
    # The switch reloads the page shown, or the dashboard after a form (a POST's page cannot be fetched again).
    request.ctx.switch_path = request.path if request.method == "GET" else "/counsellor"


@view.middleware("response")
async def remember_language(request: Request, resp) -> None:
    """A counsellor who used the switch (?lang=) keeps that language: a cookie holding only "nb" or "en"."""
    asked = i18n.valid(request.args.get("lang"))
    if asked and request.method == "GET" and request.cookies.get(LANGUAGE_COOKIE) != asked:
        _set_cookie(request, resp, LANGUAGE_COOKIE, asked, max_age=LANGUAGE_COOKIE_DAYS * 86400, httponly=False)


@withdrawal.middleware("request")
async def doctor_language(request: Request) -> None:
    """Doctors get no cookie: ?lang= (the form keeps it in its action), else the browser's Accept-Language."""
    request.ctx.lang = i18n.choose(request.args.get("lang"), None, request.headers.get("accept-language"))
    request.ctx.switch_path = "/withdraw"


def lang_of(request: Request) -> str:
    return getattr(request.ctx, "lang", i18n.DEFAULT)


def say(request: Request, key: str, **values) -> str:
    """One text of the catalogue in the request's language, its {placeholders} filled."""
    return i18n.texts(lang_of(request))[key].format(**values)


def content_for(request: Request):
    """The content file's words (categories, themes, reasons) in the request's language."""
    return request.app.ctx.contents[lang_of(request)]


# --- helpers ---------------------------------------------------------------------------------------------
def page(request: Request, template: str, status: int = 200, **context):
    lang = lang_of(request)
    other = i18n.other(lang)
    switch = {
        "href": f"{getattr(request.ctx, 'switch_path', '/counsellor')}?lang={other}",
        "lang": other,
        "name": i18n.LANGUAGE_NAMES[other],
    }
    html = request.app.ctx.templates.get_template(template).render(
        lang=lang, t=i18n.texts(lang), switch=switch, **context
    )
    headers = {"Content-Security-Policy": VIEW_CSP, "Vary": "Accept-Language, Cookie"}
    return response.html(html, status=status, headers=headers)


def refused(request: Request, status: int, title: str, text: str = "", who: SignedIn | None = None):
    """A short page saying no; without `text`, a link to sign in. `title` and `text` are keys of the catalogue."""
    return page(request, "refused.html", status, title=say(request, title), text=text and say(request, text), who=who)


def _set_cookie(
    request: Request, resp, name: str, value: str, max_age: int | None = None, httponly: bool = True
) -> None:
    resp.cookies[name] = value
    resp.cookies[name]["path"] = COOKIE_PATH
    if httponly:
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
            return refused(request, 403, "please_sign_in")
        if request.method == "POST" and not hmac.compare_digest(_form(request, "csrf"), who.csrf_token):
            return refused(request, 403, "form_expired", "form_expired_text", who)
        if admin and not who.is_admin:
            return refused(request, 403, "not_allowed", "admin_only", who)
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
        return sign_in_form(request, say(request, "sign_in_expired"), status=403)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # never carry a session from before the sign-in (fixation)
        accounts.sign_out(old, "(replaced)")
    # A session that expired left the duty switch as it was: a counsellor signing in again starts off duty.
    request.app.ctx.live.off_duty_without_session(username=_form(request, "username").strip().lower()[:64])
    # Checking an Argon2 hash takes about 0.1 s of CPU: off the event loop that also relays doctors' messages.
    result = await asyncio.get_running_loop().run_in_executor(
        None, accounts.sign_in, _form(request, "username"), _form(request, "password")[:256], _client(request)
    )
    if result.locked_minutes:
        message = say(request, "sign_in_locked", minutes=result.locked_minutes)
        return sign_in_form(request, message, status=429)
    if not result.token:
        return sign_in_form(request, say(request, "sign_in_wrong"), status=401)
    resp = response.redirect("/counsellor", status=303)
    _set_cookie(request, resp, SESSION_COOKIE, result.token)
    _set_cookie(request, resp, LOGIN_COOKIE, "", max_age=0)
    return resp


@view.post("/sign-out")
@signed_in
async def sign_out(request: Request, who: SignedIn):
    request.app.ctx.accounts.sign_out(request.cookies.get(SESSION_COOKIE), who.username)
    live = request.app.ctx.live
    if live.is_available(who.username):  # no one is on duty who has signed out
        live.set_duty(who.username, False)
        request.app.ctx.accounts.audit(who.username, "duty", None, "off")
    resp = response.redirect("/counsellor/sign-in", status=303)
    _set_cookie(request, resp, SESSION_COOKIE, "", max_age=0)
    return resp


# --- the dashboard: look up a code, handoff requests waiting --------------------------------------------
def category_name(request: Request, value: object) -> str:
    if value in CATEGORY_VALUES:
        return content_for(request).category_names[HelpCategory(value)]
    return say(request, "not_reached")


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
        return dashboard(request, who, say(request, "already_taken"), status=409)
    return response.redirect("/counsellor", status=303)


@view.post("/lookup")
@signed_in
async def lookup(request: Request, who: SignedIn):
    storage, accounts = request.app.ctx.storage, request.app.ctx.accounts
    code = normalise_code(_form(request, "code"))
    if code is None:
        accounts.audit(who.username, "lookup", None, "not_a_code")
        return dashboard(request, who, say(request, "not_a_code"), status=400)
    intake = storage.find_intake(code)
    handoff = None if intake else storage.find_handoff(code)
    accounts.audit(who.username, "lookup", code, "intake" if intake else ("handoff" if handoff else "not_found"))
    if intake:
        return intake_preview(request, who, intake)
    if handoff:
        return handoff_preview(request, who, handoff)
    return dashboard(request, who, say(request, "no_such_code", code=code), 404)


def _ready(labels: dict, themes: dict, crisis: bool) -> list[str]:
    return [labels["ready_for"][key] for key in ready_for(themes, crisis)]


def intake_preview(request: Request, who: SignedIn, intake: Intake):
    content = content_for(request)
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
        hoping=labels["expectation"][expectation] if expectation else "",
        ready=_ready(labels, intake.themes, intake.crisis),
        barriers=[labels["barriers"][b] for b in intake.barriers],
    )


def handoff_preview(request: Request, who: SignedIn, handoff: HandoffRequest):
    labels = content_for(request).labels
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
    content = content_for(request)
    trends = weekly_trends(request.app.ctx.storage, weeks=TREND_WEEKS, today=date.today())
    request.app.ctx.accounts.audit(who.username, "view_trends")
    drawn = charts(trends, content.labels, content.category_names, lang_of(request))
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
        return withdraw_form(request, say(request, "withdraw_limited"), 429)
    code = normalise_code(_form(request, "code"))
    if code is None:
        return withdraw_form(request, say(request, "withdraw_not_a_code"), 400)
    if not request.app.ctx.storage.withdraw_intake(code):
        accounts.note_failed_withdrawal(client)
        return withdraw_form(request, say(request, "withdraw_unknown", code=code), 404)
    return withdraw_form(request, say(request, "withdraw_done", code=code), done=True)
