"""`portico db migrate|copy` and the refusal of a newer schema, on the backend the suite runs on (PORTICO_TEST_DB),
and copies to and from PostgreSQL when PORTICO_TEST_POSTGRES_URL names a server."""
import json
import subprocess

import pytest

from databases import BACKEND, POSTGRES_URL, database_for, query
from portico_client import FIXTURE, PORTICO_BIN, SERVE_ENV, Server, post, run_portico, submission


def future_version(db):
    table = "portico_schema (version, name)" if BACKEND == "postgres" else "grdb_migrations (identifier)"
    values = "(99, 'v99: from a newer portico')" if BACKEND == "postgres" else "('v99: from a newer portico')"
    if BACKEND == "postgres":
        from databases import psql
        psql(database_for(db), f"INSERT INTO {table} VALUES {values}")
    else:
        import sqlite3
        with sqlite3.connect(db) as connection:
            connection.execute(f"INSERT INTO {table} VALUES {values}")


def test_serve_refuses_a_schema_newer_than_it_knows(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    with Server(db) as server:
        assert post(server.base_url, *submission())[0] == 201
    future_version(db)
    refused = Server(db)
    result = subprocess.run(refused.args, env=SERVE_ENV, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "schema is newer than this portico knows" in result.stderr and "v99: from a newer portico" in result.stderr, result.stderr
    assert "Listening" not in result.stdout
    # nothing was changed: the submission is still there, and so is the unknown version
    assert query(db, "SELECT COUNT(*) FROM submission") == [(1,)]
    migrate = run_portico("db", "migrate", "--db", db, check=False)
    assert migrate.returncode == 1 and "schema is newer" in migrate.stderr


def test_db_migrate_prints_the_versions(tmp_path):
    db = str(tmp_path / "feedback.sqlite")
    database_for(db)
    result = run_portico("db", "migrate", "--db", db)
    assert "schema at 6 of 6 versions" in result.stdout and "v6: a submission's event and notification" in result.stdout, result.stdout
    again = run_portico("db", "migrate", "--db", db)
    assert again.stdout == result.stdout


def test_db_refuses_unknown_schemes_and_missing_files(tmp_path):
    bad = run_portico("db", "migrate", "--db", "mysql://x@y/z", check=False)
    assert bad.returncode != 0 and "unknown database scheme mysql" in bad.stderr, bad.stderr
    missing = run_portico("db", "copy", "--from", str(tmp_path / "none.sqlite"), "--to", str(tmp_path / "b.sqlite"), check=False)
    assert missing.returncode != 0 and "no database at" in missing.stderr


def fill(db):
    """Five submissions (one asking for a workshop) and a resolution; returns the signed requests."""
    sent = [submission(viewer="alice" if i % 2 else "bob", fields={"message": f"m{i}", "workshop": i == 3}) for i in range(5)]
    with Server(db) as server:
        for body, headers in sent:
            assert post(server.base_url, body, headers)[0] == 201
    run_portico("feedback", "resolve", "2", "--note", "done", "--db", db)
    return sent


def export(db):
    return json.loads(run_portico("feedback", "export", "--format", "json", "--status", "all", "--db", db).stdout)


def test_db_copy_to_a_new_sqlite_file_keeps_every_row(tmp_path):
    source = str(tmp_path / "source.sqlite")
    fill(source)
    target = str(tmp_path / "target.sqlite")
    result = run_portico("db", "copy", "--from", database_for(source), "--to", "sqlite:" + target)
    assert "every table's row count and checksum match" in result.stdout, result.stdout
    assert "submission: 5 rows" in result.stdout and "workshop_request: 1 rows" in result.stdout
    assert export(target) == export(source)
    # The destination has rows now: a second copy is refused, and nothing is added.
    again = run_portico("db", "copy", "--from", database_for(source), "--to", "sqlite:" + target, check=False)
    assert again.returncode == 1 and "not empty" in again.stderr
    assert len(export(target)) == 5


@pytest.mark.skipif(not POSTGRES_URL, reason="PORTICO_TEST_POSTGRES_URL is not set (scripts/pg-cluster.sh start DIR prints one)")
def test_db_copy_sqlite_to_postgres_and_back(tmp_path):
    from databases import psql
    import uuid
    source = str(tmp_path / "source.sqlite")
    if BACKEND == "postgres":
        pytest.skip("fills a SQLite file through serve; runs in the SQLite pass")
    sent = fill(source)
    name = "portico_copy_" + uuid.uuid4().hex
    psql(POSTGRES_URL, f"CREATE DATABASE {name}")
    url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    there = run_portico("db", "copy", "--from", "sqlite:" + source, "--to", url)
    back_path = str(tmp_path / "back.sqlite")
    back = run_portico("db", "copy", "--from", url, "--to", "sqlite:" + back_path)
    # the same digests printed both ways, and the same export from all three
    assert there.stdout == back.stdout, (there.stdout, back.stdout)
    assert export(source) == export(url) == export(back_path)
    # a server on the copy carries on: ids continue, and the replay guard came along
    with _serve(url, tmp_path) as server:
        status, payload, _ = post(server.base_url, *submission(viewer="alice"))
        assert status == 201 and payload["id"] == 6
        assert post(server.base_url, *sent[0])[0] == 409


def _serve(url, tmp_path):
    server = Server(str(tmp_path / "unused.sqlite"))
    server.args[server.args.index("--db") + 1] = url
    return server
