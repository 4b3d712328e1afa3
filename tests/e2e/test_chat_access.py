"""The chat as a new user meets it on a 360 px phone and on a desktop, with the keyboard and a screen reader's view
of it: reading order, tap to call, the crisis reply, focus, reload and delete, semantics (issue 15)."""

import json
import re

import pytest

from tests.e2e.test_web import CHAT, SHOTS, axe_violations, wait_for_bot

playwright = pytest.importorskip("playwright.sync_api")

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
CRISIS = {"en": "I know which tablets I'd take", "nb": "jeg vet hvilke tabletter jeg ville tatt"}
WELCOME = {"en": "Shall we start", "nb": "velkommen"}
START = {"en": "Yes, let's start", "nb": "Ja, la oss begynne"}
FIRST_QUESTION = {"en": "your work situation", "nb": "Først om jobben"}

# The focused element in the widget's shadow root, described; and the colour behind an element (the first ancestor
# with a background, across the shadow boundary).
ACTIVE = """() => { const a = document.querySelector('doctor-support-chat').shadowRoot.activeElement;
  return a ? {tag: a.tagName, text: a.textContent, inChoices: !!a.closest('.choices'), value: a.value ?? null}
           : null; }"""
RING = """(el) => {
  const opaque = (c) => c && c !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(c);
  const behind = (node) => { for (let n = node; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const bg = getComputedStyle(n).backgroundColor; if (opaque(bg)) return bg; } return 'rgb(255, 255, 255)'; };
  const s = getComputedStyle(el);
  return {outline: s.outlineColor, style: s.outlineStyle, width: parseFloat(s.outlineWidth),
          around: behind(el.parentElement || el.getRootNode().host), own: behind(el)}; }"""


def luminance(css: str) -> float:
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def top_is_visible(tab, locator) -> bool:
    """The element's first line is inside the transcript's visible part and inside the window."""
    box = locator.bounding_box()
    log = tab.locator(f"{CHAT} [role=log]").bounding_box()
    height = tab.viewport_size["height"]
    return log["y"] - 1 <= box["y"] <= min(log["y"] + log["height"], height) - 20


def chrome_height(tab) -> float:
    """What is around the transcript: header, banner, input (and the page's footer), not the transcript or choices."""
    return tab.evaluate(
        """() => { const root = document.querySelector('doctor-support-chat').shadowRoot;
        const h = (el) => el ? el.getBoundingClientRect().height : 0;
        return h(root.querySelector('header')) + h(root.querySelector('.banner')) + h(root.querySelector('form'))
             + h(root.querySelector('.typing')) + h(root.querySelector('.progress'))
             + h(document.querySelector('footer')); }"""
    )


@SIZES
@pytest.mark.parametrize("lang", ["en", "nb"])
def test_a_new_message_is_shown_from_its_first_line_and_the_crisis_reply_stands_out(tab_for, servers, size, lang):
    tab = tab_for(size, lang)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, WELCOME[lang])
    assert top_is_visible(tab, tab.locator(f"{CHAT} .msg.bot").first), "the welcome from its first line"
    if size == PHONE:
        assert chrome_height(tab) <= PHONE["height"] / 3, chrome_height(tab)
    banner_113 = tab.locator(f"{CHAT} .banner a[href='tel:113']")
    assert banner_113.is_visible() and banner_113.inner_text() == "113"
    banner_113.click(trial=True)  # visible, enabled, not covered: a tap would call

    tab.get_by_label("Your message" if lang == "en" else "Din melding").fill(CRISIS[lang])
    tab.keyboard.press("Enter")
    crisis = tab.locator(f"{CHAT} .msg.crisis")
    crisis.wait_for()
    assert top_is_visible(tab, crisis), "the crisis reply from its heading"
    assert crisis.get_by_role("heading").inner_text() == ("Help now" if lang == "en" else "Få hjelp nå")
    assert tab.locator(f"{CHAT} [role=alert]").count() == 1 and crisis.get_attribute("role") == "alert"
    assert tab.locator(f"{CHAT} .msg.bot:not(.crisis)[role=alert]").count() == 0
    calls = crisis.locator("a[href^='tel:']")
    assert [calls.nth(i).get_attribute("href") for i in range(calls.count())][:4] == [
        "tel:113",
        "tel:116117",
        "tel:116123",
        "tel:22400040",
    ]
    for i in range(calls.count()):
        box = calls.nth(i).bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, box
        assert calls.nth(i).evaluate("a => getComputedStyle(a).whiteSpace") == "nowrap"
    crisis.locator("a[href='tel:113']").click(trial=True)
    if size == PHONE:
        assert crisis.locator("a[href='tel:113']").bounding_box()["y"] < PHONE["height"], "113 on the first screen"
    chat = crisis.locator("a[href='https://sidetmedord.no']")
    assert chat.get_attribute("target") == "_blank" and set(chat.get_attribute("rel").split()) >= {
        "noopener",
        "noreferrer",
    }
    # The handoff offer comes after the numbers, as the choices below the transcript.
    assert tab.locator(f"{CHAT} .choices button").count() == 2
    assert axe_violations(tab) == [], "with the crisis reply"
    if size == PHONE and lang == "en":
        SHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(SHOTS / "phone-crisis.png"))
    assert tab.errors == []


