/* The SQLite floor of one accepted feedback submission (issue 18): what SQLite alone spends per row on the
 * statements the server runs for it since schema v6 (Sources/PorticoFeedback/Store/FeedbackStore.swift and
 * SubmissionTrail.swift): the submission's INSERT, in batches of B rows per IMMEDIATE transaction as group commit
 * shares one, and, in the transaction that passes each TRAIL_ROWS rows (the trail's 50 ms at 30,000 submissions a
 * second), the trail's two INSERT … SELECT (the `created` events and the outbox entries of the rows since the last
 * time) and its cursor. WAL, synchronous=FULL, the automatic checkpoint included. No HTTP, no JSON, no proof, and no
 * replay check (the server's filter answers it in memory): a server that did nothing else could not spend less per
 * submission.
 *
 * Usage: sqlite_floor SCHEMA_DB SCRATCH_DB ROWS BATCH
 *   SCHEMA_DB   a database `portico serve` made (its tables and indexes are copied, its rows are not)
 *   SCRATCH_DB  a new file
 * Prints one line: batch=B rows=N cpu_us=… wall_us=… (per row; CPU is this process's user + system time). */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

enum { TRAIL_ROWS = 1500 };

static sqlite3 *db;

static void check(int rc, const char *what) {
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        fprintf(stderr, "sqlite_floor: %s: %s\n", what, sqlite3_errmsg(db));
        exit(1);
    }
}

static double wall(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + t.tv_nsec / 1e9; }
static double cpu(void) {
    struct rusage r; getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static sqlite3_stmt *prepare(const char *sql) { sqlite3_stmt *s; check(sqlite3_prepare_v2(db, sql, -1, &s, 0), sql); return s; }
static void text(sqlite3_stmt *s, int i, const char *v) { check(sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC), "bind"); }
static void run(sqlite3_stmt *s, const char *what) { check(sqlite3_step(s), what); sqlite3_reset(s); }

/* The schema of `from`, made again in the open database (sqlite_sequence comes with the first AUTOINCREMENT table). */
static void copy_schema(const char *from) {
    char sql[512];
    snprintf(sql, sizeof sql, "ATTACH DATABASE '%s' AS source", from);
    check(sqlite3_exec(db, sql, 0, 0, 0), "attach the schema's database");
    sqlite3_stmt *list = prepare("SELECT sql FROM source.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid");
    while (sqlite3_step(list) == SQLITE_ROW) check(sqlite3_exec(db, (const char *)sqlite3_column_text(list, 0), 0, 0, 0), "copy the schema");
    sqlite3_finalize(list);
    check(sqlite3_exec(db, "DETACH DATABASE source", 0, 0, 0), "detach");
}

int main(int argc, char **argv) {
    if (argc != 5) { fprintf(stderr, "usage: sqlite_floor SCHEMA_DB SCRATCH_DB ROWS BATCH\n"); return 64; }
    int rows = atoi(argv[3]), batch = atoi(argv[4]);
    if (rows <= 0 || batch <= 0) { fprintf(stderr, "sqlite_floor: ROWS and BATCH must be positive\n"); return 64; }
    check(sqlite3_open(argv[2], &db), "open");
    /* As FeedbackStore opens its database (journal_mode is set before the schema, as GRDB's DatabasePool does). */
    check(sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY", 0, 0, 0), "pragmas");
    copy_schema(argv[1]);

    sqlite3_stmt *begin = prepare("BEGIN IMMEDIATE"), *commit = prepare("COMMIT");
    sqlite3_stmt *submission = prepare(
        "INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body,"
        " sme_name, sme_email, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    /* SubmissionTrail.write, word for word. */
    sqlite3_stmt *events = prepare(
        "INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value)"
        " SELECT 'feedback', s.id, s.received_at, 'reader', 'created', 'open' FROM submission s"
        " WHERE s.id > ?1 AND NOT EXISTS (SELECT 1 FROM follow_up_event e"
        " WHERE e.item_kind = 'feedback' AND e.item_id = s.id AND e.action = 'created') ORDER BY s.id");
    sqlite3_stmt *entries = prepare(
        "INSERT INTO outbox (submission_id, payload, next_attempt_at) SELECT s.id, NULL, s.received_at FROM submission s"
        " WHERE s.id > ?1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.submission_id = s.id) ORDER BY s.id");
    sqlite3_stmt *cursor = prepare("UPDATE submission_trail SET through = ?");
    check(sqlite3_exec(db, "INSERT INTO submission_trail (through) VALUES (0)", 0, 0, 0), "the trail's cursor");
    sqlite3_int64 through = 0;

    /* Rows like the bench's (bench/ingest_bench.py): the same sizes of body and fields. */
    const char *account = "2baad52d918fb3a84854", *page = "insights/cloud-costs/index.html";
    char nonceText[32], at[32], fields[128], body[512];
    double cpu0 = cpu(), wall0 = wall();
    for (int i = 0; i < rows;) {
        run(begin, "BEGIN IMMEDIATE");
        for (int j = 0; j < batch && i < rows; j++, i++) {
            const char *viewer = (i & 1) ? "alice" : "bob";
            /* Random-looking nonces, as readers send (16 random bytes in gate.js), and a timestamp that moves on a
             * second every 8,000 rows, as at the bench's rates. */
            unsigned long long mix = (unsigned long long)i * 0x9E3779B97F4A7C15ULL;
            mix ^= mix >> 29; mix *= 0xBF58476D1CE4E5B9ULL; mix ^= mix >> 32;
            snprintf(nonceText, sizeof nonceText, "r%016llx%05d", mix, i % 100000);
            long long sentAt = 1796229354LL + i / 8000;
            snprintf(at, sizeof at, "2026-12-02 16:%02d:%02d.000", (i / 60) % 60, i % 60);
            snprintf(fields, sizeof fields, "{\"message\":\"Useful, thanks (%d)\",\"rating\":%d,\"workshop\":false}", i, 1 + i % 5);
            int bodyLength = snprintf(body, sizeof body,
                "{\"account\":\"%s\",\"page\":\"%s\",\"viewer\":\"%s\",\"timestamp\":%lld,\"nonce\":\"%s\",\"fields\":%s}",
                account, page, viewer, sentAt, nonceText, fields);

            text(submission, 1, at); text(submission, 2, "acme"); text(submission, 3, account); text(submission, 4, page);
            text(submission, 5, viewer); text(submission, 6, nonceText); sqlite3_bind_int64(submission, 7, sentAt);
            text(submission, 8, fields); sqlite3_bind_blob(submission, 9, body, bodyLength, SQLITE_STATIC);
            text(submission, 10, "Ada Lovelace"); text(submission, 11, "ada@vendor.example"); text(submission, 12, "open");
            run(submission, "insert the submission");
            sqlite3_int64 id = sqlite3_last_insert_rowid(db);
            if ((i + 1) % TRAIL_ROWS == 0 || i + 1 == rows) {
                sqlite3_bind_int64(events, 1, through); run(events, "write the events");
                sqlite3_bind_int64(entries, 1, through); run(entries, "write the outbox entries");
                sqlite3_bind_int64(cursor, 1, id); run(cursor, "advance the trail");
                through = id;
            }
        }
        run(commit, "COMMIT");
    }
    double cpu1 = cpu(), wall1 = wall();
    printf("batch=%d rows=%d cpu_us=%.2f wall_us=%.2f\n", batch, rows, (cpu1 - cpu0) / rows * 1e6, (wall1 - wall0) / rows * 1e6);
    return 0;
}
