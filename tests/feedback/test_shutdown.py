"""SIGTERM: the server stops accepting, finishes the request in flight, and exits 0."""
import signal
import socket
import time

from portico_client import Server, submission


def test_sigterm_finishes_the_request_in_flight_and_exits_0(tmp_path):
    server = Server(str(tmp_path / "feedback.sqlite")).start()
    try:
        body, headers = submission()
        head = "POST /v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: %d\r\n" % len(body)
        head += "".join("%s: %s\r\n" % item for item in headers.items()) + "\r\n"
        slow = socket.create_connection((server.host, server.port), timeout=30)
        slow.sendall(head.encode() + body[:20])   # the request has begun; its body is still coming
        time.sleep(1)                             # ordering only: let the server read the head
        server.signal(signal.SIGTERM)
        refused = False
        for _ in range(100):                      # bounded: the listener closes soon after the signal
            try:
                socket.create_connection((server.host, server.port), timeout=2).close()
            except ConnectionRefusedError:
                refused = True
                break
            time.sleep(0.1)
        assert refused, "still accepting connections after SIGTERM"
        assert server.process.poll() is None, "exited with a request in flight"
        slow.sendall(body[20:])
        answer = b""
        while True:
            chunk = slow.recv(4096)
            if not chunk:
                break
            answer += chunk
        slow.close()
        assert answer.startswith(b"HTTP/1.1 201"), answer[:200]
        assert server.process.wait(timeout=30) == 0
        assert "internal error" not in server.stderr() and "CancellationError" not in server.stderr(), server.stderr()
    finally:
        server.stop()
