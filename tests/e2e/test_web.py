"""The page and the widget in a real browser (Debian's chromium driven by Playwright), as doctors use them."""

import json
import re
from pathlib import Path

import pytest

playwright = pytest.importorskip("playwright.sync_api")

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "var" / "node" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = ROOT / "var" / "screenshots"
CHAT = "doctor-support-chat"


def bot_texts(tab):
    return tab.locator(f"{CHAT} .msg.bot").all_inner_texts()


def wait_for_bot(tab, pattern, timeout=15000):
    tab.locator(f"{CHAT} .msg.bot", has_text=re.compile(pattern)).last.wait_for(timeout=timeout)


def start_on_the_page(tab, servers):
    """Open the page and start the self-assessment: the first question is showing."""
    tab.goto(servers.web_url + "/")
    wait_for_bot(tab, "Shall we start")
    tab.locator(f"{CHAT} .choices button", has_text="Yes, let's start").click()
    wait_for_bot(tab, "your work situation")


def axe_violations(tab):
    # Through the DevTools protocol, so the page's strict CSP (no inline scripts) stays on.
    tab.evaluate(AXE.read_text(encoding="utf-8"))
    result = tab.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


ANSWERS = {
    "work_status": ("button", "Working"),
    "workload": ("type", "70 hour weeks covering for colleagues, way too much"),
    "sleep": ("button", "Poorly"),
    "warning_signs": ("type", "I can't concentrate and I feel sick before work"),
    "conflict": ("button", "No"),
    "coping": ("button", "Not coping"),
    "sick_leave": ("button", "I need it but hold back"),
    "treatment": ("button", "No"),
    "expectation": ("button", "Tools and a next step"),
    "self_harm": ("button", "No"),
}
QUESTIONS = {
    "work_status": "your work situation",
    "workload": "How is your workload",
    "sleep": "How have you been sleeping",
    "warning_signs": "warning signs",
    "conflict": "serious conflict",
    "coping": "How are you coping",
    "sick_leave": "Is sick leave",
    "treatment": "Have you been diagnosed",
    "expectation": "What would help you most",
    "self_harm": "One last question",
}


def answer(tab, slot):
    kind, value = ANSWERS[slot]
    if kind == "button":
        tab.locator(f"{CHAT} .choices button", has_text=value).first.click()
    else:
        tab.get_by_label("Your message").fill(value)
        tab.get_by_role("button", name="Send").click()


@pytest.mark.parametrize("where", ["host", "page"])
def test_a_full_self_assessment_in_the_widget_on_a_host_page_and_on_the_page(page, servers, where):
    if where == "host":
        page.goto(servers.web_url + "/example-host.html")
        assert axe_violations(page) == []
        page.get_by_role("button", name=re.compile("Talk about how you are doing")).click()
    else:
        page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    assert axe_violations(page) == [], "at the start"
    page.locator(f"{CHAT} .choices button", has_text="Yes, let's start").click()
    for slot in QUESTIONS:
        wait_for_bot(page, QUESTIONS[slot])
        if slot == "sleep":
            assert axe_violations(page) == [], "mid-conversation"
        answer(page, slot)
    wait_for_bot(page, "A good first step")
    texts = "\n".join(bot_texts(page))
    assert "afraid of not coping any longer" in texts and "not a diagnosis" in texts
    assert "Villa Sana" in texts and "støttekollega" in texts
    assert axe_violations(page) == [], "at the result"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{where}-result.png"))
    assert page.errors == []


def test_the_widget_on_a_small_phone(browser, servers):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    tab = context.new_page()
    tab.goto(servers.web_url + "/example-host.html")
    tab.get_by_role("button", name=re.compile("Talk about how you are doing")).click()
    wait_for_bot(tab, "Shall we start")
    assert axe_violations(tab) == []
    assert tab.evaluate("() => document.documentElement.scrollWidth") <= 360, "no sideways scrolling"
    SHOTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(SHOTS / "widget-360.png"))
    context.close()


