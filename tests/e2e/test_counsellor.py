"""The counsellor side end to end: a doctor's real conversation, the consent at the result, the summary
under a code, a counsellor who signs in (an account made with the command line) and looks the code up in a
real browser, the trends, the doctor withdrawing the summary, and a planted phrase found in no table."""

import json
import subprocess
import sys
import urllib.request
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from bot.core.summary import IntakeSummary
from bot.storage.records import Storage
from bot.storage.retention import purge
from tests.e2e.test_web import CHAT, QUESTIONS, SHOTS, answer, axe_violations, bot_texts, wait_for_bot
from tests.storage.conftest import all_rows

PLANTED = "Zorblax-Vennington-3381"
# What a doctor might type to each question; the workload answer carries the planted phrase.
REPLIES = {
    "work_status": "I'm working full time",
    "workload": f"way too much, 70 hour weeks since {PLANTED} left",
    "sleep": "poorly",
    "warning_signs": "exhausted and I can't concentrate",
    "conflict": "no",
    "coping": "not coping",
    "sick_leave": "I need sick leave but hold back",
    "treatment": "no",
    "expectation": "tools and a next step",
    "self_harm": "no",
}
PASSWORD = "counsellor passphrase 2026"


def text_of(replies: list) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def assess(servers, sender: str) -> str:
    """A whole self-assessment over the REST channel; returns the replies at the result."""
    servers.say(sender, "hello")
    reply = servers.say(sender, "/start_assessment")
    for _ in range(20):
        slot = servers.slots(sender).get("requested_slot")
        if slot is None:
            return text_of(reply)
        reply = servers.say(sender, REPLIES[slot])
    raise AssertionError("the self-assessment did not end")


def bot_database(servers):
    return sa.create_engine(servers.settings.database_url)


def count(engine, table: str) -> int:
    with engine.connect() as connection:
        return connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar()


def test_no_summary_on_no_a_summary_on_yes_and_the_words_are_in_no_table(servers):
    engine = bot_database(servers)
    before = count(engine, "intakes")
    declined = f"e2e-{uuid.uuid4().hex}"
    result = assess(servers, declined)
    assert "summary for a counsellor" in result and "never your own words" in result
    assert "no summary is stored" in text_of(servers.say(declined, "no thanks"))
    assert count(engine, "intakes") == before and servers.slots(declined).get("intake_code") is None

    sender = f"e2e-{uuid.uuid4().hex}"
    assess(servers, sender)
    reply = text_of(servers.say(sender, "yes please"))
    assert "I'd note" in reply and count(engine, "intakes") == before  # the hope read back first
    reply = text_of(servers.say(sender, "yes"))
    code = servers.slots(sender)["intake_code"]
    assert code and f"Your code is {code}" in reply and "This is exactly what is stored" in reply
    assert "Pattern: Afraid of not coping any longer" in reply and "Sick leave: torn about it" in reply
    assert count(engine, "intakes") == before + 1
    store = Storage(servers.settings.database_url)
    saved = store.find_intake(code)
    assert saved.help_category == "fear_of_not_coping" and saved.themes["workload"] == "unreasonable"
    # The doctor's words are in the tracker store (until retention), and in no table of ours.
    assert PLANTED not in all_rows(engine)
    tracker = sa.create_engine(f"sqlite:///{servers.settings.tracker_db_path}")
    assert PLANTED in all_rows(tracker)
    result = purge(servers.settings, now=datetime.now(timezone.utc) + timedelta(hours=25))
    assert result.conversations >= 2
    assert PLANTED not in all_rows(tracker) and PLANTED not in all_rows(engine)
    assert store.find_intake(code) is not None  # the summary outlives the conversation, until its own expiry
    engine.dispose()
    tracker.dispose()


