"""The live server answers exactly as the generated contract says: schemathesis, every check, zero failures."""
import json
import os
import subprocess
import sys

from databases import query
from portico_client import ENV, Server, build_spec, run_portico

HERE = os.path.dirname(os.path.abspath(__file__))


def test_server_conforms_to_its_spec(tmp_path):
    spec = build_spec(str(tmp_path / "site"))
    db = str(tmp_path / "feedback.sqlite")
    with Server(db, keys=str(tmp_path / "server-keys")) as server:
        result = subprocess.run(
            [sys.executable, "-m", "schemathesis.cli", "run", spec, "--url", server.base_url,
             "--checks", "all", "--max-examples", "25", "--seed", "1",
             # fuzzing runs until the time budget: this is what bounds the test
             "--request-timeout", "10", "--max-time", "90", "--workers", "1",
             "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all"],
            env={**ENV, "SCHEMATHESIS_HOOKS": "schemathesis_hooks", "PYTHONPATH": HERE},
            cwd=HERE, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-8000:]
    assert "No issues found" in output, output[-4000:]
    # the hooks sign generated submissions, so valid data was really accepted, not just refused politely
    stored = run_portico("feedback", "export", "--format", "json", "--db", db, "--status", "all").stdout
    assert len(json.loads(stored)) > 0
    # and on the workshop endpoint too (a form request has its own nonce; one from feedback's box has none)
    assert query(db, "SELECT COUNT(*) FROM workshop_request WHERE nonce IS NOT NULL")[0][0] > 0
    # and signed reading batches too (POST /v1/engagement, docs/engagement.md)
    events = run_portico("engagement", "acme", "--format", "json", "--db", db).stdout
    assert len(json.loads(events)) > 0
