"""The generated contract is valid OpenAPI 3.1 and names no account."""
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from portico_client import account_path, build_spec


def test_generated_spec_validates(tmp_path):
    spec_path = build_spec(str(tmp_path / "site"))
    spec, _ = read_from_filename(spec_path)
    validate(spec)  # raises on any violation
    assert spec["openapi"].startswith("3.1")
    for path in spec["paths"].values():
        for operation in path.values():
            assert all(isinstance(code, str) for code in operation["responses"]), "status codes must be strings"


def test_spec_follows_the_form_and_names_no_account(tmp_path):
    spec_path = build_spec(str(tmp_path / "site"))
    text = open(spec_path, encoding="utf-8").read()
    for name in ("acme", "beta", account_path("acme"), "alice", "carol"):
        assert name not in text
    fields = yaml.safe_load(text)["components"]["schemas"]["Submission"]["properties"]["fields"]
    assert list(fields["properties"]) == ["rating", "message", "topic", "workshop"]
    assert fields["required"] == ["message"]
    assert fields["properties"]["message"]["maxLength"] == 500
    assert fields["properties"]["topic"]["enum"] == ["", "pricing", "technical"]
    assert fields["additionalProperties"] is False
