"""Webhook deliveries are signed per Standard Webhooks: a receiver verifies them with PyPI's
`standardwebhooks` (the reference library, not Portico's code)."""
import json
import os
import subprocess
import sys
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tools"))
import webhook_receiver  # noqa: E402

from portico_client import FIXTURE, PORTICO_BIN, SERVE_ENV, Server, post, submission

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def Receiver():
    return webhook_receiver.Receiver(SECRET)


def test_deliveries_verify_with_the_standard_webhooks_library(tmp_path):
    receiver = Receiver()
    try:
        env = {"PORTICO_WEBHOOK_URL": receiver.url, "PORTICO_WEBHOOK_SECRET": SECRET}
        with Server(str(tmp_path / "feedback.sqlite"), env=env) as server:
            status, receipt, _ = post(server.base_url, *submission(fields={"message": "Signed, please"}))
            assert status == 201
            for _ in range(300):   # bounded wait for the outbox (polls every second)
                if receiver.deliveries:
                    break
                time.sleep(0.1)
        assert receiver.deliveries, "nothing was delivered"
        verified, body, headers = receiver.deliveries[0]
        assert verified, headers
        assert json.loads(body)["id"] == receipt["id"] and json.loads(body)["fields"]["message"] == "Signed, please"
        assert headers["webhook-id"] and headers["webhook-signature"].startswith("v1,")
        # the library's check is real: another secret or another body does not verify
        with pytest.raises(WebhookVerificationError):
            Webhook("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo=").verify(body, headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(SECRET).verify(body.replace(b"Signed", b"Forged"), headers)
    finally:
        receiver.close()


def test_a_webhook_without_a_secret_is_refused(tmp_path):
    env = {**SERVE_ENV, "PORTICO_WEBHOOK_URL": "http://127.0.0.1:9/hook"}
    result = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--port", "0", "--db", str(tmp_path / "x.sqlite")],
                            env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "PORTICO_WEBHOOK_SECRET" in result.stderr, result.stderr
    bad = subprocess.run([PORTICO_BIN, "serve", "--content", FIXTURE, "--port", "0", "--db", str(tmp_path / "x.sqlite")],
                         env={**env, "PORTICO_WEBHOOK_SECRET": "not-a-secret"}, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "whsec_" in bad.stderr, bad.stderr