def test_the_relay_marks_the_real_crisis_reply(servers):
    from tests.e2e.test_web_api import conversation_id, request

    body = {"sender": conversation_id(), "message": "I want to kill myself"}
    status, _, reply = request(servers, "/api/message", "POST", body, {"Content-Type": "application/json"})
    data = json.loads(reply)
    assert status == 200 and data["progress"] is None
    kinds = [m.get("kind") for m in data["messages"]]
    assert kinds.count("crisis") == 1, data
    crisis = data["messages"][kinds.index("crisis")]
    assert {"text": "113", "href": "tel:113"} in crisis["links"] and crisis["buttons"]


def press_choice(tab, choice, next_question):
    """A choice answered with the keyboard only: focused, Enter, and the next question has come."""
    tab.locator(f"{CHAT} .choices button", has_text=choice).focus()
    tab.keyboard.press("Enter")
    wait_for_bot(tab, next_question)


@SIZES
def test_keyboard_answers_keep_focus_on_the_question_and_never_take_it_from_a_doctor_typing(tab_for, servers, size):
    tab = tab_for(size)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, "Shall we start")
    press_choice(tab, "Yes, let's start", "your work situation")
    tab.wait_for_function(f"() => document.querySelector('{CHAT}').shadowRoot.activeElement?.closest('.choices')")
    active = tab.evaluate(ACTIVE)
    assert active["inChoices"] and active["text"] == "Working", active
    assert top_is_visible(tab, tab.locator(f"{CHAT} .msg.bot", has_text="your work situation").last)

    # A reply that comes while the doctor is typing leaves the focus and the words in the text box.
    held = []
    tab.route("**/api/message", lambda route: held.append(route))
    tab.keyboard.press("Enter")  # "Working"
    while not held:
        tab.wait_for_timeout(50)
    box = tab.get_by_label("Your message")
    box.focus()
    tab.keyboard.type("70 hour")
    held[0].fulfill(response=held[0].fetch())
    wait_for_bot(tab, "How is your workload")
    active = tab.evaluate(ACTIVE)
    assert active["tag"] == "TEXTAREA" and active["value"] == "70 hour", active
    tab.unroute("**/api/message")

    # An answer with a button to a question that has none afterwards: the text box, not the page's body.
    press_choice(tab, "Heavy", "How have you been sleeping")
    press_choice(tab, "Poorly", "warning signs")
    tab.wait_for_function(f"() => document.querySelector('{CHAT}').shadowRoot.activeElement")
    active = tab.evaluate(ACTIVE)
    has_choices = tab.locator(f"{CHAT} .choices button").count() > 0
    assert active["inChoices"] if has_choices else active["tag"] == "TEXTAREA", active
    assert tab.evaluate("() => document.activeElement.tagName") == "DOCTOR-SUPPORT-CHAT"


