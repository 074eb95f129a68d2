"""Pipelined HTTP/1.1 through the real server: many keep-alive connections, each sending its requests in one write
(submissions the event loop answers, replays, wrong proofs, /healthz that Hummingbird answers, a chunked body that it
takes), must get every answer in the order sent, and every 201 stored exactly once with the id it was answered with."""
import json
import socket
from concurrent.futures import ThreadPoolExecutor

import pytest

from portico_client import Server, assert_each_stored_once, submission

CONNECTIONS = 12
ROUNDS = 6   # per connection; each round is five requests


def request(body, headers, chunked=False):
    head = "POST /v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    if chunked:
        return (head + "Transfer-Encoding: chunked\r\n\r\n").encode() + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n"
    return (head + f"Content-Length: {len(body)}\r\n\r\n").encode() + body


HEALTH = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_answers(sock, count):
    """`count` answers, each (status, body), read off the socket in order."""
    buffered, answers = b"", []
    while len(answers) < count:
        while b"\r\n\r\n" not in buffered:
            chunk = sock.recv(65536)
            assert chunk, f"closed after {len(answers)} of {count} answers"
            buffered += chunk
        head, buffered = buffered.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        fields = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(fields.get("content-length", "0"))
        while len(buffered) < length:
            chunk = sock.recv(65536)
            assert chunk, "closed mid-answer"
            buffered += chunk
        answers.append((int(lines[0].split(" ")[1]), buffered[:length]))
        buffered = buffered[length:]
    return answers


@pytest.mark.parametrize("paths", [(), ("--no-event-loop-ingest",)], ids=["event-loop", "routes-only"])
def test_pipelined_requests_are_answered_in_order_and_each_201_is_stored_once(tmp_path, paths):
    with Server(str(tmp_path / "feedback.sqlite"), extra=paths) as server:
        def connection(number):
            sent, expected, messages = b"", [], []
            for round_ in range(ROUNDS):
                index = number * ROUNDS + round_
                body, headers = submission(fields={"rating": 4, "message": f"submission {index}", "workshop": False})
                wrong, wrong_headers = submission(fields={"rating": 1, "message": "never stored", "workshop": False})
                wrong_headers["X-Portico-Proof"] = "A" * 43
                chunked, chunked_headers = submission(fields={"rating": 5, "message": f"submission chunked {index}", "workshop": False})
                sent += request(body, headers) + HEALTH + request(body, headers) + request(wrong, wrong_headers)
                sent += request(chunked, chunked_headers, chunked=True)
                expected += [201, 200, 409, 401, 201]
                messages += [f"submission {index}", None, None, None, f"submission chunked {index}"]
            with socket.create_connection((server.host, server.port), timeout=60) as sock:
                sock.sendall(sent)
                answers = read_answers(sock, len(expected))
            assert [status for status, _ in answers] == expected, f"connection {number}"
            return {message: json.loads(body)["id"] for (status, body), message in zip(answers, messages) if status == 201}

        with ThreadPoolExecutor(CONNECTIONS) as pool:
            acknowledged = {}
            for ids in pool.map(connection, range(CONNECTIONS)):
                acknowledged.update(ids)
        assert len(acknowledged) == 2 * CONNECTIONS * ROUNDS
        assert len(set(acknowledged.values())) == len(acknowledged), "two answers with one id"
        by_index = {message.removeprefix("submission "): id_ for message, id_ in acknowledged.items()}
        assert_each_stored_once(server.db, by_index, total=len(acknowledged))
