"""Helpers for the feedback tests: the gate-format derivations (docs/design/gate-format.md, the same as
tests/tools/make_gate_vectors.py), signed submissions, and a `portico serve` process."""
import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import signal
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
import urllib.error
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from databases import database_for, mapped

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURE = os.path.join(ROOT, "tests", "feedback", "fixture", "content")
PORTICO_BIN = os.environ.get("PORTICO_BIN", os.path.join(ROOT, ".build", "debug", "portico"))
SECRET_HEX = "404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
SECRET = bytes.fromhex(SECRET_HEX)
TODAY = "2025-06-01"
ENV = {**os.environ, "PORTICO_SECRET": SECRET_HEX, "PORTICO_TODAY": TODAY}
# `portico serve` never gets the secret: it works from the key file the build wrote.
SERVE_ENV = {k: v for k, v in ENV.items() if k not in ("PORTICO_SECRET", "PORTICO_WEBHOOK_SECRET", "PORTICO_WEBHOOK_URL")}


def hkdf(ikm, info, length):
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=b"portico/v1", info=info.encode()).derive(ikm)


def b64u(data):
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def account_path(slug, readable=False):
    return slug if readable else hkdf(SECRET, "path\0" + slug, 10).hex()


def key_check(slug, generation=1, today=TODAY, content=FIXTURE):
    """The key check of the account's content key on `today` (it salts the feedback key, format v2)."""
    import yaml
    with open(os.path.join(content, "accounts", slug, "account.yml"), encoding="utf-8") as f:
        viewers = yaml.safe_load(f).get("viewers") or []
    active = sorted(str(v["id"]) for v in viewers
                    if not v.get("revoked") and (not v.get("expires") or str(v["expires"]) >= today))
    content = hkdf(hkdf(SECRET, "account\0" + slug, 32), f"content\0{generation}\0" + "\n".join(active), 32)
    return b64u(hkdf(content, "check", 12))


def feedback_key(slug, viewer, generation=1, content=FIXTURE):
    """The key gate.js signs with on the pages built from `content` (it follows the content key)."""
    token = hkdf(hkdf(SECRET, "account\0" + slug, 32), f"token\0{viewer}\0{generation}", 16)
    return hkdf(token, "feedback\0" + key_check(slug, generation, content=content), 32)


def proof(slug, viewer, body, content=FIXTURE):
    return b64u(hmac.new(feedback_key(slug, viewer, content=content), body, hashlib.sha256).digest())


def nonce():
    return b64u(secrets.token_bytes(16))


def submission(slug="acme", viewer="alice", page="insights/cloud-costs/index.html", fields=None,
               timestamp=None, nonce_value=None, readable=False, content=FIXTURE):
    """(body bytes, headers) as gate.js sends them."""
    body = json.dumps({
        "account": account_path(slug, readable), "page": page, "viewer": viewer,
        "timestamp": int(time.time()) if timestamp is None else timestamp,
        "nonce": nonce_value or nonce(),
        "fields": fields if fields is not None else {"rating": 4, "message": "Useful", "workshop": False},
    }, separators=(",", ":"), ensure_ascii=False).encode()
    return body, {"Content-Type": "application/json", "X-Portico-Proof": proof(slug, viewer, body, content)}


def post(base_url, body, headers, timeout=30, forwarded_for=None):
    """(status, parsed JSON or None, headers); never raises for HTTP errors."""
    if forwarded_for is not None:
        headers = {**headers, "X-Forwarded-For": forwarded_for}
    request = urllib.request.Request(base_url + "/v1/feedback", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null"), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null"), dict(error.headers)


def run_portico(*args, check=True, cwd=None):
    args = [mapped(arg) for arg in args]
    result = subprocess.run([PORTICO_BIN, *args], env=ENV, cwd=cwd, capture_output=True, text=True, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"portico {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def build_spec(out_dir, content=FIXTURE, server_keys=None):
    run_portico("build", "--content", content, "--out", out_dir,
                "--server-keys", server_keys or os.path.join(os.path.dirname(out_dir), "server-keys"))
    return os.path.join(out_dir, "_portico", "feedback.openapi.yaml")


def build_keys(keys_path, content=FIXTURE):
    """What a gated build leaves the server: the key file (the site goes beside it)."""
    build_spec(keys_path + "-site", content, server_keys=keys_path)
    return keys_path


class Server:
    """`portico serve --port 0` on loopback, without the secret, from the key file of a build of `content`
    (made beside the database unless `keys` names one); the bound port is read from its first line of output."""

    def __init__(self, db, content=FIXTURE, limits=("--viewer-limit", "1000000", "--ip-limit", "1000000", "--reading-limit", "1000000"), keys=None,
                 extra=(), env=None):
        self.keys = keys or build_keys(os.path.join(os.path.dirname(db), "server-keys"), content)
        self.db = database_for(db)
        self.args = [PORTICO_BIN, "serve", "--content", content, "--host", "127.0.0.1", "--port", "0", "--db", self.db,
                     "--server-keys", self.keys, *limits, *extra]
        self.env = {**SERVE_ENV, **(env or {})}
        self.stderr_path = db + ".stderr"
        self.process = None
        self.base_url = None

    def start(self):
        with open(self.stderr_path, "w") as stderr:
            self.process = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE, stderr=stderr, text=True)
        line = self.process.stdout.readline()  # blocks until listening (or EOF if it failed)
        match = re.search(r"http://([\d.]+):(\d+)", line)
        if not match:
            self.process.kill()
            raise AssertionError(f"portico serve did not start: {line!r}\n{self.stderr()}")
        self.host, self.port = match.group(1), int(match.group(2))
        self.base_url = f"http://{self.host}:{self.port}"
        return self

    def stderr(self):
        with open(self.stderr_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def signal(self, number):
        self.process.send_signal(number)

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def load_until_killed(requests, url_for, kill_after, kill, workers=32):
    """Posts every request from `workers` threads and calls `kill` once `kill_after` have been answered.
    Returns ({index: id} of the 201s, [indexes that got no 201]): no answer is no promise."""
    acknowledged, unanswered, lock = {}, [], threading.Lock()
    answered = threading.Semaphore(0)

    def send(index):
        try:
            status, payload, _ = post(url_for(index), *requests[index], timeout=30)
        except (OSError, ValueError):  # the server is gone (through nginx: a 502 page, not JSON)
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
        for _ in range(kill_after):
            answered.acquire()
        kill()

    kill_thread = threading.Thread(target=killer)
    kill_thread.start()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(send, range(len(requests))))
    kill_thread.join()
    return acknowledged, unanswered


def assert_each_stored_once(db, acknowledged, total):
    """Every acknowledged `submission {index}` is in the store exactly once, with the id it was answered with."""
    rows = json.loads(run_portico("feedback", "export", "--format", "json", "--db", db).stdout)
    by_message = {}
    for row in rows:
        by_message.setdefault(row["fields"]["message"], []).append(row["id"])
    for index, id_ in acknowledged.items():
        assert by_message.get(f"submission {index}") == [id_], f"submission {index} (id {id_}) is missing or duplicated"
    assert len(rows) == total
    assert all(len(ids) == 1 for ids in by_message.values())
