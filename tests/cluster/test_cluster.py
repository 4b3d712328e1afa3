"""Several Rasa replicas behind one address keep every conversation whole (issue 5): turns on alternating
replicas, two messages at once on two replicas, a replica stopped mid-conversation, state shared by web servers.
"""

import json
import secrets
import threading
import urllib.request

from bench.bench import Doctor, question_matchers
from bot.core.values import FORM_SLOTS
from bot.ops.launch import wait_until_ready
from bot.storage.counsellors import Counsellors
from bot.storage.records import Storage
from tests.web.test_counsellor import PASSWORD, Browser

CONTRACT_SLOTS = (*FORM_SLOTS, "help_category", "crisis")

RESULT = "A good first step"


def sender() -> str:
    return "cluster-" + secrets.token_hex(8)


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_turns_alternating_between_replicas_reach_the_result_one_replica_reaches(cluster, personas):
    matchers = question_matchers()
    one, two = cluster.replica_url(0), cluster.replica_url(1)
    for persona in personas[:3]:
        alone = Doctor(one, persona, matchers)
        alternating = Doctor([one, two], persona, matchers)
        assert alone.run() and alternating.run(), persona["id"]
        assert alone.errors == alternating.errors == 0
        assert len(alternating.latencies) == len(alone.latencies) > 6
        slots_alone = cluster.tracker(alone.sender)["slots"]
        slots_alternating = cluster.tracker(alternating.sender)["slots"]
        assert slots_alternating["help_category"] is not None
        for slot in CONTRACT_SLOTS:
            assert slots_alternating[slot] == slots_alone[slot], (persona["id"], slot)
        assert user_texts(cluster.tracker(alternating.sender)) == user_texts(cluster.tracker(alone.sender))


def test_two_messages_at_once_on_two_replicas_are_both_kept_in_order(cluster):
    """Two skips sent at the same moment, one to each replica: the Redis lock store makes the second wait for
    the first, so the form moves on two questions. Without it both would skip the same question."""
    for _ in range(3):
        doctor = sender()
        cluster.say(cluster.replica_url(0), doctor, "hello")
        first_question = cluster.say(cluster.replica_url(1), doctor, "start the self-assessment")
        assert first_question
        assert cluster.tracker(doctor)["slots"]["requested_slot"] == "work_status"
        replies: dict[int, list] = {}
        barrier = threading.Barrier(2)

        def send(index: int, doctor: str = doctor, replies: dict = replies, barrier=barrier) -> None:
            barrier.wait()
            replies[index] = cluster.say(cluster.replica_url(index), doctor, "skip this one")

        threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert replies[0] and replies[1], "both messages answered"
        assert replies[0] != replies[1], "the second was answered knowing the first"
        tracker = cluster.tracker(doctor)
        assert tracker["slots"]["skipped_topics"] == ["work_status", "workload"]
        assert tracker["slots"]["requested_slot"] == "sleep"
        events = [e["event"] for e in tracker["events"]]
        users = [i for i, e in enumerate(events) if e == "user"]
        assert len(users) == 4
        last_two = users[-2:]
        assert "action" in events[last_two[0] : last_two[1]], "the first was answered before the second was read"


def test_state_is_in_the_database_so_a_second_web_server_carries_on(cluster):
    """A conversation relayed by one web server continues through another; nothing is in a web server's memory."""
    with cluster.another_web_server("web-2") as port:
        doctor = sender() + "-web"

        def relay(web_port: int, text: str) -> list:
            body = json.dumps({"sender": doctor, "message": text}).encode()
            request = urllib.request.Request(
                f"http://127.0.0.1:{web_port}/api/message", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["messages"]

        relay(cluster.settings.web_port, "hello")
        relay(port, "start the self-assessment")
        relay(cluster.settings.web_port, "I work full time in a hospital")
        tracker = cluster.tracker(doctor)
        assert tracker["slots"]["work_status"] is not None
        assert tracker["slots"]["requested_slot"] == "workload"

        # A counsellor signed in through one web server is signed in on the other (sessions in the database).
        storage = Storage(cluster.settings.database_url)
        try:
            Counsellors(storage, cluster.settings.secret_key).add("kari", PASSWORD)
        finally:
            storage.engine.dispose()
        first = Browser(f"http://127.0.0.1:{cluster.settings.web_port}")
        status, _, _ = first.sign_in()
        assert status == 303
        second_browser = Browser(f"http://127.0.0.1:{port}")
        second_browser.cookies = dict(first.cookies)
        status, _, body = second_browser.go("/counsellor")
        assert status == 200 and "Look up a code" in body
        status, _, _ = Browser(f"http://127.0.0.1:{port}").go("/counsellor")
        assert status == 303, "without the cookie: the sign-in page"


def test_a_replica_stopped_mid_conversation_loses_nothing(cluster, personas):
    """Through the balancer: half the assessment, then one replica is stopped; the other carries on to the result.
    (Last in this file: the replica stays stopped.)"""
    matchers = question_matchers()
    persona = personas[3]
    doctor = Doctor(cluster.balancer_url, persona, matchers)
    doctor.say(persona.get("opening") or "Hi")
    replies = doctor.say("Yes, I'd like to start the self-assessment")
    for _ in range(3):
        replies = doctor.say(persona["answers"].get(doctor.asked(replies), "I'm not sure"))
    cluster.stop_process("rasa-1")
    assert not wait_until_ready(cluster.replica_url(0) + "/", 1)
    for _ in range(20):
        slot = doctor.asked(replies)
        if slot is None:
            break
        replies = doctor.say(persona["answers"].get(slot, "I'm not sure"))
    assert doctor.errors == 0, "no turn failed while the replica went away"
    assert any(RESULT in (r.get("text") or "") for r in replies), "the result was reached"
    tracker = cluster.tracker(doctor.sender)
    assert tracker["slots"]["help_category"] is not None
    assert len(user_texts(tracker)) == len(doctor.latencies), "every turn is in the tracker store"
