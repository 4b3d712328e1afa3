"""The counsellor view (signed in) and the doctors' withdrawal form, as routes of the web server.

    /counsellor/sign-in       sign in (rate-limited; a login CSRF token)
    /counsellor               look up a code, see the handoff requests waiting, mark them taken
    /counsellor/lookup        the one-page preview of an intake summary (or a handoff request)
    /counsellor/trends        weekly counts as charts; /counsellor/trends.csv the same aggregates
    /counsellor/audit         the audit log (admin accounts only)
    /withdraw                 a doctor withdraws their intake summary with its code

Server-rendered HTML with no script at all; every form carries a CSRF token tied to the session; every
lookup, handoff taken, trends view and export is written to the audit log.
"""

from __future__ import annotations

import asyncio
import hmac
import secrets
from datetime import date, datetime, timezone
from functools import wraps
from html import escape

from sanic import Sanic, response
from sanic.request import Request

from bot.core.content import Content
from bot.core.readiness import ready_for
from bot.core.summary import IntakeSummary, normalise_code, theme_lines
from bot.core.trends import K_MIN
from bot.core.values import CATEGORY_VALUES, FORM_SLOTS, HelpCategory
from bot.storage.counsellors import Counsellors, SignedIn
from bot.storage.models import HandoffRequest, Intake
from bot.storage.records import Storage, as_utc
from bot.storage.trends import weekly_trends
from bot.web.charts import charts, to_csv

SESSION_COOKIE = "ds_counsellor"
LOGIN_COOKIE = "ds_login_csrf"
COOKIE_PATH = "/counsellor"
TREND_WEEKS = 12  # complete weeks shown in the trends and the CSV
CRISIS_CELL = '<strong class="flag">Crisis</strong>'
VIEW_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)


def _page(title: str, body: str, who: SignedIn | None = None, status: int = 200, nav: bool = True):
    header = ""
    if who and nav:
        audit = '<a href="/counsellor/audit">Audit log</a>' if who.is_admin else ""
        header = (
            '<header class="bar"><nav aria-label="Counsellor view"><a href="/counsellor">Look up a code</a>'
            f'<a href="/counsellor/trends">Trends</a>{audit}</nav>'
            f'<form method="post" action="/counsellor/sign-out" class="inline">{_csrf(who)}'
            f'<span class="who">Signed in as {escape(who.username)}</span>'
            '<button type="submit" class="link">Sign out</button></form></header>'
        )
    html = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="referrer" content="no-referrer">'
        f'<title>{escape(title)} · Peer support intakes</title><link rel="stylesheet" href="/counsellor.css">'
        f"</head><body>{header}<main><h1>{escape(title)}</h1>{body}</main></body></html>"
    )
    return response.html(html, status=status, headers={"Content-Security-Policy": VIEW_CSP})


def _csrf(who: SignedIn) -> str:
    return f'<input type="hidden" name="csrf" value="{escape(who.csrf_token)}">'


def _when(moment: datetime) -> str:
    return as_utc(moment).strftime("%d %b %Y %H:%M UTC")


def _set_cookie(resp, name: str, value: str, secure: bool, max_age: int | None = None) -> None:
    resp.cookies[name] = value
    resp.cookies[name]["path"] = COOKIE_PATH
    resp.cookies[name]["httponly"] = True
    resp.cookies[name]["samesite"] = "Strict"
    if secure:
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


def _items(lines) -> str:
    """List items of plain text (escaped)."""
    return "".join(f"<li>{escape(line)}</li>" for line in lines)


