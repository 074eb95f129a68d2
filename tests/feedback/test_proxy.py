"""`--trusted-proxy` with real sockets: the per-address limit counts the client a trusted proxy names,
is charged only by requests that fail, and ignores a forwarding header from anyone else."""
from portico_client import Server, post, submission

JUNK_BODY, JUNK_HEADERS = submission()
JUNK_HEADERS = {**JUNK_HEADERS, "X-Portico-Proof": "A" * 43}   # well-formed, wrong


def test_junk_from_one_client_never_locks_out_a_reader_behind_the_same_proxy(tmp_path):
    limits = ("--viewer-limit", "1000000", "--ip-limit", "60")
    with Server(str(tmp_path / "feedback.sqlite"), limits=limits, extra=("--trusted-proxy", "127.0.0.1")) as server:
        statuses = [post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="1.2.3.4, 198.51.100.7")[0]
                    for _ in range(300)]
        assert statuses[:60] == [401] * 60 and set(statuses[60:]) == {429}
        # another reader behind the same proxy, and a valid post from the junk's own address
        assert post(server.base_url, *submission(), forwarded_for="203.0.113.5")[0] == 201
        assert post(server.base_url, *submission(viewer="bob"), forwarded_for="198.51.100.7")[0] == 201
        assert post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="203.0.113.5")[0] == 401, \
            "the other client's bucket is its own"
        # the client wrote the left hop itself; only the proxy's (rightmost) counts
        assert post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for="203.0.113.5, 198.51.100.7")[0] == 429


def test_a_forwarding_header_from_an_untrusted_peer_is_ignored(tmp_path):
    limits = ("--viewer-limit", "1000000", "--ip-limit", "60")
    # loopback is not in the trusted range, so every request counts against 127.0.0.1 whatever it claims
    with Server(str(tmp_path / "feedback.sqlite"), limits=limits, extra=("--trusted-proxy", "10.0.0.0/8")) as server:
        statuses = [post(server.base_url, JUNK_BODY, JUNK_HEADERS, forwarded_for=f"198.51.100.{n}")[0] for n in range(61)]
        assert statuses[:60] == [401] * 60 and statuses[60] == 429
        assert post(server.base_url, *submission())[0] == 201, "a verified proof is never charged"


def test_rejects_a_bad_proxy_range(tmp_path):
    import subprocess
    from portico_client import FIXTURE, PORTICO_BIN, SERVE_ENV
    result = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--trusted-proxy", "10.0.0.0/33"],
                            env=SERVE_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "10.0.0.0/33" in result.stderr
