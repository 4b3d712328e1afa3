"""The live handoff in two real browsers through the real servers (issue 16): a doctor in the widget asks for a
person; a counsellor signed in on the live page sees the chat arrive without reloading, takes it, sees the coded
themes only after the doctor's consent, and they write both ways; the doctor reloads mid-chat and the web server
is restarted mid-chat, and nothing is lost; the counsellor ends it and the assistant is back; axe-core is clean on
both sides."""

import re

import pytest

from tests.e2e.test_counsellor import PASSWORD, make_account
from tests.e2e.test_web import CHAT, SHOTS, axe_violations, wait_for_bot

playwright = pytest.importorskip("playwright.sync_api")


def root(tab):
    return tab.locator(CHAT)


def doctor_messages(tab, kind: str) -> list[str]:
    return [t.strip() for t in root(tab).locator(f".log .msg.{kind}").all_inner_texts()]


def restart_web_server(servers) -> None:
    servers.stop_process(servers.web_server)
    servers.start_web_server()


@pytest.fixture
def two_browsers(browser):
    doctor = browser.new_context(viewport={"width": 360, "height": 740}, locale="en-GB")
    counsellor = browser.new_context(viewport={"width": 1200, "height": 900}, locale="en-GB")
    tabs = doctor.new_page(), counsellor.new_page()
    for tab in tabs:
        tab.errors = []
        tab.on("pageerror", lambda exc, tab=tab: tab.errors.append(str(exc)))
    yield tabs
    doctor.close()
    counsellor.close()


def test_a_counsellor_on_duty_takes_the_doctors_chat_and_hands_it_back(two_browsers, servers):
    doc, kari = two_browsers
    make_account(servers, "two-browsers")

    # The counsellor signs in, goes on duty, and waits on the live page.
    kari.goto(servers.web_url + "/counsellor/live")
    kari.get_by_label("User name").fill("two-browsers")
    kari.get_by_label("Password").fill(PASSWORD)
    kari.get_by_role("button", name="Sign in").click()
    kari.goto(servers.web_url + "/counsellor/live")
    kari.get_by_role("button", name="Go on duty").click()
    kari.get_by_text("You are on duty").wait_for()
    assert axe_violations(kari) == [], "the live page, on duty"
    title_before = kari.title()

    # The doctor, on a phone: two answers (so there are themes), then asks for a person.
    doc.goto(servers.web_url + "/?lang=en")
    wait_for_bot(doc, "Shall we start")
    root(doc).locator(".choices button", has_text="Yes, let's start").click()
    wait_for_bot(doc, "your work situation")
    root(doc).locator(".choices button", has_text="Working").first.click()
    wait_for_bot(doc, "How is your workload")
    box = doc.get_by_label("Your message", exact=True)
    box.fill("I would like to talk to a real person now")
    box.press("Enter")
    status = root(doc).locator(".live [role=status]")
    status.get_by_text(re.compile("number 1 in the queue")).wait_for(timeout=15000)
    assert root(doc).locator(".live a[href='tel:113']").count() >= 1, "never a wait without the helplines"
    assert axe_violations(doc) == [], "the doctor waiting"

    # The chat arrives on the counsellor's page without a reload, with a title alert.
    take = kari.get_by_role("button", name="Take")
    take.wait_for(timeout=15000)
    assert kari.title() != title_before and kari.title().startswith("(1)"), kari.title()
    take.click()
    kari.get_by_role("heading", name=re.compile("Topics|Themes", re.I)).wait_for()
    kari.get_by_text(re.compile("waiting for the doctor's consent", re.I)).wait_for()
    assert "working" not in kari.inner_text("main").lower(), "no themes before the doctor says yes"

    # The doctor sees who joined and is asked for consent first.
    status.get_by_text(re.compile("is now in the chat")).wait_for(timeout=15000)
    consent = root(doc).locator(".live .consent")
    consent.get_by_role("button", name="Yes, share the themes").click()
    consent.get_by_role("button", name="No", exact=True).click()  # not the earlier messages

    # Now, and only now, the counsellor sees the coded themes (not the doctor's earlier words).
    kari.get_by_text(re.compile("Work: working", re.I)).wait_for(timeout=15000)
    assert "I would like to talk" not in kari.inner_text("main")
    assert axe_violations(kari) == [], "the counsellor's chat"

    def counsellor_says(text):
        kari.get_by_label(re.compile("Your message|Message", re.I)).fill(text)
        kari.get_by_role("button", name="Send").click()
        root(doc).locator(".log .msg.person", has_text=text).wait_for(timeout=15000)

    def doctor_says(text):
        box = doc.get_by_label(re.compile("Your message to"))
        box.fill(text)
        box.press("Enter")
        kari.locator("#messages li", has_text=text).wait_for(timeout=15000)

    counsellor_says("Hello, I'm Ingrid. I'm glad you wrote.")
    doctor_says("Thank you. It has been a hard month.")
    assert axe_violations(doc) == [], "the doctor in the live chat"
    SHOTS.mkdir(parents=True, exist_ok=True)
    kari.screenshot(path=str(SHOTS / "counsellor-live-chat.png"), full_page=True)

    # The doctor reloads the page mid-chat: nothing lost, nothing doubled, the chat goes on.
    doc.reload()
    root(doc).locator(".log .msg.person", has_text="I'm glad you wrote").wait_for(timeout=15000)
    counsellor_says("Take your time.")
    assert doctor_messages(doc, "person").count(next(t for t in doctor_messages(doc, "person") if "glad" in t)) == 1

    # The web server restarts mid-chat: both streams come back, and the messages go on both ways.
    restart_web_server(servers)
    counsellor_says("Are you still there?")
    doctor_says("Yes, still here.")
    person = doctor_messages(doc, "person")
    assert len(person) == len(set(person)) == 3, person
    words = kari.locator("#messages li").all_inner_texts()
    assert sum("Yes, still here." in w for w in words) == 1 and sum("hard month" in w for w in words) == 1, words

    # The counsellor ends it; the assistant is back, with the helplines, and answers the doctor again.
    kari.get_by_role("button", name="End the chat").click()
    root(doc).locator(".msg.note", has_text=re.compile("has ended")).wait_for(timeout=20000)
    closing = root(doc).locator(".log .msg.bot", has_text="talking to the assistant again")
    assert closing.locator("a[href='tel:113']").count() == 1 and closing.locator("a[href='tel:116123']").count() == 1
    box = doc.get_by_label("Your message", exact=True)
    box.fill("yes, let's go on")
    box.press("Enter")
    wait_for_bot(doc, "How is your workload")
    assert axe_violations(doc) == [], "the doctor back with the assistant"
    assert doc.errors == [] and kari.errors == []
