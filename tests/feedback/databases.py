"""Which database the feedback tests' servers use: a SQLite file (the default), or, with PORTICO_TEST_DB=postgres, a
new PostgreSQL database per file name on the server PORTICO_TEST_POSTGRES_URL names (`.ci/run` starts one with
scripts/pg-cluster.sh). Tests keep naming their database by its SQLite path; `database_for` maps it."""
import os
import subprocess
import uuid
from urllib.parse import urlsplit, urlunsplit

BACKEND = os.environ.get("PORTICO_TEST_DB", "sqlite")
POSTGRES_URL = os.environ.get("PORTICO_TEST_POSTGRES_URL", "")
if BACKEND not in ("sqlite", "postgres"):
    raise SystemExit(f"PORTICO_TEST_DB={BACKEND}: use sqlite or postgres")
if BACKEND == "postgres" and not POSTGRES_URL:
    raise SystemExit("PORTICO_TEST_DB=postgres needs PORTICO_TEST_POSTGRES_URL (scripts/pg-cluster.sh start DIR prints one)")

_databases = {}


def database_for(path):
    """The --db for the database the test calls `path`: the path itself on SQLite; on PostgreSQL a database made the
    first time (the same one again for the same path, so a restarted server finds its data)."""
    if BACKEND == "sqlite":
        return path
    if path not in _databases:
        name = "portico_t_" + uuid.uuid4().hex
        psql(POSTGRES_URL, f"CREATE DATABASE {name}")
        parts = urlsplit(POSTGRES_URL)
        _databases[path] = urlunsplit(parts._replace(path="/" + name))
    return _databases[path]


def mapped(arg):
    """A command-line argument with a test's database path replaced by its URL (for `portico feedback … --db`)."""
    return _databases.get(arg, arg) if isinstance(arg, str) else arg


def psql(url, sql):
    result = subprocess.run(["psql", "-X", "-q", "-At", "-F", "\x1f", "-P", "null=\x1e", "-v", "ON_ERROR_STOP=1", url, "-c", sql],
                            capture_output=True, text=True, timeout=60)
    if result.returncode != 0:
        raise AssertionError(f"psql {sql!r} failed: {result.stderr}")
    return result.stdout


def query(path, sql):
    """Rows of `sql` (plain SQL both databases run) on the test's database, as tuples of None, int or str."""
    if BACKEND == "sqlite":
        import sqlite3
        with sqlite3.connect(path) as connection:
            return connection.execute(sql).fetchall()

    def value(text):
        if text == "\x1e":
            return None
        return int(text) if text.lstrip("-").isdigit() else text
    output = psql(database_for(path), sql)
    # split("\n"), not splitlines(): that also splits at \x1e, the NULL marker
    lines = output[:-1].split("\n") if output else []
    return [tuple(value(cell) for cell in line.split("\x1f")) for line in lines]
