"""Every word of the server-rendered pages (the counsellor view, the withdrawal form, the doctors' page) in Bokmål
and English, in one place, and how a request's language is chosen.

The words of the coded values (categories, themes, what a doctor hopes for) are not here: they come from the content
files (bot/core/content/no.yml, no_nb.yml), as the doctor was told them. Templates read `t.<key>`; a key missing in
one language stops the start (`check_catalogue`), a misspelt one fails loudly (StrictUndefined in bot/web/render.py).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.core.content import long_date
from bot.core.language import ENGLISH, LANGUAGES, NORWEGIAN
from bot.storage.records import as_utc

DEFAULT = ENGLISH  # for a browser that asks for neither language
LANGUAGE_NAMES = {NORWEGIAN: "Norsk", ENGLISH: "English"}  # each in its own language: the switch's words
_NORWEGIAN_TAGS = ("nb", "no", "nn")

CATALOGUE: dict[str, dict[str, object]] = {
    ENGLISH: {
        # every page
        "site": "Peer support intakes",
        "nav_label": "Counsellor view",
        "nav_lookup": "Look up a code",
        "nav_trends": "Trends",
        "nav_audit": "Audit log",
        "nav_live": "Live chats",
        "live_title": "Live chats",
        "duty_on": "You are on duty: doctors can be offered a live chat with you.",
        "duty_off": "You are not on duty: no doctor is offered a chat with you.",
        "duty_go_on": "Go on duty",
        "duty_go_off": "Go off duty",
        "live_queue": "Waiting",
        "live_queue_empty": "Nobody is waiting.",
        "live_crisis": "Crisis",
        "live_waited": "waited {minutes} min",
        "live_take": "Take",
        "live_open": "Open",
        "live_new_chat": "New chat",
        "live_mine": "Your chats",
        "live_mine_empty": "You have no open chats.",
        "live_taken": "Another counsellor has taken this chat.",
        "live_taken_text": "Someone else took it first. The queue shows who is still waiting.",
        "live_gone": "This chat is gone",
        "live_gone_text": "It has ended and been deleted, or the link is wrong.",
        "live_not_yours": "Not your chat",
        "live_not_yours_text": "Only the counsellor who took a chat can open it.",
        "live_chat_title": "Chat {code}",
        "live_waiting_consent": "Waiting for the doctor's consent: nothing is shown until they say yes.",
        "live_no_themes": "The doctor chose not to share the themes.",
        "live_history": "The doctor's conversation with the assistant before the chat",
        "live_consent_history_no": "The doctor chose not to share the conversation before the chat.",
        "live_messages": "Chat",
        "live_message_label": "Your message",
        "live_message_bad": "Write a message of at most 2000 characters.",
        "live_send": "Send",
        "live_end": "End the chat",
        "live_note_label": "Closing note to the doctor",
        "live_note_template": (
            "Thank you for talking with me. If things get heavier, Mental Helse 116 123 answers day and night, "
            "and in acute danger call 113. You can also contact a peer-support colleague (støttekollega)."
        ),
        "live_ended": "This chat has ended.",
        "live_alert_crisis": "Crisis alert: the doctor's message may be about suicidal thoughts or self-harm.",
        "live_doctor": "Doctor",
        "live_assistant": "Assistant",
        "live_typing": "The doctor is writing…",
        "signed_in_as": "Signed in as {name}",
        "sign_out": "Sign out",
        "language_nav": "Language",
        "example_code": "e.g. 7KQX4MTA",
        # signing in, and refusals
        "sign_in_title": "Counsellor sign-in",
        "username": "User name",
        "password": "Password",
        "sign_in": "Sign in",
        "accounts_note": "Accounts are made by the service's administrator.",
        "sign_in_expired": "The form had expired. Please try again.",
        "sign_in_locked": "Too many sign-in attempts. Please try again in {minutes} minutes.",
        "sign_in_wrong": "Wrong user name or password.",
        "please_sign_in": "Please sign in",
        "form_expired": "Form expired",
        "form_expired_text": "Please go back, reload and try again.",
        "not_allowed": "Not allowed",
        "admin_only": "Only an admin account can see this page.",
        # the dashboard
        "dashboard_title": "Intakes",
        "code_label": "Code the doctor gave you",
        "look_up": "Look up",
        "waiting_heading": "Handoff requests waiting ({count})",
        "waiting_caption": "Handoff requests waiting",
        "col_code": "Code",
        "col_asked": "Asked",
        "col_crisis": "Crisis",
        "col_pattern": "Pattern",
        "col_taken": "Taken?",
        "crisis": "Crisis",
        "no": "No",
        "mark_taken": "Mark taken",
        "mark_code_taken": "Mark {code} taken",
        "none_waiting": "No handoff requests are waiting.",
        "already_taken": "That request was already taken or has expired.",
        "not_a_code": "That is not a code from this service: 8 letters and digits.",
        "no_such_code": "No intake or request has the code {code}. It may have been withdrawn, or it has expired.",
        "not_reached": "not reached",
        # a handoff request
        "handoff_title": "Handoff request {code}",
        "asked_person": "Asked to talk to a person.",
        "asked_person_crisis": "Asked to talk to a person after a crisis disclosure.",
        "asked_at": "Asked {when}.",
        "taken_by": "Taken by {name}.",
        "waiting_to_be_taken": "Waiting to be taken.",
        "h_pattern": "Pattern",
        "h_topics": "Topics covered",
        "none_yet": "None yet",
        "h_ready": "Be ready for",
        # an intake summary
        "intake_title": "Intake {code}",
        "crisis_flag_yes": "Crisis flag: the doctor disclosed thoughts of suicide or self-harm.",
        "crisis_flag_no": "Crisis flag: no (no thoughts of suicide or self-harm disclosed).",
        "shared_deleted": (
            "Shared {shared}; deleted {deleted}. Coded answers only: the doctor's own words are never kept."
        ),
        "h_why": "Why (as the doctor was told)",
        "no_single_reason": "no single reason stood out",
        "h_hoping": "Hoping for",
        "not_said": "not said",
        "h_themes": "Themes",
        "nothing_particular": "nothing in particular",
        "h_addressed": "The advice already addressed",
        "nothing_extra": "nothing extra",
        "look_up_another": "Look up another code",
        # trends
        "trends_title": "Trends",
        "trends_intro": (
            "Intake summaries shared per week, for the last {weeks} complete weeks (the week of the date shown). "
            "A count under {k} is hidden, shown as “<{k}”, and so are counts that would let a hidden one be worked "
            "out. The current week appears when it is over."
        ),
        "download_csv": "Download these counts as CSV",
        "chart_intakes": "Intakes",
        "chart_intakes_row": "Intake summaries shared",
        "chart_title": "{title}: intakes per week; hidden where fewer than {k}",
        "measures": {
            "help_category": "Help-seeking pattern",
            "warning_signs": "Warning signs",
            "sick_leave": "Sick leave",
            "expectation": "Hoping for",
        },
        # the audit log
        "audit_title": "Audit log",
        "audit_intro": "The latest 500 entries, newest first.",
        "col_when": "When",
        "col_who": "Who",
        "col_what": "What",
        "col_target": "Code or id",
        "col_outcome": "Outcome",
        "actions": {
            "sign_in": "Sign-in",
            "sign_out": "Sign-out",
            "lookup": "Looked up a code",
            "take_handoff": "Took a handoff request",
            "view_trends": "Viewed the trends",
            "export_trends": "Downloaded the trends",
            "view_audit": "Read the audit log",
        },
        "outcomes": {
            "ok": "done",
            "refused": "refused",
            "rate_limited": "too many attempts",
            "gone": "already taken or expired",
            "not_a_code": "not a code",
            "intake": "intake summary found",
            "handoff": "handoff request found",
            "not_found": "not found",
        },
        # the withdrawal form (doctors)
        "withdraw_title": "Withdraw an intake summary",
        "withdraw_intro": (
            "If you shared an intake summary with the peer-support service, you can take it back here at any time. "
            "Enter the code you were given. It is deleted at once, with its place in the weekly counts."
        ),
        "your_code": "Your code",
        "withdraw_button": "Withdraw my summary",
        "back_to_chat": "Back to the self-assessment",
        "withdraw_limited": "Too many codes tried. Please wait a quarter of an hour and try again.",
        "withdraw_not_a_code": "That does not look like a code from this service: 8 letters and digits.",
        "withdraw_unknown": "No summary has the code {code}. It may have been withdrawn already, or it has expired.",
        "withdraw_done": "Done: the summary {code} is deleted.",
        # the doctors' page
        "page_title": "Support for doctors: a confidential self-assessment",
        "page_withdraw": "Withdraw an intake summary you shared",
    },
    NORWEGIAN: {
        "site": "Kollegastøtte for leger",
        "nav_label": "Sider for rådgivere",
        "nav_lookup": "Slå opp en kode",
        "nav_trends": "Utvikling over tid",
        "nav_audit": "Tilgangslogg",
        "nav_live": "Chat med leger",
        "live_title": "Chat med leger",
        "duty_on": "Du er på vakt: leger kan få tilbud om å chatte med deg.",
        "duty_off": "Du er ikke på vakt: ingen lege får tilbud om å chatte med deg.",
        "duty_go_on": "Gå på vakt",
        "duty_go_off": "Gå av vakt",
        "live_queue": "Venter",
        "live_queue_empty": "Ingen venter.",
        "live_crisis": "Krise",
        "live_waited": "har ventet i {minutes} min",
        "live_take": "Ta imot",
        "live_open": "Åpne",
        "live_new_chat": "Ny chat",
        "live_mine": "Dine chatter",
        "live_mine_empty": "Du har ingen åpne chatter.",
        "live_taken": "En annen rådgiver har tatt denne chatten.",
        "live_taken_text": "Noen andre var først. Køen viser hvem som fortsatt venter.",
        "live_gone": "Denne chatten finnes ikke lenger",
        "live_gone_text": "Den er avsluttet og slettet, eller lenken er feil.",
        "live_not_yours": "Ikke din chat",
        "live_not_yours_text": "Bare rådgiveren som tok imot chatten, kan åpne den.",
        "live_chat_title": "Chat {code}",
        "live_waiting_consent": "Venter på legens samtykke. Ingenting vises før legen sier ja.",
        "live_no_themes": "Legen valgte å ikke dele temaene.",
        "live_history": "Legens samtale med assistenten før chatten",
        "live_consent_history_no": "Legen valgte å ikke dele samtalen fra før chatten.",
        "live_messages": "Chat",
        "live_message_label": "Din melding",
        "live_message_bad": "Skriv en melding på høyst 2000 tegn.",
        "live_send": "Send",
        "live_end": "Avslutt chatten",
        "live_note_label": "Avslutningshilsen til legen",
        "live_note_template": (
            "Takk for at du snakket med meg. Blir det tyngre, svarer Hjelpetelefonen 116 123 hele døgnet, "
            "og er du i akutt fare, ringer du 113. Du kan også ta kontakt med en støttekollega."
        ),
        "live_ended": "Denne chatten er avsluttet.",
        "live_alert_crisis": "Krisevarsel: legens melding kan handle om selvmordstanker eller selvskading.",
        "live_doctor": "Lege",
        "live_assistant": "Assistenten",
        "live_typing": "Legen skriver …",
        "signed_in_as": "Logget inn som {name}",
        "sign_out": "Logg ut",
        "language_nav": "Språk",
        "example_code": "for eksempel 7KQX4MTA",
        "sign_in_title": "Innlogging for rådgivere",
        "username": "Brukernavn",
        "password": "Passord",
        "sign_in": "Logg inn",
        "accounts_note": "Administratoren av tjenesten oppretter kontoene.",
        "sign_in_expired": "Skjemaet er utløpt. Prøv igjen.",
        "sign_in_locked": "For mange forsøk på å logge inn. Prøv igjen om {minutes} minutter.",
        "sign_in_wrong": "Feil brukernavn eller passord.",
        "please_sign_in": "Du må logge inn",
        "form_expired": "Skjemaet er utløpt",
        "form_expired_text": "Gå tilbake, last inn siden på nytt og prøv igjen.",
        "not_allowed": "Ingen tilgang",
        "admin_only": "Denne siden er bare for administratorer.",
        "dashboard_title": "Sammendrag og forespørsler",
        "code_label": "Koden du fikk fra legen",
        "look_up": "Slå opp",
        "waiting_heading": "Forespørsler om samtale som venter ({count})",
        "waiting_caption": "Forespørsler om samtale som venter",
        "col_code": "Kode",
        "col_asked": "Sendt",
        "col_crisis": "Krise",
        "col_pattern": "Mønster",
        "col_taken": "Hvem tar den?",
        "crisis": "Krise",
        "no": "Nei",
        "mark_taken": "Jeg tar den",
        "mark_code_taken": "Jeg tar forespørsel {code}",
        "none_waiting": "Ingen forespørsler venter.",
        "already_taken": "Forespørselen er allerede tatt, eller fristen er ute.",
        "not_a_code": "Dette er ikke en kode fra tjenesten. En kode har 8 tegn (bokstaver og tall).",
        "no_such_code": (
            "Fant ikke noe sammendrag eller noen forespørsel med koden {code}. Legen kan ha trukket det tilbake, "
            "eller fristen kan være ute."
        ),
        "not_reached": "ikke kommet så langt",
        "handoff_title": "Forespørsel om samtale {code}",
        "asked_person": "Ba om å få snakke med et menneske.",
        "asked_person_crisis": (
            "Ba om å få snakke med et menneske etter å ha fortalt om selvmordstanker eller selvskading."
        ),
        "asked_at": "Sendt {when}.",
        "taken_by": "{name} har tatt den.",
        "waiting_to_be_taken": "Ingen har tatt den ennå.",
        "h_pattern": "Mønster",
        "h_topics": "Temaer så langt",
        "none_yet": "Ingen ennå",
        "h_ready": "Vær forberedt på",
        "intake_title": "Sammendrag {code}",
        "crisis_flag_yes": "Krisemarkering: Legen har fortalt om tanker om selvmord eller selvskading.",
        "crisis_flag_no": "Krisemarkering: nei. Legen har ikke fortalt om tanker om selvmord eller selvskading.",
        "shared_deleted": "Delt {shared}. Slettes {deleted}. Bare kodede svar er lagret, aldri legens egne ord.",
        "h_why": "Hvorfor (slik legen fikk det forklart)",
        "no_single_reason": "ingen enkelt grunn skilte seg ut",
        "h_hoping": "Håper på",
        "not_said": "ikke oppgitt",
        "h_themes": "Temaer",
        "nothing_particular": "ikke noe spesielt",
        "h_addressed": "Allerede tatt opp i rådene",
        "nothing_extra": "ikke noe mer",
        "look_up_another": "Slå opp en annen kode",
        "trends_title": "Utvikling over tid",
        "trends_intro": (
            "Antall delte sammendrag per uke, de siste {weeks} hele ukene. Tall under {k} er skjult og vises som "
            "«<{k}». Det gjelder også tall som kan brukes til å regne ut et skjult tall. Denne uken kommer med når "
            "den er over."
        ),
        "download_csv": "Last ned tallene som CSV-fil",
        "chart_intakes": "Sammendrag",
        "chart_intakes_row": "Delte sammendrag",
        "chart_title": "{title}: sammendrag per uke, skjult der det er færre enn {k}",
        "measures": {
            "help_category": "Mønster for hjelpesøking",
            "warning_signs": "Faresignaler",
            "sick_leave": "Sykmelding",
            "expectation": "Håper på",
        },
        "audit_title": "Tilgangslogg",
        "audit_intro": "De siste 500 oppføringene, nyeste først.",
        "col_when": "Når",
        "col_who": "Hvem",
        "col_what": "Hva",
        "col_target": "Kode eller id",
        "col_outcome": "Resultat",
        "actions": {
            "sign_in": "Innlogging",
            "sign_out": "Utlogging",
            "lookup": "Slo opp en kode",
            "take_handoff": "Tok en forespørsel om samtale",
            "view_trends": "Så på utviklingen over tid",
            "export_trends": "Lastet ned tallene",
            "view_audit": "Leste tilgangsloggen",
        },
        "outcomes": {
            "ok": "utført",
            "refused": "avvist",
            "rate_limited": "for mange forsøk",
            "gone": "allerede tatt eller slettet",
            "not_a_code": "ikke en kode",
            "intake": "fant et sammendrag",
            "handoff": "fant en forespørsel",
            "not_found": "ikke funnet",
        },
        "withdraw_title": "Trekk tilbake et sammendrag",
        "withdraw_intro": (
            "Har du delt et sammendrag med kollegastøtten, kan du trekke det tilbake her når som helst. Skriv inn "
            "koden du fikk. Sammendraget slettes med en gang og telles ikke lenger med i ukestallene."
        ),
        "your_code": "Koden din",
        "withdraw_button": "Trekk tilbake sammendraget",
        "back_to_chat": "Tilbake til egenvurderingen",
        "withdraw_limited": "Du har prøvd for mange koder. Vent et kvarter og prøv igjen.",
        "withdraw_not_a_code": "Dette ser ikke ut som en kode fra tjenesten. En kode har 8 tegn (bokstaver og tall).",
        "withdraw_unknown": (
            "Fant ikke noe sammendrag med koden {code}. Det kan allerede være trukket tilbake, eller slettet fordi "
            "fristen er ute."
        ),
        "withdraw_done": "Ferdig: Sammendraget {code} er slettet.",
        "page_title": "Støtte for leger: en fortrolig egenvurdering",
        "page_withdraw": "Trekk tilbake et sammendrag du har delt",
    },
}


def check_catalogue(catalogue: dict = CATALOGUE) -> None:
    """Both languages have the same keys, nested ones too, and no empty text: else the server does not start."""

    def keys(node: dict, prefix: str = "") -> set[str]:
        found = set()
        for key, value in node.items():
            if isinstance(value, dict):
                found |= keys(value, f"{prefix}{key}.")
            elif not isinstance(value, str) or not value.strip():
                raise ValueError(f"i18n: {prefix}{key} is empty or not text")
            else:
                found.add(prefix + key)
        return found

    first, *others = (keys(catalogue[language]) for language in LANGUAGES)
    for language, other in zip(LANGUAGES[1:], others, strict=True):
        if other != first:
            raise ValueError(f"i18n: {language} differs from {LANGUAGES[0]} in {sorted(first ^ other)}")


check_catalogue()


def texts(language: str) -> dict:
    return CATALOGUE[language if language in CATALOGUE else DEFAULT]


def valid(value: object) -> str | None:
    """ "nb" or "en" when a request names one of them exactly; anything else is ignored."""
    return value if isinstance(value, str) and value in LANGUAGES else None


def from_accept_language(header: str | None) -> str:
    """The browser's preferred of the two: nb, no and nn mean Bokmål; English, or neither, means English."""
    best, best_q = DEFAULT, 0.0
    for position, part in enumerate((header or "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        language = NORWEGIAN if primary in _NORWEGIAN_TAGS else ENGLISH if primary == ENGLISH else None
        if language is None:
            continue
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        q -= position * 1e-6  # equal weights: the first listed wins
        if q > best_q:
            best, best_q = language, q
    return best


def choose(asked: object, remembered: object, accept_language: str | None) -> str:
    """What the request asks for (?lang=), else what was remembered (a counsellor's cookie), else the browser's."""
    return valid(asked) or valid(remembered) or from_accept_language(accept_language)


def other(language: str) -> str:
    return ENGLISH if language == NORWEGIAN else NORWEGIAN


def moment(value: datetime, language: str) -> str:
    """A time as a counsellor reads it: «2. mars 2026 kl. 09.30 UTC», "02 Mar 2026 09:30 UTC"."""
    utc = as_utc(value)
    if language == NORWEGIAN:
        return f"{long_date(utc.date(), language)} kl. {utc:%H.%M} UTC"
    return utc.strftime("%d %b %Y %H:%M UTC")


def week_heading(week: date, language: str) -> str:
    """A week's column in the trends: "02 Mar"; in Norwegian the week number, as Norwegians count weeks."""
    if language == NORWEGIAN:
        return f"uke {week.isocalendar()[1]}"
    return week.strftime("%d %b")
