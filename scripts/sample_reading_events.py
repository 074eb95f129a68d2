#!/usr/bin/env python3
"""SAMPLE DATA for the demo console, never for a real portal.

Writes made-up reading events (seeded, so every run writes the same ones) for the demo's active viewers
into the database `portico serve` made, so that `make demo`'s console has something to show before anyone
has read anything. It refuses a database that already holds reading events, so it never mixes with what
real readers did. Usage: scripts/sample_reading_events.py --db feedback.sqlite --site site --keys .portico/server-keys
"""
import argparse
import datetime
import json
import os
import random
import sqlite3
import sys


def pages(site, path):
    root = os.path.join(site, path)
    found = []
    for kind in ("insights", "solutions", "case-studies"):
        folder = os.path.join(root, kind)
        for name in sorted(os.listdir(folder)) if os.path.isdir(folder) else []:
            if os.path.isfile(os.path.join(folder, name, "index.html")) and name not in ("tags",) and not name.isdigit():
                found.append(f"{kind}/{name}/index.html")
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--site", required=True)
    parser.add_argument("--keys", required=True)
    parser.add_argument("--days", type=int, default=45)
    args = parser.parse_args()
    keys = json.load(open(args.keys, encoding="utf-8"))
    db = sqlite3.connect(args.db)
    if db.execute("SELECT COUNT(*) FROM reading_event").fetchone()[0]:
        print("sample data: the database already has reading events; nothing written", file=sys.stderr)
        return 0
    rng = random.Random(20261201)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
    rows = []
    for account in keys["accounts"]:
        available = pages(args.site, account["path"])
        readers = [v["id"] for v in account["viewers"] if v["status"] == "active"]
        for viewer in readers:
            for _ in range(rng.randint(4, 12)):
                started = now - datetime.timedelta(days=rng.uniform(0, args.days), minutes=rng.uniform(0, 600))
                page = rng.choice(available)
                rows.append((started + datetime.timedelta(seconds=30), account["slug"], viewer, page, "view", started,
                             rng.randint(20, 900), rng.choice([35, 60, 80, 100]), None))
    db.executemany("""INSERT INTO reading_event (received_at, account_slug, viewer, page, kind, started_at, active_seconds,
                      scroll_percent, file) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                   [(r[0].strftime("%Y-%m-%d %H:%M:%S.000"), r[1], r[2], r[3], r[4], r[5].strftime("%Y-%m-%d %H:%M:%S.000"), r[6], r[7], r[8])
                    for r in rows])
    db.commit()
    print(f"SAMPLE DATA: wrote {len(rows)} made-up reading events into {args.db} (for the demo console only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
