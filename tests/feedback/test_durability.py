"""Durable before acknowledged: SIGKILL the server mid-load; every 201 is stored exactly once after restart."""
import json
import threading
from concurrent.futures import ThreadPoolExecutor

from portico_client import Server, post, run_portico, submission

TOTAL = 3000
WORKERS = 32
KILL_AFTER = 1000  # answered requests before the kill


def test_every_acknowledged_submission_survives_sigkill(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    requests = [submission(viewer="alice" if i % 2 else "bob", fields={"message": f"submission {i}"}) for i in range(TOTAL)]
    acknowledged = {}  # index -> id
    unanswered = []
    lock = threading.Lock()
    answered = threading.Semaphore(0)

    server = Server(db).start()

    def send(index):
        body, headers = requests[index]
        try:
            status, payload, _ = post(server.base_url, body, headers, timeout=30)
        except OSError:  # connection refused or reset: the server is gone; no answer, no promise
            with lock:
                unanswered.append(index)
            return
        finally:
            answered.release()
        with lock:
            if status == 201:
                acknowledged[index] = payload["id"]
            else:
                unanswered.append(index)

    def killer():
        for _ in range(KILL_AFTER):
            answered.acquire()
        server.kill()

    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(send, range(TOTAL)))
    kill_thread.join()

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

    rows = json.loads(run_portico("feedback", "export", "--format", "json", "--db", db).stdout)
    by_message = {}
    for row in rows:
        by_message.setdefault(row["fields"]["message"], []).append(row["id"])
    for index, id_ in acknowledged.items():
        assert by_message.get(f"submission {index}") == [id_], f"submission {index} (id {id_}) is missing or duplicated"
    assert len(rows) == TOTAL
    assert all(len(ids) == 1 for ids in by_message.values())
