import GRDB

extension FeedbackStore {
    /// After v2: what reading signals need besides v2's tables (docs/engagement.md).
    static func registerReadingMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-reading: batches name their account slug; indexes for retention") { db in
            // `forget <account> <viewer>` finds a reader's batches by account slug, like every other table.
            try db.alter(table: "reading_batch") { t in t.add(column: "account_slug", .text) }
            try db.create(index: "reading_batch_by_viewer", on: "reading_batch", columns: ["account_slug", "viewer"])
            // Retention deletes by age across all accounts.
            try db.create(index: "reading_by_start", on: "reading_event", columns: ["started_at"])
            try db.create(index: "reading_batch_by_age", on: "reading_batch", columns: ["received_at"])
        }
    }
}