def register(app: Sanic, storage: Storage, accounts: Counsellors, content: Content, secure_cookies: bool) -> None:
    def signed_in(admin: bool = False):
        """Refuses without a live session (a GET goes to the sign-in page), and a POST without its CSRF token."""

        def decorate(handler):
            @wraps(handler)
            async def guarded(request: Request, *args, **kwargs):
                who = accounts.session_for(request.cookies.get(SESSION_COOKIE))
                if who is None:
                    if request.method == "GET":
                        return response.redirect("/counsellor/sign-in", status=303)
                    return _page("Please sign in", '<p><a href="/counsellor/sign-in">Sign in</a></p>', status=403)
                if request.method == "POST" and not hmac.compare_digest(_form(request, "csrf"), who.csrf_token):
                    return _page("Form expired", "<p>Please go back, reload and try again.</p>", who, status=403)
                if admin and not who.is_admin:
                    return _page("Not allowed", "<p>Only an admin account can see this page.</p>", who, status=403)
                return await handler(request, who, *args, **kwargs)

            return guarded

        return decorate

    # --- signing in and out ------------------------------------------------------------------------
    def sign_in_form(message: str = "", status: int = 200):
        token = secrets.token_urlsafe(24)
        notice = f'<p class="error" role="alert">{escape(message)}</p>' if message else ""
        body = (
            f'{notice}<form method="post" action="/counsellor/sign-in" class="card">'
            f'<input type="hidden" name="csrf" value="{token}">'
            '<label for="username">User name</label>'
            '<input id="username" name="username" autocomplete="username" required maxlength="64">'
            '<label for="password">Password</label>'
            '<input id="password" name="password" type="password" autocomplete="current-password" required '
            'maxlength="256"><button type="submit">Sign in</button></form>'
            '<p class="small">Accounts are made by the service\'s administrator.</p>'
        )
        resp = _page("Counsellor sign-in", body, status=status)
        _set_cookie(resp, LOGIN_COOKIE, token, secure_cookies, max_age=3600)
        return resp

    @app.get("/counsellor/sign-in")
    async def sign_in_page(request: Request):
        if accounts.session_for(request.cookies.get(SESSION_COOKIE)):
            return response.redirect("/counsellor", status=303)
        return sign_in_form()

    @app.post("/counsellor/sign-in")
    async def sign_in(request: Request):
        expected = request.cookies.get(LOGIN_COOKIE) or ""
        if not expected or not hmac.compare_digest(_form(request, "csrf"), expected):
            return sign_in_form("The form had expired. Please try again.", status=403)
        old = request.cookies.get(SESSION_COOKIE)
        if old:  # never carry a session from before the sign-in (fixation)
            accounts.sign_out(old, "(replaced)")
        # Checking an Argon2 hash takes about 0.1 s of CPU: off the event loop that also relays doctors' messages.
        result = await asyncio.get_running_loop().run_in_executor(
            None, accounts.sign_in, _form(request, "username"), _form(request, "password")[:256], _client(request)
        )
        if result.locked_minutes:
            return sign_in_form(
                f"Too many sign-in attempts. Please try again in {result.locked_minutes} minutes.", status=429
            )
        if not result.token:
            return sign_in_form("Wrong user name or password.", status=401)
        resp = response.redirect("/counsellor", status=303)
        _set_cookie(resp, SESSION_COOKIE, result.token, secure_cookies)
        _set_cookie(resp, LOGIN_COOKIE, "", secure_cookies, max_age=0)
        return resp

    @app.post("/counsellor/sign-out")
    @signed_in()
    async def sign_out(request: Request, who: SignedIn):
        accounts.sign_out(request.cookies.get(SESSION_COOKIE), who.username)
        resp = response.redirect("/counsellor/sign-in", status=303)
        _set_cookie(resp, SESSION_COOKIE, "", secure_cookies, max_age=0)
        return resp

    # --- the dashboard: look up a code, handoff requests waiting -----------------------------------
    def dashboard(who: SignedIn, notice: str = "", status: int = 200):
        waiting = storage.waiting_handoffs()
        rows = "".join(
            f'<tr><td class="code">{escape(r.code)}</td><td>{_when(r.created_at)}</td>'
            f"<td>{CRISIS_CELL if r.crisis else 'No'}</td>"
            f"<td>{escape(_category_name(r.themes.get('help_category')))}</td>"
            f'<td><form method="post" action="/counsellor/handoffs/{r.id}/take" class="inline">{_csrf(who)}'
            f'<button type="submit" aria-label="Mark {escape(r.code)} taken">Mark taken</button></form></td></tr>'
            for r in waiting
        )
        table = (
            '<table><caption class="visually-hidden">Handoff requests waiting</caption><thead><tr>'
            '<th scope="col">Code</th><th scope="col">Asked</th><th scope="col">Crisis</th>'
            f'<th scope="col">Pattern</th><th scope="col">Taken?</th></tr></thead><tbody>{rows}</tbody></table>'
            if waiting
            else "<p>No handoff requests are waiting.</p>"
        )
        body = (
            (f'<p class="notice" role="status">{escape(notice)}</p>' if notice else "")
            + '<form method="post" action="/counsellor/lookup" class="card lookup">'
            f'{_csrf(who)}<label for="code">Code the doctor gave you</label>'
            '<input id="code" name="code" autocomplete="off" spellcheck="false" maxlength="20" required '
            'placeholder="e.g. 7KQX4MTA"><button type="submit">Look up</button></form>'
            f"<h2>Handoff requests waiting ({len(waiting)})</h2>{table}"
        )
        return _page("Intakes", body, who, status=status)

    def _category_name(value: object) -> str:
        if value in CATEGORY_VALUES:
            return content.category_names[HelpCategory(value)]
        return "not reached"

    @app.get("/counsellor")
    @signed_in()
    async def home(_request: Request, who: SignedIn):
        return dashboard(who)

    @app.post("/counsellor/handoffs/<request_id:int>/take")
    @signed_in()
    async def take(_request: Request, who: SignedIn, request_id: int):
        taken = storage.take_handoff(request_id, who.username)
        accounts.audit(who.username, "take_handoff", str(request_id), "ok" if taken else "gone")
        if not taken:
            return dashboard(who, "That request was already taken or has expired.", status=409)
        return response.redirect("/counsellor", status=303)

    @app.post("/counsellor/lookup")
    @signed_in()
    async def lookup(request: Request, who: SignedIn):
        code = normalise_code(_form(request, "code"))
        if code is None:
            accounts.audit(who.username, "lookup", None, "not_a_code")
            return dashboard(who, "That is not a code from this service: 8 letters and digits.", status=400)
        intake = storage.find_intake(code)
        handoff = None if intake else storage.find_handoff(code)
        accounts.audit(who.username, "lookup", code, "intake" if intake else ("handoff" if handoff else "not_found"))
        if intake:
            return _page(f"Intake {code}", preview_intake(intake), who)
        if handoff:
            return _page(f"Handoff request {code}", preview_handoff(handoff, who), who)
        return dashboard(
            who, f"No intake or request has the code {code}. It may have been withdrawn, or it has expired.", 404
        )

    def preview_intake(intake: Intake) -> str:
        summary = IntakeSummary(
            help_category=intake.help_category,
            reasons=tuple(intake.reasons),
            themes=dict(intake.themes),
            barriers=tuple(intake.barriers),
            crisis=intake.crisis,
        )
        return _preview(summary, f"Shared {_when(intake.created_at)}; deleted {_when(intake.expires_at)}.")

    def preview_handoff(request: HandoffRequest, who: SignedIn) -> str:
        themes = {k: v for k, v in request.themes.items() if k in FORM_SLOTS}
        category = request.themes.get("help_category")
        status = f"Taken by {escape(request.taken_by)}." if request.taken_at else "Waiting to be taken."
        lines = [
            f'<p class="flag">Asked to talk to a person{" after a crisis disclosure" if request.crisis else ""}.</p>'
        ]
        lines.append(f"<p>Asked {_when(request.created_at)}. {status}</p>")
        labels = content.labels
        items = _items(theme_lines(themes, labels))
        lines.append(f"<h2>Pattern</h2><p>{escape(_category_name(category))}</p>")
        lines.append(f"<h2>Topics covered</h2><ul>{items or '<li>None yet</li>'}</ul>")
        ready = _items(labels["ready_for"][key] for key in ready_for(themes, request.crisis))
        if ready:
            lines.append(f"<h2>Be ready for</h2><ul>{ready}</ul>")
        if not request.taken_at:
            lines.append(
                f'<form method="post" action="/counsellor/handoffs/{request.id}/take">{_csrf(who)}'
                '<button type="submit">Mark taken</button></form>'
            )
        return "".join(lines)

    def _preview(summary: IntakeSummary, when: str) -> str:
        labels = content.labels
        flag = (
            '<p class="flag" role="note">Crisis flag: the doctor disclosed thoughts of suicide or self-harm.</p>'
            if summary.crisis
            else "<p>Crisis flag: no (no thoughts of suicide or self-harm disclosed).</p>"
        )
        reasons = _items(content.reasons[r] for r in summary.reasons)
        themes = _items(theme_lines(summary.themes, labels))
        expectation = summary.themes.get("expectation")
        hoping = labels["expectation"][expectation] if expectation else "not said"
        ready = _items(labels["ready_for"][key] for key in ready_for(summary.themes, summary.crisis))
        barriers = "; ".join(labels["barriers"][b] for b in summary.barriers)
        return (
            f'{flag}<p class="small">{escape(when)} Coded answers only: the doctor\'s own words are never kept.</p>'
            f'<div class="grid"><section><h2>Pattern</h2><p class="category">'
            f"{escape(content.category_names[HelpCategory(summary.help_category)])}</p>"
            f"<h3>Why (as the doctor was told)</h3><ul>{reasons or '<li>no single reason stood out</li>'}</ul>"
            f"<h2>Hoping for</h2><p>{escape(hoping)}</p></section>"
            f"<section><h2>Themes</h2><ul>{themes}</ul></section>"
            f"<section><h2>Be ready for</h2><ul>{ready or '<li>nothing in particular</li>'}</ul>"
            f"<h3>The advice already addressed</h3><p>{escape(barriers or 'nothing extra')}</p></section></div>"
            '<p><a href="/counsellor">Look up another code</a></p>'
        )

    # --- trends ------------------------------------------------------------------------------------
    @app.get("/counsellor/trends")
    @signed_in()
    async def trends_page(_request: Request, who: SignedIn):
        trends = weekly_trends(storage, weeks=TREND_WEEKS, today=date.today())
        accounts.audit(who.username, "view_trends")
        drawn = "".join(
            f'<section class="chart"><h2>{escape(title)}</h2><div class="scroll">{svg}</div></section>'
            for title, svg in charts(trends, content.labels, content.category_names)
        )
        body = (
            f"<p>Intake summaries shared per week, for the last {len(trends.weeks)} complete weeks "
            f"(the week of the date shown). A count under {K_MIN} is hidden, shown as “&lt;{K_MIN}”, and so are counts "
            "that would let a hidden one be worked out. The current week appears when it is over.</p>"
            '<p><a href="/counsellor/trends.csv" download>Download these counts as CSV</a></p>'
            f"{drawn}"
        )
        return _page("Trends", body, who)

    @app.get("/counsellor/trends.csv")
    @signed_in()
    async def trends_csv(_request: Request, who: SignedIn):
        trends = weekly_trends(storage, weeks=TREND_WEEKS, today=date.today())
        accounts.audit(who.username, "export_trends")
        name = f"intake-trends-{datetime.now(timezone.utc):%Y-%m-%d}.csv"
        return response.text(
            to_csv(trends),
            content_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    # --- the audit log (admins) --------------------------------------------------------------------
    @app.get("/counsellor/audit")
    @signed_in(admin=True)
    async def audit_page(_request: Request, who: SignedIn):
        accounts.audit(who.username, "view_audit")
        rows = "".join(
            f"<tr><td>{_when(e.at)}</td><td>{escape(e.username)}</td><td>{escape(e.action)}</td>"
            f'<td class="code">{escape(e.target or "")}</td><td>{escape(e.outcome or "")}</td></tr>'
            for e in accounts.audit_log()
        )
        body = (
            '<p>The latest 500 entries, newest first.</p><table><thead><tr><th scope="col">When</th>'
            '<th scope="col">Who</th><th scope="col">What</th><th scope="col">Code or id</th>'
            f'<th scope="col">Outcome</th></tr></thead><tbody>{rows}</tbody></table>'
        )
        return _page("Audit log", body, who)

    # --- the doctors' withdrawal form --------------------------------------------------------------
    def withdraw_form(message: str = "", status: int = 200, done: bool = False):
        notice = f'<p class="{"notice" if done else "error"}" role="status">{escape(message)}</p>' if message else ""
        body = (
            f"{notice}<p>If you shared an intake summary with the peer-support service, you can take it back "
            "here at any time. Enter the code you were given. It is deleted at once, with its place in the "
            "weekly counts.</p>"
            '<form method="post" action="/withdraw" class="card"><label for="code">Your code</label>'
            '<input id="code" name="code" autocomplete="off" spellcheck="false" maxlength="20" required '
            'placeholder="e.g. 7KQX4MTA"><button type="submit">Withdraw my summary</button></form>'
            '<p><a href="/">Back to the self-assessment</a></p>'
        )
        return _page("Withdraw an intake summary", body, status=status, nav=False)

    @app.get("/withdraw")
    async def withdraw_page(_request: Request):
        return withdraw_form()

    @app.post("/withdraw")
    async def withdraw(request: Request):
        client = _client(request)
        if not accounts.withdrawal_allowed(client):
            return withdraw_form("Too many codes tried. Please wait a quarter of an hour and try again.", status=429)
        code = normalise_code(_form(request, "code"))
        if code is None:
            return withdraw_form("That does not look like a code from this service: 8 letters and digits.", 400)
        if not storage.withdraw_intake(code):
            accounts.note_failed_withdrawal(client)
            return withdraw_form(
                f"No summary has the code {code}. It may have been withdrawn already, or it has expired.", 404
            )
        return withdraw_form(f"Done: the summary {code} is deleted.", done=True)
