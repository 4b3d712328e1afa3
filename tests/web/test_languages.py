"""The server-rendered pages in Bokmål and English, over HTTP against the real web server: how the language is chosen
(?lang=, a counsellor's cookie, Accept-Language), `<html lang>`, the switch, and no English left on a Norwegian page."""

import re
from datetime import date, datetime, timedelta, timezone
from html.parser import HTMLParser

import pytest

from bot.core.content import MONTHS_NB, content_from
from bot.core.summary import IntakeSummary, summarise
from bot.settings import ROOT
from bot.web import i18n
from tests.web.webclient import Browser

CONTENT_EN = content_from(str(ROOT / "bot" / "core" / "content" / "no.yml"))
SLOTS = {
    "work_status": "working",
    "workload": "unreasonable",
    "sleep": "poor",
    "warning_signs": ["exhaustion", "concentration"],
    "coping": "not_coping",
    "sick_leave": "dilemma",
    "expectation": "tools",
    "crisis": True,
}
NB = "nb-NO,nb;q=0.9,no;q=0.8,en;q=0.5"


class VisibleText(HTMLParser):
    """The words a reader meets: text outside <script> and <style>, and the words of labels and placeholders."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")
        self.parts += [
            value for name, value in attrs if name in ("aria-label", "placeholder", "alt", "title") and value
        ]

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    # The SVG's texts are visible too; the language switch's one word is English on purpose (lang="en").
    text = " ".join(" ".join(parser.parts).split())
    return text.replace(i18n.LANGUAGE_NAMES["en"], "")


def english_words() -> set[str]:
    """Every English text of the catalogue that differs from its Norwegian, cut at its {placeholders}, and the
    English content file's category names."""

    def texts(en, nb):
        for key, value in en.items():
            if isinstance(value, dict):
                yield from texts(value, nb[key])
            elif value != nb[key]:
                yield from (part.strip() for part in re.split(r"\{\w+\}", value))

    found = {part for part in texts(i18n.CATALOGUE["en"], i18n.CATALOGUE["nb"]) if len(part) >= 4}
    return found | set(CONTENT_EN.category_names.values())


def assert_norwegian(html: str) -> None:
    assert '<html lang="nb">' in html
    text = visible(html)
    left = sorted(words for words in english_words() if re.search(rf"(?<!\w){re.escape(words)}(?!\w)", text))
    assert left == [], left


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html).group(1)


# --- how a language is chosen ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "header,expected",
    [
        (None, "en"),
        ("", "en"),
        ("nb-NO,nb;q=0.9,en;q=0.5", "nb"),
        ("no", "nb"),
        ("nn-NO", "nb"),
        ("en-US,en;q=0.9", "en"),
        ("de-DE,de;q=0.9", "en"),
        ("de,nb;q=0.5", "nb"),
        ("en-US,nb;q=0.5", "en"),
        ("en;q=0.3,nb;q=0.8", "nb"),
        ("nb;q=bogus,en", "en"),
        ("*", "en"),
    ],
)
def test_accept_language(header, expected):
    assert i18n.from_accept_language(header) == expected


@pytest.mark.parametrize("asked", ["fr", "NB", "nb-NO", "", "<script>", None, ["nb"]])
def test_a_lang_that_is_not_nb_or_en_is_ignored(asked):
    assert i18n.choose(asked, None, NB) == "nb" and i18n.choose(asked, "en", NB) == "en"


def test_the_catalogue_has_every_key_in_both_languages():
    i18n.check_catalogue()
    broken = {"en": {"a": "x", "b": {"c": "y"}}, "nb": {"a": "x", "b": {}}}
    with pytest.raises(ValueError, match="b.c"):
        i18n.check_catalogue(broken)


def test_dates_in_norwegian_style():
    moment = datetime(2026, 3, 2, 9, 30, tzinfo=timezone.utc)
    assert i18n.moment(moment, "nb") == "2. mars 2026 kl. 09.30 UTC"
    assert i18n.moment(moment, "en") == "02 Mar 2026 09:30 UTC"
    assert i18n.week_heading(date(2026, 3, 2), "nb") == "uke 10"


# --- the counsellor view ----------------------------------------------------------------------------------
def test_sign_in_follows_accept_language(web):
    _, headers, body = Browser(web.url).go("/counsellor/sign-in")
    assert lang_of(body) == "en" and "User name" in body
    _, headers, body = Browser(web.url, accept_language=NB).go("/counsellor/sign-in")
    assert "Brukernavn" in body and "Logg inn" in body
    assert '<a href="/counsellor/sign-in?lang=en" lang="en" hreflang="en">English</a>' in body
    assert "Accept-Language" in headers["Vary"] and "Origin" in headers["Vary"]
    assert_norwegian(body)


