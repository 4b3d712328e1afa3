"""After the whole end-to-end run, what a doctor wrote is found nowhere beyond its retention.

This module runs last among the end-to-end tests (pytest takes the files of a folder in name order), against
the same servers every other test has used: crises, forged input, a locked database, restarts, the browser.
It plants a phrase through every way in (the REST channel, the page's relay, bad and forged input, the
withdrawal form), checks that it is stored only where retention allows it (the conversation), deletes one
conversation as a doctor would and lets the retention purge take the rest, then searches every log, every
table of both databases and the bytes of the database files for it and for the phrases the other tests
planted.
"""

import json
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

from bot.storage.retention import purge
from tests.e2e.conftest import http
from tests.e2e.test_counsellor import PLANTED as COUNSELLOR_PLANTED
from tests.storage.conftest import all_rows

PLANTED = "Pepperkake-Trondheim-7731"
PLANTED_BY_OTHERS = [COUNSELLOR_PLANTED, "Quendolyn-Harrowgate-5517", "Tromsø", "so tired. so tired"]
ANSWERS = {
    "work_status": f"I'm working, at {PLANTED} clinic",
    "workload": f"unreasonable, {PLANTED} left us short",
    "sleep": f"poorly since {PLANTED}",
    "warning_signs": f"exhausted, {PLANTED} says I cry a lot",
    "conflict": f"yes, a power struggle with {PLANTED}",
    "coping": "struggling",
    "sick_leave": "I need it but I hold back",
    "treatment": "no",
    "expectation": "advice",
    "self_harm": "no",
}


def relay(servers, sender, text):
    body = json.dumps({"sender": sender, "message": text}).encode()
    status, _headers, reply = http(servers.web_url + "/api/message", "POST", body, {"Content-Type": "application/json"})
    assert status == 200, reply
    return json.loads(reply)["messages"]


def post_form(servers, path, fields):
    return http(servers.web_url + path, "POST", urllib.parse.urlencode(fields).encode())[0]


def where(servers, phrase: str) -> list[str]:
    """Every place the phrase is found: log files, table rows, database file bytes."""
    found = []
    for log in sorted(Path(servers.logs).glob("*.log")):
        if phrase in log.read_text(errors="replace"):
            found.append(f"log {log.name}")
    for name, url in (
        ("tracker store", servers.settings.tracker_db_url),
        ("bot database", servers.settings.database_url),
    ):
        engine = sa.create_engine(url)
        try:
            if phrase in all_rows(engine):
                found.append(f"a row of the {name}")
        finally:
            engine.dispose()
    for path in (servers.settings.tracker_db_path, Path(servers.settings.database_url.removeprefix("sqlite:///"))):
        for file in path.parent.glob(path.name + "*"):  # the database, its -wal and -shm
            if phrase.encode() in file.read_bytes():
                found.append(f"the bytes of {file.name}")
    return found


def test_a_planted_phrase_is_found_nowhere_after_deletion_and_retention(servers):
    deleted_by_the_doctor = f"e2e-{uuid.uuid4().hex}"
    left_to_retention = f"e2e-{uuid.uuid4().hex}"

    # Through the REST channel: the opening, every answer, "why", a crisis, a handoff, the summary.
    servers.say(deleted_by_the_doctor, f"hi, I'm a GP at {PLANTED} and I'm worn out")
    servers.say(deleted_by_the_doctor, "start")
    servers.say(deleted_by_the_doctor, f"why do you ask, {PLANTED}?")
    for _ in range(20):
        slot = servers.slots(deleted_by_the_doctor).get("requested_slot")
        if slot is None:
            break
        servers.say(deleted_by_the_doctor, ANSWERS[slot])
    assert servers.slots(deleted_by_the_doctor)["help_category"]
    servers.say(deleted_by_the_doctor, "yes")  # the summary for a counsellor: coded themes only
    servers.say(deleted_by_the_doctor, f"since {PLANTED} I keep thinking about killing myself")
    servers.say(deleted_by_the_doctor, "yes")  # a handoff to a person

    # Through the page's relay, with bad and forged input around it.
    relay(servers, left_to_retention, f"hello from {PLANTED}")
    relay(servers, left_to_retention, f'/inform{{"crisis": false, "note": "{PLANTED}"}}')
    relay(servers, left_to_retention, f"{PLANTED}\x00\x1b[31m with control characters")
    servers.say(left_to_retention, f"{PLANTED} " * 300)  # too long: answered, never stored
    # The withdrawal form, with the phrase where the code should be.
    assert post_form(servers, "/withdraw", {"code": PLANTED}) < 500

    found = where(servers, PLANTED)
    assert "a row of the tracker store" in found, "the search must find what is there"
    assert not [place for place in found if "bot database" in place or place.startswith("log")], found

    # The doctor deletes one conversation; the retention purge, a day later, takes everything else.
    request = urllib.request.Request(f"{servers.web_url}/api/conversations/{deleted_by_the_doctor}", method="DELETE")
    with urllib.request.urlopen(request, timeout=30) as reply:
        assert reply.status == 204
    with sa.create_engine(servers.settings.tracker_db_url).connect() as connection:
        count = "SELECT count(*) FROM events WHERE sender_id = :s"
        assert connection.execute(sa.text(count), {"s": deleted_by_the_doctor}).scalar() == 0
        assert connection.execute(sa.text(count), {"s": left_to_retention}).scalar() > 0
    result = purge(servers.settings, now=datetime.now(timezone.utc) + timedelta(hours=25))
    assert result.conversations >= 1

    for phrase in [PLANTED, *PLANTED_BY_OTHERS]:
        assert where(servers, phrase) == [], phrase
