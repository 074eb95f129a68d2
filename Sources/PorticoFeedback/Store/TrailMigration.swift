import GRDB

extension FeedbackStore {
    /// v6 (SQLite): a feedback submission is one row when it is stored; its `created` event and its outbox entry are
    /// written after it, many at a time (`SubmissionTrail`), and the entry's payload is built from the submission
    /// when it is sent. The replay key is no longer a unique index: `SubmissionReplayFilter` answers first, and the
    /// table is searched by the signed second, an index whose inserts append (bench/RESULTS.md, #18).
    static func registerTrailMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(StoreSchema.versions[5]) { db in
            // SQLite cannot drop a NOT NULL: the outbox is made again, ids and their sequence kept.
            let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'outbox'") ?? 0
            try db.execute(sql: """
                DROP INDEX "submission_replay";
                CREATE INDEX "submission_by_time" ON "submission"("sent_at");
                CREATE TABLE "outbox_v6" ("id" INTEGER PRIMARY KEY AUTOINCREMENT,
                    "submission_id" INTEGER UNIQUE REFERENCES "submission"("id"),
                    "workshop_id" INTEGER UNIQUE REFERENCES "workshop_request"("id"),
                    "payload" TEXT, "attempts" INTEGER NOT NULL DEFAULT 0, "next_attempt_at" DATETIME NOT NULL,
                    "delivered_at" DATETIME, "last_error" TEXT,
                    CHECK ((submission_id IS NULL) <> (workshop_id IS NULL)));
                INSERT INTO "outbox_v6" SELECT "id", "submission_id", "workshop_id", "payload", "attempts", "next_attempt_at",
                    "delivered_at", "last_error" FROM "outbox";
                DROP TABLE "outbox";
                ALTER TABLE "outbox_v6" RENAME TO "outbox";
                CREATE INDEX "outbox_pending" ON "outbox"("delivered_at", "next_attempt_at");
                DELETE FROM sqlite_sequence WHERE name IN ('outbox', 'outbox_v6');
                CREATE TABLE "submission_trail" ("through" INTEGER NOT NULL);
                INSERT INTO "submission_trail" SELECT COALESCE(MAX("id"), 0) FROM "submission";
                """)
            let last = max(sequence, try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM outbox") ?? 0)
            if last > 0 { try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', ?)", arguments: [last]) }
        }
    }
}
