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


@schemathesis.hook
def before_call(context, case, kwargs):
    if case.operation.method.upper() != "POST" or not isinstance(case.body, dict):
        return
    if not is_negative(case, "body"):
        case.body.update(account=ACCOUNT, viewer="alice", page="insights/cloud-costs/index.html",
                         timestamp=int(time.time()), nonce=nonce())
    if is_negative(case, "header"):
        return
    headers = dict(case.headers or {})
    headers["X-Portico-Proof"] = proof("acme", "alice", serialize(case.body))
    case.headers = headers