def test_a_network_failure_keeps_what_was_typed_and_offers_to_try_again(page, servers):
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    page.route("**/api/message", lambda route: route.abort())
    page.get_by_label("Your message").fill("start")
    page.get_by_role("button", name="Send").click()
    page.locator(f"{CHAT} [role=alert]", has_text="not sent").wait_for()
    assert page.get_by_label("Your message").input_value() == "start"
    page.unroute("**/api/message")
    page.locator(f"{CHAT} button", has_text="Try again").click()
    wait_for_bot(page, "your work situation")
    assert page.get_by_label("Your message").input_value() == ""


def test_the_widget_retries_while_the_web_server_restarts_and_loses_nothing(page, servers):
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    servers.stop_process(servers.web_server)
    try:
        page.get_by_label("Your message").fill("start")
        page.get_by_role("button", name="Send").click()
        page.locator(f"{CHAT} .typing", has_text="Connecting again").wait_for(timeout=10000)
    finally:
        servers.start_web_server()
    wait_for_bot(page, "your work situation", timeout=20000)
    assert page.get_by_label("Your message").input_value() == ""
    assert page.locator(f"{CHAT} [role=alert]").count() == 0
    assert page.locator(f"{CHAT} .msg.me", has_text="start").count() == 1
    assert not page.errors


def test_a_refused_message_shows_the_servers_reason_and_keeps_the_words(page, servers):
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    page.route(
        "**/api/message",
        lambda route: route.fulfill(status=413, content_type="application/json", body='{"error": "Too long for me."}'),
    )
    page.get_by_label("Your message").fill("start")
    page.get_by_role("button", name="Send").click()
    page.locator(f"{CHAT} [role=alert]", has_text="Too long for me.").wait_for()
    assert page.get_by_label("Your message").input_value() == "start"


def test_a_crisis_message_gets_crisis_help(page, servers):
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    page.get_by_label("Your message").fill("I know which tablets I'd take")
    page.get_by_role("button", name="Send").click()
    wait_for_bot(page, "Please reach out now")
    assert "113" in bot_texts(page)[-1]
    assert page.locator(f"{CHAT} .choices button", has_text="Yes, I'd like that").count() == 1
    banner = page.locator(f"{CHAT} .banner")
    assert "113" in banner.inner_text() and banner.is_visible()


def test_typed_html_is_shown_as_text(page, servers):
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    page.get_by_label("Your message").fill("<img src=x onerror=alert(1)>")
    page.get_by_role("button", name="Send").click()
    page.locator(f"{CHAT} .msg.me", has_text="<img src=x onerror=alert(1)>").wait_for()
    assert page.locator(f"{CHAT} img").count() == 0
    assert page.errors == []


def test_a_reload_keeps_the_conversation_in_the_same_tab(page, servers):
    start_on_the_page(page, servers)
    page.reload()
    wait_for_bot(page, "your work situation")
    assert page.locator(f"{CHAT} .msg.me", has_text="Yes, let's start").count() == 1


def test_a_conversation_older_than_a_day_is_not_shown_again(page, servers):
    start_on_the_page(page, servers)
    page.evaluate(
        """() => { const key = Object.keys(sessionStorage)[0]; const s = JSON.parse(sessionStorage.getItem(key));
                   s.updated = Date.now() - 25 * 3600 * 1000; sessionStorage.setItem(key, JSON.stringify(s)); }"""
    )
    page.reload()
    wait_for_bot(page, "Shall we start")
    assert page.locator(f"{CHAT} .msg.me").count() == 0


def test_delete_my_conversation_deletes_it_on_the_server_and_in_the_browser(page, servers):
    start_on_the_page(page, servers)
    stored = json.loads(page.evaluate("() => Object.values(sessionStorage)[0]"))
    assert servers.stored_events(stored["id"]) > 0
    page.get_by_role("button", name="Delete my conversation").click()
    page.locator(f"{CHAT} .confirm").get_by_role("button", name="Delete", exact=True).click()
    page.locator(f"{CHAT} .msg.note", has_text="deleted").wait_for()
    assert servers.stored_events(stored["id"]) == 0
    assert page.evaluate("() => sessionStorage.length") == 0
    assert page.locator(f"{CHAT} .msg.me").count() == 0