def test_the_switch_stores_the_counsellors_choice_in_a_strict_cookie(web):
    browser = Browser(web.url, accept_language=NB)
    status, _, body = browser.go("/counsellor/sign-in?lang=en")
    assert status == 200 and lang_of(body) == "en"
    cookie = next(h for h in browser.set_cookie_headers if h.startswith("ds_lang="))
    assert cookie.startswith("ds_lang=en;")
    for flag in ("SameSite=Strict", "Path=/counsellor", "Max-Age="):
        assert flag.lower() in cookie.lower()
    assert lang_of(browser.go("/counsellor/sign-in")[2]) == "en", "remembered over the browser's Norwegian"
    assert browser.sign_in()[0] == 303
    _, _, body = browser.go("/counsellor")
    assert lang_of(body) == "en" and "Signed in as kari" in body
    _, _, body = browser.go("/counsellor?lang=nb")
    assert browser.cookies["ds_lang"] == "nb" and "Logget inn som kari" in body
    assert_norwegian(body)
    assert lang_of(browser.go("/counsellor")[2]) == "nb"


@pytest.mark.parametrize("asked", ["fr", "nb-NO", "%3Cscript%3E", ""])
def test_an_unknown_lang_sets_no_cookie_and_falls_back(web, asked):
    browser = Browser(web.url, accept_language=NB)
    status, _, body = browser.go(f"/counsellor/sign-in?lang={asked}")
    assert status == 200 and lang_of(body) == "nb" and "ds_lang" not in browser.cookies
    browser.cookies["ds_lang"] = asked or "xx"  # a cookie that was tampered with is ignored too
    assert lang_of(browser.go("/counsellor/sign-in")[2]) == "nb"


def test_a_refusal_is_in_the_counsellors_language(web):
    browser = Browser(web.url, accept_language=NB)
    status, _, body = browser.go("/counsellor/lookup", {"code": "7KQX4MTA"})
    assert status == 403 and "Du må logge inn" in body
    assert_norwegian(body)


def seed_a_week(web) -> None:
    week = date.today() - timedelta(days=date.today().weekday()) - timedelta(weeks=2)
    moment = datetime.combine(week, datetime.min.time(), tzinfo=timezone.utc) + timedelta(hours=9)
    for _ in range(6):
        summary = IntakeSummary(
            "fear_of_not_coping", (), {"sick_leave": "dilemma", "warning_signs": ["exhaustion"]}, (), False
        )
        web.storage.record_intake(summary, moment)


def test_every_counsellor_page_in_norwegian(web):
    intake = web.storage.record_intake(summarise(SLOTS, CONTENT_EN))
    handoff = web.storage.record_handoff({**SLOTS, "help_category": "fear_of_not_coping"}, crisis=True)
    seed_a_week(web)
    browser = Browser(web.url)
    browser.go("/counsellor/sign-in?lang=nb")
    assert browser.sign_in("ola")[0] == 303
    token = browser.csrf("/counsellor")

    _, _, body = browser.go("/counsellor")
    assert "Slå opp en kode" in body and "Forespørsler om samtale som venter" in body and handoff.code in body
    assert "Redd for ikke å mestre lenger" in body and "Jeg tar den" in body
    assert_norwegian(body)

    status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": intake.code})
    assert status == 200 and f"Sammendrag {intake.code}" in body
    for words in ("Redd for ikke å mestre lenger", "Krisemarkering", "Vær forberedt på", "Søvn: dårlig", "i tvil"):
        assert words in body, words
    expires = intake.expires_at.astimezone(timezone.utc).date()
    assert f"{expires.day}. {MONTHS_NB[expires.month - 1]} {expires.year}" in body
    assert '<a href="/counsellor?lang=en" lang="en"' in body, "after a form, the switch goes to the dashboard"
    assert_norwegian(body)

    status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": handoff.code})
    assert status == 200 and f"Forespørsel om samtale {handoff.code}" in body
    assert_norwegian(body)

    for code, words in (
        ("7KQX4MTA", "Fant ikke noe sammendrag eller noen forespørsel med koden 7KQX4MTA"),
        ("nope", "8 tegn (bokstaver og tall)"),
    ):
        status, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": code})
        assert words in body
        assert_norwegian(body)

    _, _, body = browser.go("/counsellor/trends")
    assert "Utvikling over tid" in body and "Mønster for hjelpesøking" in body and "uke " in body
    assert "Sammendrag per uke" not in body and "sammendrag per uke, skjult der det er færre enn 5" in body
    assert "utmattelse" in body and "i tvil" in body
    assert_norwegian(body)

    _, _, body = browser.go("/counsellor/audit")
    assert "Tilgangslogg" in body and "Slo opp en kode" in body and "Innlogging" in body
    assert_norwegian(body)


