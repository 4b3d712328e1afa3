"""The counsellor view over HTTP, against the real web server on SQLite and on PostgreSQL: every route
refuses without sign-in, sign-in is rate-limited and CSRF-protected, a new session at each sign-in, lookups
and exports are audited, trends hide small groups, and doctors can withdraw a summary with its code."""

import functools
import re
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.core.content import content_from
from bot.core.summary import IntakeSummary, summarise
from bot.settings import ROOT, load_settings
from bot.storage.counsellors import ACCOUNT_FAILURES
from bot.web.app import create_app
from tests.web.webclient import PASSWORD, Browser

CONTENT = content_from(str(ROOT / "bot" / "core" / "content" / "no.yml"))
SLOTS = {"work_status": "working", "workload": "unreasonable", "coping": "not_coping", "sick_leave": "dilemma"}


@functools.lru_cache(maxsize=1)
def counsellor_routes():
    """Every route of the app under /counsellor, read from the app itself: a new one cannot slip by."""
    settings = load_settings(overrides={"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    app = create_app(settings, name="route_listing")
    found = []
    for route in app.router.routes:
        path = "/" + route.path.lstrip("/")
        if path.startswith("/counsellor") and path not in (
            "/counsellor/sign-in",
            "/counsellor.css",
            "/counsellor-live.js",
        ):
            for method in route.methods:
                found.append((method, re.sub(r"<[^>]+>", "1", path)))
    return tuple(sorted(set(found)))


def test_the_route_list_is_not_empty():
    routes = counsellor_routes()
    assert ("GET", "/counsellor") in routes and ("POST", "/counsellor/lookup") in routes and len(routes) >= 7


@pytest.mark.parametrize("method,path", counsellor_routes())
def test_every_counsellor_route_refuses_without_sign_in(web, method, path):
    browser = Browser(web.url)
    status, headers, body = browser.go(path, form={} if method == "POST" else None, method=method)
    if method == "GET":
        assert status == 303 and headers["Location"] == "/counsellor/sign-in"
    else:
        assert status == 403 and "Please sign in" in body


def test_a_forged_session_cookie_is_refused(web):
    browser = Browser(web.url)
    browser.cookies["ds_counsellor"] = "made-up"
    assert browser.go("/counsellor")[0] == 303


def test_sign_in_needs_its_csrf_token(web):
    browser = Browser(web.url)
    browser.csrf("/counsellor/sign-in")
    status, _, body = browser.go("/counsellor/sign-in", {"csrf": "forged", "username": "kari", "password": PASSWORD})
    assert status == 403 and "expired" in body and "ds_counsellor" not in browser.cookies


def test_sign_in_sets_a_strict_cookie_with_a_new_session(web):
    browser = Browser(web.url)
    browser.cookies["ds_counsellor"] = "planted-by-someone-else"  # session fixation
    status, headers, _ = browser.sign_in()
    assert status == 303 and headers["Location"] == "/counsellor"
    cookie = next(h for h in browser.set_cookie_headers if h.startswith("ds_counsellor="))
    assert browser.cookies["ds_counsellor"] != "planted-by-someone-else"
    for flag in ("HttpOnly", "SameSite=Strict", "Path=/counsellor", "Secure"):
        assert flag.lower() in cookie.lower()
    status, headers, body = browser.go("/counsellor")
    assert status == 200 and "Signed in as kari" in body
    assert (
        "form-action 'self'" in headers["Content-Security-Policy"]
        and "script-src" not in headers["Content-Security-Policy"]
    )
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", [path for method, path in counsellor_routes() if method == "POST"])
def test_every_signed_in_form_refuses_a_missing_or_forged_csrf_token(web, path):
    browser = Browser(web.url)
    assert browser.sign_in()[0] == 303
    for form in ({}, {"csrf": "forged", "code": "7KQX4MTA"}, {"csrf": "", "code": "7KQX4MTA"}):
        status, _, body = browser.go(path, form)
        assert status == 403, (path, form, status)
    assert browser.go("/counsellor")[0] == 200, "still signed in: a refused form does not end the session"


def test_wrong_passwords_then_the_rate_limit(web):
    web.accounts.add("per", PASSWORD)
    browser = Browser(web.url)
    for _ in range(ACCOUNT_FAILURES):
        assert browser.sign_in("per", "wrong password")[0] == 401
    status, _, body = browser.sign_in("per", PASSWORD)
    assert status == 429 and "Too many sign-in attempts" in body


def test_signing_out_ends_the_session(web):
    browser = Browser(web.url)
    browser.sign_in()
    session = browser.cookies["ds_counsellor"]
    token = browser.csrf("/counsellor")
    assert browser.go("/counsellor/sign-out", {"csrf": token})[0] == 303
    browser.cookies["ds_counsellor"] = session
    assert browser.go("/counsellor")[0] == 303


def test_look_up_a_code_see_the_preview_and_find_it_in_the_audit_log(web):
    intake = web.storage.record_intake(summarise({**SLOTS, "crisis": True}, CONTENT))
    browser = Browser(web.url)
    browser.sign_in()
    token = browser.csrf("/counsellor")
    assert browser.go("/counsellor/lookup", {"code": intake.code})[0] == 403  # no CSRF token
    spaced = intake.code[:4].lower() + " " + intake.code[4:].lower()
    status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": spaced})
    assert status == 200 and f"Intake {intake.code}" in body
    for words in (
        "Afraid of not coping any longer",
        "torn about it",
        "Be ready for",
        "Crisis flag",
        "ask about safety",
    ):
        assert words in body
    status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": "7KQX4MTA"})
    assert status == 404 and "No intake or request has the code 7KQX4MTA" in body
    status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": "<script>"})
    assert status == 400 and "<script>" not in body
    entries = [(e.username, e.action, e.target, e.outcome) for e in web.accounts.audit_log(20)]
    assert ("kari", "lookup", intake.code, "intake") in entries
    assert ("kari", "lookup", "7KQX4MTA", "not_found") in entries


def test_handoff_requests_wait_until_someone_marks_them_taken(web):
    request = web.storage.record_handoff({**SLOTS, "help_category": "fear_of_not_coping"}, crisis=True)
    browser = Browser(web.url)
    browser.sign_in()
    _, _, body = browser.go("/counsellor")
    assert request.code in body and "Crisis" in body
    token = browser.csrf("/counsellor")
    assert browser.go(f"/counsellor/handoffs/{request.id}/take", {"csrf": token})[0] == 303
    _, _, body = browser.go("/counsellor")
    assert request.code not in body
    assert browser.go(f"/counsellor/handoffs/{request.id}/take", {"csrf": token})[0] == 409
    assert web.storage.find_handoff(request.code).taken_by == "kari"
    assert ("kari", "take_handoff", str(request.id), "ok") in [
        (e.username, e.action, e.target, e.outcome) for e in web.accounts.audit_log(20)
    ]


def test_trends_and_the_csv_show_no_group_under_five(web):
    monday = date.today() - timedelta(days=date.today().weekday())
    week = monday - timedelta(weeks=2)
    moment = datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=9)
    for _ in range(6):
        web.storage.record_intake(
            IntakeSummary(
                "fear_of_not_coping", (), {"sick_leave": "dilemma", "warning_signs": ["exhaustion"]}, (), False
            ),
            moment,
        )
    web.storage.record_intake(IntakeSummary("way_back_or_out", (), {"sick_leave": "on_leave"}, (), False), moment)
    browser = Browser(web.url)
    browser.sign_in()
    status, _, body = browser.go("/counsellor/trends")
    assert status == 200 and body.count("<svg") == 5 and "&lt;5" in body
    status, headers, csv_text = browser.go("/counsellor/trends.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert "attachment" in headers["Content-Disposition"]
    rows = {tuple(line.split(",")[:3]): line.split(",")[3] for line in csv_text.splitlines()[1:]}
    assert rows[(week.isoformat(), "intakes", "all")] == "7"
    assert rows[(week.isoformat(), "warning_signs", "exhaustion")] == "6"
    assert rows[(week.isoformat(), "sick_leave", "dilemma")] == ""  # 6 and 1 add up to 7: both are hidden
    assert rows[(week.isoformat(), "help_category", "way_back_or_out")] == ""
    assert rows[(week.isoformat(), "help_category", "fear_of_not_coping")] == ""  # 7 - 6 would give the 1 away
    actions = [e.action for e in web.accounts.audit_log(10)]
    assert "view_trends" in actions and "export_trends" in actions


def test_only_an_admin_reads_the_audit_log(web):
    browser = Browser(web.url)
    browser.sign_in()
    status, _, body = browser.go("/counsellor/audit")
    assert status == 403 and "Audit log" not in body.split("<main>")[0]
    admin = Browser(web.url)
    admin.sign_in("ola")
    status, _, body = admin.go("/counsellor/audit")
    assert status == 200 and "sign_in" in body and "view_audit" in [e.action for e in web.accounts.audit_log(5)]


def test_a_doctor_withdraws_a_summary_with_its_code(web):
    intake = web.storage.record_intake(summarise(SLOTS, CONTENT))
    browser = Browser(web.url)
    status, headers, body = browser.go("/withdraw")
    assert status == 200 and "Your code" in body and not browser.set_cookie_headers
    status, _, body = browser.go("/withdraw", {"code": intake.code.lower()})
    assert status == 200 and f"the summary {intake.code} is deleted" in body
    assert web.storage.find_intake(intake.code) is None
    status, _, body = browser.go("/withdraw", {"code": intake.code})
    assert status == 404 and "No summary has the code" in body
    assert browser.go("/withdraw", {"code": "not a code"})[0] == 400
    assert browser.go("/withdraw", raw=b"\xff\xfe garbage")[0] == 400


def test_nothing_a_counsellor_or_doctor_sent_is_in_the_server_log(web):
    log = Path(web.log).read_text()
    assert PASSWORD not in log and "127.0.0.1" not in log
