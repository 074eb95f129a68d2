"""Schemathesis hooks (loaded through SCHEMATHESIS_HOOKS) that make generated submissions signable.

Bodies are serialized here, compactly, so the proof can be computed over the exact bytes sent.
Positive cases get a real account, page, viewer, a current timestamp and a fresh nonce, so valid
data really is accepted (201); a case whose headers are the negative part keeps them as generated."""
import json
import time

import schemathesis

from portico_client import account_path, nonce, proof

ACCOUNT = account_path("acme")


def serialize(value):
    if isinstance(value, (bytes, bytearray)):  # a generated raw (non-JSON) body goes out as it is
        return bytes(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode()


@schemathesis.serializer("application/json")
def compact_json(ctx, value):
    return serialize(value)


def is_negative(case, location):
    meta = case.meta
    if meta is None:
        return False
    for where, component in meta.components.items():
        if getattr(where, "value", str(where)).lower().startswith(location) and component.mode.is_negative:
            return True
    return False


def reading_body():
    """A valid engagement body (docs/engagement.md): the batch as a string, and its proof."""
    now = int(time.time())
    batch = json.dumps({"account": ACCOUNT, "viewer": "alice", "timestamp": now, "nonce": nonce(),
                        "events": [{"page": "insights/cloud-costs/index.html", "kind": "view", "started_at": now - 60,
                                    "active_seconds": 30, "scroll_percent": 50}]}, separators=(",", ":"))
    return {"proof": proof("acme", "alice", batch.encode()), "batch": batch}


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.method.upper() != "POST" or not isinstance(case.body, dict):
        return
    if case.operation.path == "/v1/engagement":
        # text/plain holding JSON: sent as JSON text; positive cases get a real signed batch, so they are accepted
        body = case.body if is_negative(case, "body") else reading_body()
        case.body = json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        return
    if not is_negative(case, "body"):
        case.body.update(account=ACCOUNT, viewer="alice", page="insights/cloud-costs/index.html",
                         timestamp=int(time.time()), nonce=nonce())
    if is_negative(case, "header"):
        return
    headers = dict(case.headers or {})
    headers["X-Portico-Proof"] = proof("acme", "alice", serialize(case.body))
    case.headers = headers
