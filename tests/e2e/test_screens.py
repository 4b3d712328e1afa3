"""The result as a doctor first sees it, on a phone and on a desktop, in both languages: its first screen shows the
pattern and the first step, axe-core finds nothing; the screenshots the README shows (docs/) are made here."""

import re

import pytest

from tests.e2e.test_web import ANSWERS, CHAT, NB_ANSWERS, QUESTIONS, SHOTS, axe_violations, wait_for_bot

playwright = pytest.importorskip("playwright.sync_api")

SIZES = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
START = {"en": ("Shall we start", "Yes, let's start"), "nb": ("Skal vi begynne", "Ja, la oss begynne")}
RESULT = {
    "en": ("A good first step", "afraid of not coping any longer"),
    "nb": ("Et godt første steg", "Redd for ikke"),
}


def play(tab, lang):
    """The whole self-assessment on the page in `lang`, answered with the persona of tests/e2e/test_web.py."""
    ready, start = START[lang]
    wait_for_bot(tab, ready)
    tab.locator(f"{CHAT} .choices button", has_text=start).click()
    if lang == "en":
        steps = [(QUESTIONS[slot], *ANSWERS[slot]) for slot in QUESTIONS]
        box = "Your message"
    else:
        steps = [(question, *how) for question, how in NB_ANSWERS.items()]
        box = "Din melding"
    for question, kind, value in steps:
        wait_for_bot(tab, question)
        if kind == "button":
            tab.locator(f"{CHAT} .choices button", has_text=value).first.click()
        else:
            tab.get_by_label(box).fill(value)
            tab.get_by_role("button", name="Send").click()
    wait_for_bot(tab, RESULT[lang][0])


@pytest.mark.parametrize("size", sorted(SIZES))
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_result_opens_on_its_pattern_and_first_step(browser, servers, size, lang):
    context = browser.new_context(viewport=SIZES[size], locale="nb-NO" if lang == "nb" else "en-GB")
    tab = context.new_page()
    tab.goto(servers.web_url + f"/?lang={lang}")
    play(tab, lang)
    first = tab.locator(f"{CHAT} .msg.bot", has_text=re.compile(RESULT[lang][0])).last
    tab.wait_for_timeout(300)  # the scroll to the new reply
    box = first.bounding_box()
    log = tab.locator(f"{CHAT} [role=log]").bounding_box()
    assert box["y"] >= log["y"] - 1 and box["y"] < log["y"] + log["height"], "the result's first line is in view"
    words = len(first.inner_text().split())
    assert words <= 80 + 1 and RESULT[lang][1] in first.inner_text(), (words, first.inner_text())
    assert axe_violations(tab) == [], f"the result, {size}, {lang}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / f"{size}-result-{lang}.png"))
    context.close()