@SIZES
def test_the_focus_ring_stands_out_on_every_background(tab_for, servers, size):
    tab = tab_for(size)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, "Shall we start")
    tab.keyboard.press("Tab")  # keyboard use: :focus-visible from now on
    places = {
        "a choice below the transcript": tab.locator(f"{CHAT} .choices button").first,
        "a number in the banner": tab.locator(f"{CHAT} .banner a").first,
        "the text box": tab.get_by_label("Your message"),
        "the header's delete": tab.get_by_role("button", name="Delete my conversation"),
        "the red exit button": tab.get_by_role("button", name="Quick exit"),
    }
    tab.get_by_label("Your message").fill(CRISIS["en"])
    tab.keyboard.press("Enter")
    tab.locator(f"{CHAT} .msg.crisis").wait_for()
    places["a number in the crisis reply"] = tab.locator(f"{CHAT} .msg.crisis a").first
    for where, element in places.items():
        element.focus()
        ring = element.evaluate(RING)
        assert ring["style"] != "none" and ring["width"] >= 2, (where, ring)
        assert contrast(ring["outline"], ring["around"]) >= 3, (where, ring)
        if where == "the red exit button":
            assert contrast(ring["outline"], ring["own"]) >= 3, (where, ring)


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_the_progress_of_the_self_assessment_is_shown_and_changes(tab_for, servers, lang):
    """The form sends {"progress": {"question": n, "of": m}} before each question (actions/custom_forms.py); the relay
    passes it on; the widget shows "Question n of m" and a bar, and hides them when a reply carries none."""
    tab = tab_for(DESKTOP, lang)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, WELCOME[lang])
    progress = tab.locator(f"{CHAT} .progress[role=status]")
    assert progress.inner_text() == ""
    tab.locator(f"{CHAT} .choices button", has_text=START[lang]).click()
    wait_for_bot(tab, FIRST_QUESTION[lang])
    assert progress.inner_text() == ("Question 1 of 10" if lang == "en" else "Spørsmål 1 av 10")
    bar = progress.locator("progress")
    assert bar.get_attribute("aria-labelledby") and bar.evaluate("p => [p.value, p.max]") == [1, 10]
    tab.locator(f"{CHAT} .choices button").first.click()
    progress.get_by_text(re.compile("2 (of|av) 10")).wait_for()
    assert bar.evaluate("p => p.value") == 2
    assert axe_violations(tab) == [], "with the progress shown"
    SHOTS.mkdir(parents=True, exist_ok=True)
    if lang == "en":
        tab.set_viewport_size(DESKTOP)
        tab.screenshot(path=str(SHOTS / "desktop-question.png"))
    tab.get_by_role("textbox").fill("stop" if lang == "en" else "stopp")  # a reply without progress: hidden
    tab.keyboard.press("Enter")
    tab.wait_for_function(f"() => !document.querySelector('{CHAT}').shadowRoot.querySelector('.progress progress')")
    assert progress.inner_text() == ""


def open_widget(tab, servers):
    tab.goto(servers.web_url + "/example-host.html")
    tab.get_by_role("button", name=re.compile("Talk about how you are doing")).click()
    wait_for_bot(tab, "Shall we start")


@SIZES
def test_the_widget_closes_with_escape_keeps_its_question_over_a_reload_and_does_not_open_by_itself(
    tab_for, servers, size
):
    tab = tab_for(size)
    open_widget(tab, servers)
    launcher = tab.locator(f"{CHAT} .launcher")
    assert launcher.is_hidden(), "the launcher is hidden while the panel is open"
    panel = tab.locator(f"{CHAT} section.panel")
    box = panel.bounding_box()
    assert box["height"] >= min(size["height"] - 40, 44 * 16) - 1, box
    if size == PHONE:
        assert chrome_height(tab) <= PHONE["height"] / 3
    tab.locator(f"{CHAT} .choices button", has_text="Yes, let's start").click()
    wait_for_bot(tab, "your work situation")
    tab.get_by_label("Your message").focus()
    tab.keyboard.press("Escape")
    assert panel.is_hidden() and launcher.is_visible()
    assert tab.evaluate(ACTIVE)["text"].startswith("Talk about how you are doing")

    tab.reload()
    launcher.wait_for()
    assert panel.is_hidden(), "a reload does not open the panel"
    launcher.click()
    assert tab.locator(f"{CHAT} .choices button", has_text="Working").is_visible()
    assert tab.evaluate(ACTIVE)["text"] == "Working", "opened at the open question's first choice"
    tab.locator(f"{CHAT} .choices button", has_text="Working").click()
    wait_for_bot(tab, "How is your workload")
    assert tab.errors == []


