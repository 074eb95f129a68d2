import GRDB

extension FeedbackStore {
    /// v5: a submission's replay guard is unique on (sent_at, account_path, viewer, nonce), the signed timestamp first,
    /// instead of (account_path, viewer, nonce). Nonces are random, so every insert went to a random leaf of an index
    /// that grows with every submission ever received; led by the timestamp, inserts land among the last seconds' keys.
    /// A replay carries the timestamp it was signed with, so it still meets its own key (docs/security.md). SQLite
    /// cannot drop a table's UNIQUE constraint, so the table is made again, ids and their sequence kept.
    static func registerReplayKeyMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration(StoreSchema.versions[4]) { db in
            let columns = """
                "id", "received_at", "account_slug", "account_path", "page", "viewer", "nonce", "sent_at", "fields", "body", \
                "sme_name", "sme_email", "status", "note", "resolved_at", "assignee", "updated_at"
                """
            // AUTOINCREMENT never gives an erased submission's id again: the sequence carries over.
            let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'submission'") ?? 0
            try db.execute(sql: """
                CREATE TABLE "submission_v5" ("id" INTEGER PRIMARY KEY AUTOINCREMENT, "received_at" DATETIME NOT NULL,
                    "account_slug" TEXT NOT NULL, "account_path" TEXT NOT NULL, "page" TEXT NOT NULL, "viewer" TEXT NOT NULL,
                    "nonce" TEXT NOT NULL, "sent_at" INTEGER NOT NULL, "fields" TEXT NOT NULL, "body" BLOB NOT NULL, "sme_name" TEXT,
                    "sme_email" TEXT, "status" TEXT NOT NULL, "note" TEXT, "resolved_at" DATETIME, "assignee" TEXT, "updated_at" DATETIME);
                INSERT INTO "submission_v5" (\(columns)) SELECT \(columns) FROM "submission";
                DROP TABLE "submission";
                ALTER TABLE "submission_v5" RENAME TO "submission";
                CREATE INDEX "submission_by_account" ON "submission"("account_slug", "received_at");
                CREATE UNIQUE INDEX "submission_replay" ON "submission"("sent_at", "account_path", "viewer", "nonce");
                DELETE FROM sqlite_sequence WHERE name IN ('submission', 'submission_v5');
                """)
            let last = max(sequence, try Int64.fetchOne(db, sql: "SELECT MAX(id) FROM submission") ?? 0)
            if last > 0 { try db.execute(sql: "INSERT INTO sqlite_sequence (name, seq) VALUES ('submission', ?)", arguments: [last]) }
        }
    }
}
