"""`portico serve` takes workshop requests; `portico workshop …` moves them along the pipeline with clear errors."""
import json
import os
import shutil
import urllib.error
import urllib.request

from databases import query
from portico_client import FIXTURE, Server, run_portico, submission



def post_workshop(base_url, fields, page="insights/cloud-costs/index.html"):
    body, headers = submission(page=page, fields=fields)
    request = urllib.request.Request(base_url + "/v1/workshop", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def content_with_staff(tmp_path):
    """A copy of the fixture, whose portal.yml lists the staff (ada is acme's SME)."""
    content = str(tmp_path / "content")
    shutil.copytree(FIXTURE, content)
    return content


def rows(listing):
    header, *lines = listing.strip().split("\n")
    names = header.split("\t")
    return [dict(zip(names, line.split("\t"))) for line in lines]


def test_the_pipeline_from_the_cli(tmp_path):
    content = content_with_staff(tmp_path)
    db = str(tmp_path / "feedback.sqlite")
    with Server(db, content=content) as server:
        status, receipt = post_workshop(server.base_url, {"topic": "Cloud costs", "preferred_weeks": "24-26", "participants": 9})
        assert status == 201, receipt
        status, problem = post_workshop(server.base_url, {"topic": "Cloud costs", "participants": 0})
        assert status == 422 and problem["field"] == "fields.participants" and "1 to 200" in problem["detail"]
        # the feedback form's workshop box makes a request too, named after the page
        body, headers = submission(page="solutions/payments-hub/index.html", fields={"message": "Let's meet", "workshop": True})
        with urllib.request.urlopen(urllib.request.Request(server.base_url + "/v1/feedback", data=body, headers=headers), timeout=30) as r:
            assert r.status == 201

    db_args = ["--db", db, "--content", content]
    listed = rows(run_portico("workshop", "list", *db_args).stdout)
    assert [(r["ID"], r["STATE"], r["SME"], r["PARTICIPANTS"], r["TOPIC"]) for r in listed] == [
        (str(receipt["id"]), "requested", "Ada Lovelace", "9", "Cloud costs"), ("2", "requested", "Grace Hopper", "-", "Payments hub")]

    first = str(receipt["id"])
    run_portico("workshop", "set", first, "scheduled", "--date", "2025-06-10", "--note", "booked", "--as", "ada", *db_args)
    run_portico("workshop", "assign", first, "ada", *db_args)
    run_portico("workshop", "set", first, "held", *db_args)
    run_portico("workshop", "set", "2", "closed", "--note", "not now", *db_args)
    listed = rows(run_portico("workshop", "list", *db_args).stdout)
    assert [(r["ID"], r["STATE"], r["DATE"], r["ASSIGNEE"]) for r in listed] == [(first, "held", "2025-06-10", "ada")]
    assert [r["ID"] for r in rows(run_portico("workshop", "list", "--state", "closed", *db_args).stdout)] == ["2"]
    assert len(rows(run_portico("workshop", "list", "--state", "all", *db_args).stdout)) == 2

    shown = run_portico("workshop", "show", first, *db_args).stdout
    history = shown.split("history:\n", 1)[1]
    assert "ada  state requested → scheduled (booked)" in history
    assert "schedule - → 2025-06-10" in history
    assert "cli  assign - → ada" in history and "cli  state scheduled → held" in history
    assert history.index("requested → scheduled") < history.index("scheduled → held")
    assert "feedback:        -" in shown and "participants:    9" in shown


def test_clear_errors_for_bad_ids_states_transitions_and_dates(tmp_path):
    content = content_with_staff(tmp_path)
    db = str(tmp_path / "feedback.sqlite")
    with Server(db, content=content) as server:
        assert post_workshop(server.base_url, {"topic": "t", "participants": 3}, page="index.html")[0] == 201
    db_args = ["--db", db, "--content", content]

    def fails(*args):
        result = run_portico("workshop", *args, *db_args, check=False)
        assert result.returncode != 0, result.stdout
        return result.stderr

    assert "there is no workshop request 99" in fails("show", "99")
    assert "there is no workshop request 99" in fails("set", "99", "closed")
    assert "`booked` is not a workshop state" in fails("set", "1", "booked")
    assert "cannot become held; it can become scheduled, closed" in fails("set", "1", "held")
    assert "needs its date" in fails("set", "1", "scheduled")
    assert "--date must be a date like" in fails("set", "1", "scheduled", "--date", "2025-02-30")
    assert "--date goes only with `scheduled`" in fails("set", "1", "closed", "--date", "2025-06-10")
    assert "`zoe` is not a staff id" in fails("assign", "1", "zoe")
    assert "`zoe` is not a staff id" in fails("set", "1", "closed", "--as", "zoe")
    assert "there is no workshop request 7" in fails("assign", "7", "ada")
    run_portico("workshop", "set", "1", "closed", *db_args)
    assert "cannot change any more" in fails("set", "1", "scheduled", "--date", "2025-06-10")


def test_feedback_list_shows_assignee_and_resolve_records_history(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        body, headers = submission(fields={"message": "hi"})
        with urllib.request.urlopen(urllib.request.Request(server.base_url + "/v1/feedback", data=body, headers=headers), timeout=30):
            pass
    listing = rows(run_portico("feedback", "list", "--db", db).stdout)
    assert [(r["ID"], r["ASSIGNEE"], r["STATUS"]) for r in listing] == [("1", "-", "open")]
    run_portico("feedback", "resolve", "1", "--note", "Called", "--db", db)
    events = query(db, "SELECT actor, action, from_value, to_value, note FROM follow_up_event WHERE item_kind = 'feedback' ORDER BY id")
    assert events == [("reader", "created", None, "open", None), ("cli", "state", "open", "resolved", "Called")]
