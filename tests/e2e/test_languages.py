"""The pages in Bokmål in a real browser with a Norwegian Accept-Language: the doctors' page and its language switch,
which takes a conversation going on along into the other language, and the counsellor view and the withdrawal form,
axe-core clean."""

import re

import pytest

from bot.core.summary import summarise
from bot.storage.records import Storage
from tests.e2e.test_counsellor import PASSWORD, make_account
from tests.e2e.test_web import CHAT, SHOTS, axe_violations, bot_texts, wait_for_bot
from tests.web.test_languages import CONTENT_EN, SLOTS

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def norwegian(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="nb-NO")
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def last_bot_text(tab) -> str:
    return bot_texts(tab)[-1]


def test_the_norwegian_page_and_its_switch_take_the_conversation_along(norwegian, servers):
    tab = norwegian
    tab.goto(servers.web_url + "/")
    assert tab.locator("html").get_attribute("lang") == "nb"
    assert tab.title().startswith("Støtte for leger")
    wait_for_bot(tab, "velkommen")
    tab.locator(f"{CHAT} .choices button", has_text="Ja, la oss begynne").click()
    wait_for_bot(tab, "Først om jobben")
    tab.locator(f"{CHAT} .choices button", has_text="Jobber som vanlig").click()
    wait_for_bot(tab, "Hvordan er belastningen")
    assert tab.get_by_role("link", name="Trekk tilbake et sammendrag du har delt").get_attribute("href") == (
        "/withdraw?lang=nb"
    )
    assert axe_violations(tab) == [], "the Norwegian page mid-conversation"

    english = tab.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en"
    english.click()
    tab.wait_for_url(re.compile(r"\?lang=en$"))
    assert tab.locator("html").get_attribute("lang") == "en"
    wait_for_bot(tab, "How is your workload")
    tab.locator(f"{CHAT} .choices button", has_text="Heavy").wait_for()
    texts = bot_texts(tab)
    # the switch is confirmed ("Of course, I'll write in English.") and the question asked again in English
    assert "Hvordan er belastningen" in " ".join(texts[-3:-1]) and "How is your workload" in texts[-1], texts[-3:]
    assert not any("didn't quite get" in t or "forsto jeg ikke" in t for t in texts)
    assert tab.locator(f"{CHAT} .msg.me").count() == 2, "the switch itself is not shown as the doctor's message"
    assert tab.locator(f"{CHAT} .msg.bot").last.get_attribute("lang") == "en"

    tab.reload()  # a plain reload in the same language does not switch again
    tab.locator(f"{CHAT} .msg.bot", has_text="How is your workload").last.wait_for()
    assert len(bot_texts(tab)) == len(texts)

    norsk = tab.get_by_role("link", name="Norsk")
    assert norsk.get_attribute("lang") == "nb"
    norsk.focus()  # reachable and usable by keyboard
    tab.keyboard.press("Enter")
    tab.wait_for_url(re.compile(r"\?lang=nb$"))
    tab.locator(f"{CHAT} .choices button", has_text="Overkommelig").wait_for()
    assert "Hvordan er belastningen" in last_bot_text(tab)
    tab.locator(f"{CHAT} .choices button", has_text="Tung").click()
    wait_for_bot(tab, "Hvordan har du sovet")
    assert tab.errors == []


def test_the_norwegian_counsellor_view_and_withdrawal_form_are_axe_clean(norwegian, servers):
    store = Storage(servers.settings.database_url)
    intake = store.record_intake(summarise(SLOTS, CONTENT_EN))
    store.engine.dispose()
    make_account(servers, "ingrid")

    tab = norwegian
    tab.goto(servers.web_url + "/counsellor")
    assert tab.locator("html").get_attribute("lang") == "nb"
    tab.get_by_label("Brukernavn").fill("ingrid")
    tab.get_by_label("Passord").fill(PASSWORD)
    tab.get_by_role("button", name="Logg inn").click()
    tab.get_by_text("Logget inn som ingrid").wait_for()
    assert axe_violations(tab) == [], "the dashboard"
    tab.get_by_label("Koden du fikk fra legen").fill(intake.code)
    tab.get_by_role("button", name="Slå opp").click()
    tab.get_by_role("heading", name=f"Sammendrag {intake.code}").wait_for()
    body = tab.inner_text("main")
    for words in ("Redd for ikke å mestre lenger", "Håper på", "verktøy og neste steg", "Vær forberedt på", "i tvil"):
        assert words in body, words
    assert tab.locator("html").get_attribute("lang") == "nb"
    assert axe_violations(tab) == [], "the preview"
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "counsellor-preview-nb.png"), full_page=True)

    tab.get_by_role("link", name="Utvikling over tid").click()
    tab.get_by_role("heading", name="Utvikling over tid", exact=True).wait_for()
    assert axe_violations(tab) == [], "the trends"

    english = tab.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en"
    english.click()
    tab.get_by_role("heading", name="Trends", exact=True).wait_for()
    assert tab.locator("html").get_attribute("lang") == "en"
    tab.get_by_role("link", name="Look up a code").click()
    tab.get_by_text("Signed in as ingrid").wait_for()  # the choice is remembered
    tab.get_by_role("link", name="Norsk").click()
    tab.get_by_text("Logget inn som ingrid").wait_for()

    tab.goto(servers.web_url + "/withdraw")
    assert tab.locator("html").get_attribute("lang") == "nb"
    assert axe_violations(tab) == [], "the withdrawal form"
    tab.get_by_label("Koden din").fill(intake.code)
    tab.get_by_role("button", name="Trekk tilbake sammendraget").click()
    tab.get_by_text(f"Ferdig: Sammendraget {intake.code} er slettet.").wait_for()
    assert tab.locator("html").get_attribute("lang") == "nb"
    assert axe_violations(tab) == [], "the withdrawal form, done"
    assert tab.errors == []