def test_the_english_pages_keep_their_english(web):
    intake = web.storage.record_intake(summarise(SLOTS, CONTENT_EN))
    browser = Browser(web.url)
    browser.sign_in("ola")
    token = browser.csrf("/counsellor")
    _, _, body = browser.go("/counsellor/lookup", {"csrf": token, "code": intake.code})
    assert lang_of(body) == "en" and "Afraid of not coping any longer" in body and "Redd for" not in body
    assert '<a href="/counsellor?lang=nb" lang="nb" hreflang="nb">Norsk</a>' in body
    _, _, body = browser.go("/counsellor/audit")
    assert "Looked up a code" in body and "Tilgangslogg" not in body


# --- the withdrawal form (doctors: no cookie) ------------------------------------------------------------
def test_the_withdrawal_form_in_norwegian_keeps_its_language_across_the_post(web):
    intake = web.storage.record_intake(summarise(SLOTS, CONTENT_EN))
    browser = Browser(web.url)  # no Accept-Language: ?lang= alone decides
    status, headers, body = browser.go("/withdraw?lang=nb")
    assert status == 200 and "Koden din" in body and 'action="/withdraw?lang=nb"' in body
    assert '<a href="/withdraw?lang=en" lang="en" hreflang="en">English</a>' in body
    assert "Accept-Language" in headers["Vary"]
    assert_norwegian(body)
    for code, status_expected, words in (
        ("nope", 400, "8 tegn (bokstaver og tall)"),
        ("7KQX4MTA", 404, "Fant ikke noe sammendrag med koden 7KQX4MTA"),
        (intake.code, 200, f"Ferdig: Sammendraget {intake.code} er slettet."),
    ):
        status, _, body = browser.go("/withdraw?lang=nb", {"code": code})
        assert status == status_expected and words in body
        assert_norwegian(body)
    assert not browser.cookies and not browser.set_cookie_headers


def test_the_withdrawal_form_follows_accept_language_unless_lang_says_otherwise(web):
    assert lang_of(Browser(web.url, accept_language=NB).go("/withdraw")[2]) == "nb"
    assert lang_of(Browser(web.url, accept_language=NB).go("/withdraw?lang=en")[2]) == "en"
    assert lang_of(Browser(web.url, accept_language=NB).go("/withdraw?lang=de")[2]) == "nb"
    browser = Browser(web.url, accept_language="en-GB")
    status, _, body = browser.go("/withdraw?lang=%22%3E%3Cscript%3E")
    assert status == 200 and lang_of(body) == "en" and "<script>" not in body
    status, _, body = browser.go("/withdraw", {"code": "nope"})
    assert status == 400 and "8 letters and digits" in body and not browser.set_cookie_headers


# --- the doctors' page -----------------------------------------------------------------------------------
def test_the_page_in_both_languages_and_no_cookie(web):
    browser = Browser(web.url)
    status, headers, body = browser.go("/")
    assert status == 200 and lang_of(body) == "en" and "confidential self-assessment" in body
    assert '<a href="/?lang=nb" lang="nb" hreflang="nb">Norsk</a>' in body and 'href="/withdraw?lang=en"' in body
    assert "Accept-Language" in headers["Vary"] and "Origin" in headers["Vary"]
    status, _, body = browser.go("/?lang=nb")
    assert status == 200 and "Støtte for leger" in body and 'href="/withdraw?lang=nb"' in body
    assert '<a href="/?lang=en" lang="en" hreflang="en">English</a>' in body
    assert_norwegian(body)
    assert lang_of(Browser(web.url, accept_language="nn").go("/")[2]) == "nb"
    assert lang_of(Browser(web.url, accept_language=NB).go("/?lang=en")[2]) == "en"
    assert lang_of(Browser(web.url, accept_language=NB).go("/?lang=sv")[2]) == "nb"
    assert not browser.set_cookie_headers and not browser.cookies
