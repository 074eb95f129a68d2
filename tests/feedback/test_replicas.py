"""Two `portico serve` replicas on one PostgreSQL database (docs/postgres.md), reached directly or through Debian's
nginx: posts spread over both, one replica SIGKILLed mid-load; every 201 is stored exactly once, a body accepted by
one replica is refused by the other, console sessions and webhook deliveries hold across them."""
import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest

from databases import BACKEND, database_for
from nginx_proxy import Nginx
from portico_client import Server, assert_each_stored_once, load_until_killed, post, submission

pytestmark = pytest.mark.skipif(BACKEND != "postgres", reason="replicas share a PostgreSQL database (PORTICO_TEST_DB=postgres)")

TOTAL = 1200
WORKERS = 32
KILL_AFTER = 400


def replica(db, tmp_path, name):
    server = Server(db, keys=None if name == "a" else str(tmp_path / "server-keys"))
    server.stderr_path = str(tmp_path / f"replica-{name}.stderr")
    return server


@pytest.mark.parametrize("through", ["direct", "nginx"])
def test_replicas_store_every_201_once_and_share_the_replay_guard(tmp_path, through):
    if through == "nginx" and not shutil.which("nginx") and not os.path.exists("/usr/sbin/nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx)")
    db = str(tmp_path / "feedback.sqlite")
    database_for(db)
    requests = [submission(viewer="alice" if i % 2 else "bob", fields={"message": f"submission {i}"}) for i in range(TOTAL)]
    a = replica(db, tmp_path, "a").start()
    b = replica(db, tmp_path, "b").start()
    proxy = Nginx(tmp_path, [a, b]).__enter__() if through == "nginx" else None
    try:
        # One body, two replicas at once: exactly one stores it.
        body, headers = submission(fields={"message": "twice"})
        with ThreadPoolExecutor(max_workers=2) as pool:
            statuses = sorted(pool.map(lambda server: post(server.base_url, body, headers)[0], [a, b]))
        assert statuses == [201, 409], statuses

        url_for = (lambda index: proxy.base_url) if proxy else (lambda index: (a if index % 2 else b).base_url)
        acknowledged, unanswered = load_until_killed(requests, url_for, KILL_AFTER, a.kill, workers=WORKERS)
        assert a.process.poll() is not None, "replica a was not killed"
        if not proxy:
            # (nginx sends what replica a refused to connect to on to replica b, so there may be nothing to retry.)
            assert unanswered, "the kill came after the last request; nothing was interrupted"

        # What was acknowledged before the kill (by replica a among others) is refused as a replay by replica b.
        replayed = sorted(acknowledged)[:40]
        assert replayed, "nothing was acknowledged before the kill"
        for index in replayed:
            assert post(b.base_url, *requests[index])[0] == 409
        # The rest, retried on the survivor: stored now, or recognised as stored before the kill.
        for index in sorted(unanswered):
            status, payload, _ = post(b.base_url, *requests[index])
            assert status in (201, 409), (status, payload)
            if status == 201:
                acknowledged[index] = payload["id"]
    finally:
        if proxy:
            proxy.__exit__()
        a.stop()
        b.stop()

    assert_each_stored_once(db, acknowledged, TOTAL + 1)


def test_a_console_session_made_on_one_replica_holds_on_the_other(tmp_path):
    from console_client import Visitor, staff_link
    db = str(tmp_path / "feedback.sqlite")
    database_for(db)
    with replica(db, tmp_path, "a") as a, replica(db, tmp_path, "b") as b:
        on_a = Visitor(a)
        assert on_a.sign_in(staff_link("ada"))[0] == 303
        on_b = Visitor(b)
        on_b.cookie = on_a.cookie
        status, text, _, _ = on_b.get("/console")
        assert status == 200 and "Acme Corp" in text
        # Signing out on one replica ends the session on both.
        assert on_b.post("/console/sign-out", {})[0] == 303
        on_a_again = Visitor(a)
        on_a_again.cookie = on_a.cookie
        assert on_a_again.get("/console")[0] == 401


def test_each_notification_is_delivered_once_by_one_of_the_replicas(tmp_path):
    import os
    import sys
    import time
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
    import webhook_receiver
    from databases import query
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    receiver = webhook_receiver.Receiver(secret)
    db = str(tmp_path / "feedback.sqlite")
    database_for(db)
    env = {"PORTICO_WEBHOOK_URL": receiver.url, "PORTICO_WEBHOOK_SECRET": secret}
    try:
        a, b = replica(db, tmp_path, "a"), replica(db, tmp_path, "b")
        a.env.update(env)
        b.env.update(env)
        with a, b:
            for i in range(40):
                assert post((a if i % 2 else b).base_url, *submission(fields={"message": f"n{i}"}))[0] == 201
            for _ in range(600):   # bounded wait for both outboxes (each polls every second)
                if query(db, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == [(0,)]:
                    break
                time.sleep(0.1)
            assert query(db, "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") == [(0,)]
        ids = [headers["webhook-id"] for _, _, headers in receiver.deliveries]
        assert all(verified for verified, _, _ in receiver.deliveries)
        assert len(ids) == 40 and len(set(ids)) == 40, sorted(ids)
    finally:
        receiver.close()