def test_withdraw_in_the_chat(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    assess(servers, sender)
    servers.say(sender, "yes")
    servers.say(sender, "/affirm")
    code = servers.slots(sender)["intake_code"]
    reply = text_of(servers.say(sender, "withdraw my summary"))
    assert f"the summary {code} is deleted" in reply
    assert Storage(servers.settings.database_url).find_intake(code) is None


HOPE_IN_OWN_WORDS = f"honestly {PLANTED}, someone to tell me what the next step is"


def test_the_hope_is_read_back_in_the_doctors_words_changed_and_stored_as_chosen(servers):
    """Yes to the summary reads the hope back (the doctor's words, shown in the chat only) as its coded value; "No,
    change it" offers the coded hopes as buttons; the one tapped is stored and told back. "More about this" on the
    way does not lose the question."""
    engine = bot_database(servers)
    before = count(engine, "intakes")
    sender = f"e2e-{uuid.uuid4().hex}"
    servers.say(sender, "hello")
    servers.say(sender, "/start_assessment")
    for _ in range(20):
        slot = servers.slots(sender).get("requested_slot")
        if slot is None:
            break
        servers.say(sender, HOPE_IN_OWN_WORDS if slot == "expectation" else REPLIES[slot])
    assert servers.slots(sender)["expectation"] == "tools"
    reply = text_of(servers.say(sender, "yes"))
    assert f"You said you hope for: «{HOPE_IN_OWN_WORDS}». I'd note that as: tools and a next step." in reply
    assert servers.slots(sender)["pending_offer"] == "hope_confirm" and count(engine, "intakes") == before
    replies = servers.say(sender, "more about this")
    # The question again (the tracker store may have compacted the words away by now: then the coded value only).
    assert "How to reach them" in text_of(replies) and "I'd note" in text_of(replies)
    assert [b["title"] for b in replies[-1]["buttons"]] == ["Yes, store it", "No, change it"]
    replies = servers.say(sender, "/deny")
    buttons = replies[-1]["buttons"]
    assert [b["title"] for b in buttons][:2] == ["Advice", "Tools and a next step"]
    choice = next(b for b in buttons if b["title"] == "Treatment or a referral")
    reply = text_of(servers.say(sender, choice["payload"]))
    code = servers.slots(sender)["intake_code"]
    assert code and f"Your code is {code}" in reply and "Hoping for: treatment or a referral" in reply
    assert Storage(servers.settings.database_url).find_intake(code).themes["expectation"] == "referral"
    assert PLANTED not in all_rows(engine)
    engine.dispose()


def make_account(servers, name: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.ops.counsellors", "add", name, "--password-stdin"],
        input=PASSWORD + "\n",
        env=servers.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert PASSWORD not in done.stdout + done.stderr


def seed_trends(servers) -> None:
    """Eight past weeks of intakes, so the trends have something to draw (and something to hide)."""
    store = Storage(servers.settings.database_url)
    monday = date.today() - timedelta(days=date.today().weekday())
    mix = [
        ("fear_of_not_coping", {"sick_leave": "dilemma", "warning_signs": ["exhaustion", "concentration"]}),
        ("looking_for_advice", {"sick_leave": "not_relevant", "expectation": "advice", "warning_signs": ["crying"]}),
        ("way_back_or_out", {"sick_leave": "on_leave", "expectation": "way_back", "warning_signs": ["anxiety"]}),
    ]
    for week_back in range(1, 9):
        week = monday - timedelta(weeks=week_back)
        for i in range(10 + week_back % 4 * 4):
            category, themes = mix[i % 3 if week_back % 2 else min(i % 4, 2)]
            moment = datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=8 + i)
            store.record_intake(IntakeSummary(category, (), themes, (), False), now=moment)
    store.engine.dispose()


@pytest.fixture
def counsellor_page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def test_a_counsellor_looks_up_a_code_from_a_real_conversation_and_sees_the_trends(page, counsellor_page, servers):
    # The doctor: the whole self-assessment on the page, then yes to the summary.
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    page.locator(f"{CHAT} .choices button", has_text="Yes, let's start").click()
    for slot, question in QUESTIONS.items():
        wait_for_bot(page, question)
        answer(page, slot)
    wait_for_bot(page, "prepare a summary for a counsellor")
    page.locator(f"{CHAT} .choices button", has_text="Yes, prepare it").click()
    wait_for_bot(page, "Is that right?")
    page.locator(f"{CHAT} .choices button", has_text="Yes, store it").click()
    wait_for_bot(page, "Your code is")
    saved = next(t for t in bot_texts(page) if "Your code is" in t)
    code = saved.split("Your code is ", 1)[1][:8]
    assert axe_violations(page) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "summary-shared.png"))

    # The counsellor: an account from the command line, sign in, look the code up.
    make_account(servers, "kari")
    seed_trends(servers)
    tab = counsellor_page
    tab.goto(servers.web_url + "/counsellor")
    assert tab.url.endswith("/counsellor/sign-in")
    tab.get_by_label("User name").fill("kari")
    tab.get_by_label("Password").fill(PASSWORD)
    tab.get_by_role("button", name="Sign in").click()
    tab.get_by_text("Signed in as kari").wait_for()
    assert axe_violations(tab) == []
    tab.get_by_label("Code the doctor gave you").fill(code.lower())
    tab.get_by_role("button", name="Look up").click()
    tab.get_by_role("heading", name=f"Intake {code}").wait_for()
    body = tab.inner_text("main")
    for words in (
        "Afraid of not coping any longer",
        "Hoping for",
        "tools and a next step",
        "Be ready for",
        "torn about it",
    ):
        assert words in body
    assert PLANTED not in tab.content()
    assert axe_violations(tab) == []
    tab.screenshot(path=str(SHOTS / "counsellor-preview.png"), full_page=True)

    tab.get_by_role("link", name="Trends").click()
    tab.get_by_role("heading", name="Trends", exact=True).wait_for()
    assert tab.locator("svg.heatmap").count() == 5 and "<5" in tab.inner_text("main")
    assert axe_violations(tab) == []
    tab.screenshot(path=str(SHOTS / "counsellor-trends.png"), full_page=True)
    assert tab.errors == [] and page.errors == []

    # The doctor changes their mind: the button under the summary withdraws it.
    page.locator(f"{CHAT} .choices button", has_text="Withdraw it").click()
    wait_for_bot(page, f"the summary {code} is deleted")
    tab.get_by_role("link", name="Look up a code").click()
    tab.get_by_label("Code the doctor gave you").fill(code)
    tab.get_by_role("button", name="Look up").click()
    tab.get_by_text(f"No intake or request has the code {code}").wait_for()


def test_no_server_log_holds_a_doctors_words_or_an_address(servers):
    sender = f"e2e-{uuid.uuid4().hex}"
    phrase = "Quendolyn-Harrowgate-5517"
    servers.say(sender, f"hello, my name is {phrase}")
    request = urllib.request.Request(
        servers.web_url + "/api/message",
        data=json.dumps({"sender": sender, "message": f"I work at {phrase} hospital"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30):
        pass
    logs = {path.name: path.read_text(errors="replace") for path in servers.logs.glob("*.log")}
    assert {"rasa.log", "actions.log", "web.log"} <= set(logs)
    for name, text in logs.items():
        assert phrase not in text, name
        for port in (servers.rasa_port, servers.action_port, servers.web_port):  # where the servers listen
            text = text.replace(f"127.0.0.1:{port}", "")
        assert "127.0.0.1" not in text, name  # the clients here all come from 127.0.0.1