def test_quick_exit_clears_the_session_and_leaves_no_way_back(page, servers):
    start_on_the_page(page, servers)
    before = json.loads(page.evaluate("() => Object.values(sessionStorage)[0]"))["id"]
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url("https://www.yr.no/**")
    page.go_back()  # the chat replaced itself in the history: "back" does not return to it
    assert not page.url.startswith(servers.web_url)
    page.goto(servers.web_url + "/")
    wait_for_bot(page, "Shall we start")
    assert page.locator(f"{CHAT} .msg.me").count() == 0
    after = json.loads(page.evaluate("() => Object.values(sessionStorage)[0]"))["id"]
    assert after != before


def test_security_headers_and_no_cookies(page, servers):
    reply = page.goto(servers.web_url + "/")
    headers = reply.headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in headers
    wait_for_bot(page, "Shall we start")
    assert page.context.cookies() == []


NB_ANSWERS = {
    "Først om jobben": ("button", "Jobber som vanlig"),
    "Hvordan er belastningen": ("type", "70 timers uker og dekker for kolleger, altfor mye"),
    "Hvordan har du sovet": ("button", "Dårlig"),
    "faresignaler": ("type", "klarer ikke konsentrere meg og kvalm før jobb"),
    "alvorlig konflikt": ("button", "Nei"),
    "Hvordan klarer du deg": ("button", "Jeg mestrer det ikke"),
    "sykmelding, eller tenkt": ("button", "Trenger det, men kvier meg"),
    "diagnose": ("button", "Nei"),
    "Hva ville hjulpet": ("button", "Verktøy og neste steg"),
    "Et siste spørsmål": ("button", "Nei"),
}


def test_the_norwegian_widget_on_a_norwegian_host_page_reaches_a_norwegian_result(page, servers):
    """data-lang="nb": the whole conversation in Norwegian, marked lang="nb" for screen readers, axe-core clean."""

    def norwegian_host(route):
        html = route.fetch().text().replace('data-lang="en"', 'data-lang="nb"')
        route.fulfill(body=html, headers={"Content-Type": "text/html; charset=utf-8"})

    page.route("**/example-host.html", norwegian_host)
    page.goto(servers.web_url + "/example-host.html")
    launcher = page.get_by_role("button", name=re.compile("Snakk om hvordan du har det"))
    assert launcher.get_attribute("lang") == "nb"
    launcher.click()
    wait_for_bot(page, "velkommen")
    assert page.locator(f"{CHAT} section.panel").get_attribute("lang") == "nb"
    page.locator(f"{CHAT} .choices button", has_text="Ja, la oss begynne").click()
    for question, (kind, value) in NB_ANSWERS.items():
        wait_for_bot(page, question)
        if kind == "button":
            page.locator(f"{CHAT} .choices button", has_text=value).first.click()
        else:
            page.get_by_label("Din melding").fill(value)
            page.get_by_role("button", name="Send").click()
    wait_for_bot(page, "Et godt første steg")
    texts = "\n".join(bot_texts(page))
    assert "Redd for ikke å mestre lenger" in texts and "ikke en diagnose" in texts
    assert "Villa Sana" in texts and "støttekollega" in texts.lower()
    assert "A good first step" not in texts and "Thank you" not in texts
    langs = page.locator(f"{CHAT} .msg.bot").evaluate_all("nodes => nodes.map(n => n.getAttribute('lang'))")
    assert "en" not in langs and langs.count("nb") >= len(langs) // 2, langs
    assert axe_violations(page) == [], "at the Norwegian result"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "host-nb-result.png"))
    assert page.errors == []
