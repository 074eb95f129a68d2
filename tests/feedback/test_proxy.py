"""`--trusted-proxy` with real sockets: the per-address limit counts the client a trusted proxy names,
is charged only by requests that fail, and ignores a forwarding header from anyone else."""
import time

from portico_client import Server, post, submission

JUNK_BODY, JUNK_HEADERS = submission()
JUNK_HEADERS = {**JUNK_HEADERS, "X-Portico-Proof": "A" * 43}   # well-formed, wrong


def timed(send, count):
    """`count` statuses, and the seconds they took: the bucket refills one request per second meanwhile (60 a
    minute), so a slow machine legitimately sees a few more 401s, never more than one per second elapsed."""
    start = time.monotonic()
    statuses = [send(n) for n in range(count)]
    return statuses, time.monotonic() - start


def assert_limited(statuses, elapsed):
    assert statuses[:60] == [401] * 60, statuses[:60]
    assert set(statuses[60:]) <= {401, 429}
    assert statuses[60:].count(401) <= int(elapsed) + 1, (statuses[60:].count(401), elapsed)


def test_junk_from_one_client_never_locks_out_a_reader_behind_the_same_proxy(tmp_path):
    limits = ("--viewer-limit", "1000000", "--ip-limit", "60")
    with Server(str(tmp_path / "feedback.sqlite"), limits=limits, extra=("--trusted-proxy", "127.0.0.1")) as server:
        statuses, elapsed = timed(lambda _: post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="1.2.3.4, 198.51.100.7")[0], 300)
        assert_limited(statuses, elapsed)
        assert statuses[60:].count(429) >= 240 - int(elapsed) - 1
        # another reader behind the same proxy, and a valid post from the junk's own address
        assert post(server.base_url, *submission(), forwarded_for="203.0.113.5")[0] == 201
        assert post(server.base_url, *submission(viewer="bob"), forwarded_for="198.51.100.7")[0] == 201
        assert post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="203.0.113.5")[0] == 401, \
            "the other client's bucket is its own"
        # the client wrote the left hop itself; only the proxy's (rightmost) counts
        # (a refill since the flood may let one through: a few tries find the bucket empty)
        assert 429 in [post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="203.0.113.5, 198.51.100.7")[0] for _ in range(3)]


def test_a_forwarding_header_from_an_untrusted_peer_is_ignored(tmp_path):
    limits = ("--viewer-limit", "1000000", "--ip-limit", "60")
    # loopback is not in the trusted range, so every request counts against 127.0.0.1 whatever it claims
    with Server(str(tmp_path / "feedback.sqlite"), limits=limits, extra=("--trusted-proxy", "10.0.0.0/8")) as server:
        statuses, elapsed = timed(lambda n: post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for=f"198.51.100.{n}")[0], 61 + 30)
        assert_limited(statuses, elapsed)
        assert 429 in statuses[60:]
        assert post(server.base_url, *submission())[0] == 201, "a verified proof is never charged"


def test_rejects_a_bad_proxy_range(tmp_path):
    import subprocess
    from portico_client import FIXTURE, PORTICO_BIN, SERVE_ENV
    result = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--trusted-proxy", "10.0.0.0/33"],
                            env=SERVE_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "10.0.0.0/33" in result.stderr
