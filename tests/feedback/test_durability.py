"""Durable before acknowledged: SIGKILL the server mid-load; every 201 is stored exactly once after restart."""
from portico_client import Server, assert_each_stored_once, load_until_killed, post, submission

TOTAL = 3000
WORKERS = 32
KILL_AFTER = 1000  # answered requests before the kill


def test_every_acknowledged_submission_survives_sigkill(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    requests = [submission(viewer="alice" if i % 2 else "bob", fields={"message": f"submission {i}"}) for i in range(TOTAL)]
    server = Server(db).start()
    acknowledged, unanswered = load_until_killed(requests, lambda index: server.base_url, KILL_AFTER, server.kill, workers=WORKERS)

    assert len(acknowledged) >= KILL_AFTER // 2, "the load barely ran before the kill"
    assert unanswered, "the kill came after the last request; nothing was interrupted"

    # Restart and retry every request that got no 201: each is either stored now (201) or was
    # committed before the kill and is recognised by its nonce (409). Nothing is stored twice.
    with Server(db) as restarted:
        for index in sorted(unanswered):
            body, headers = requests[index]
            status, payload, _ = post(restarted.base_url, body, headers)
            assert status in (201, 409), (status, payload)
            if status == 201:
                acknowledged[index] = payload["id"]

    assert_each_stored_once(db, acknowledged, TOTAL)