def test_the_page_keeps_the_open_question_and_its_choices_over_a_reload(tab_for, servers):
    tab = tab_for(PHONE)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, "Shall we start")
    tab.locator(f"{CHAT} .choices button", has_text="Yes, let's start").click()
    wait_for_bot(tab, "your work situation")
    tab.reload()
    tab.locator(f"{CHAT} .choices button", has_text="Working").wait_for()
    assert top_is_visible(tab, tab.locator(f"{CHAT} .msg.bot", has_text="your work situation").last)
    tab.locator(f"{CHAT} .choices button", has_text="Working").click()
    wait_for_bot(tab, "How is your workload")


@pytest.mark.parametrize("lang", ["en", "nb"])
def test_delete_asks_once_cancel_keeps_and_delete_offers_a_fresh_start(tab_for, servers, lang):
    tab = tab_for(PHONE, lang)
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, WELCOME[lang])
    tab.locator(f"{CHAT} .choices button", has_text=START[lang]).click()
    wait_for_bot(tab, FIRST_QUESTION[lang])
    first_id = json.loads(tab.evaluate("() => Object.values(sessionStorage)[0]"))["id"]
    delete = tab.get_by_role("button", name="Delete my conversation" if lang == "en" else "Slett samtalen min")
    delete.click()
    confirm = tab.locator(f"{CHAT} .confirm")
    assert confirm.is_visible() and axe_violations(tab) == []
    confirm.get_by_role("button", name="Cancel" if lang == "en" else "Avbryt").click()
    assert confirm.is_hidden() and tab.locator(f"{CHAT} .msg.me").count() == 1
    assert servers.stored_events(first_id) > 0

    delete.click()
    confirm.get_by_role("button", name="Delete" if lang == "en" else "Slett", exact=True).click()
    tab.locator(f"{CHAT} .msg.note", has_text="deleted" if lang == "en" else "slettet").wait_for()
    assert servers.stored_events(first_id) == 0 and tab.locator(f"{CHAT} .msg.me").count() == 0
    again = tab.locator(f"{CHAT} .choices button", has_text="Start again" if lang == "en" else "Start på nytt")
    assert tab.evaluate(ACTIVE)["text"] == again.inner_text()
    again.click()
    wait_for_bot(tab, WELCOME[lang])
    assert json.loads(tab.evaluate("() => Object.values(sessionStorage)[0]"))["id"] != first_id


@pytest.mark.parametrize("where", ["page", "widget"])
def test_the_text_box_has_a_visible_label_and_the_choices_are_a_named_group_outside_the_log(tab_for, servers, where):
    tab = tab_for(PHONE)
    if where == "page":
        tab.goto(servers.web_url + "/")
        wait_for_bot(tab, "Shall we start")
    else:
        open_widget(tab, servers)
    label = tab.locator(f"{CHAT} form label", has_text="Your message")
    assert label.is_visible() and label.bounding_box()["height"] >= 10
    group = tab.get_by_role("group", name="Answer choices")
    assert group.locator("button").count() >= 1
    assert group.evaluate("g => g.closest('[role=log]') === null")
    assert tab.locator(f"{CHAT} [role=log] button").count() == 0
    assert tab.locator(f"{CHAT} [role=log] .msg.bot").first.get_attribute("lang") == "en"
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert axe_violations(tab) == []
