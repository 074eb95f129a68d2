import GRDB

extension FeedbackStore {
    /// Registered after the reading migrations: the indexes the console's totals read from.
    static func registerConsoleMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-console: covering index for per-account reading totals") { db in
            // accountTotals and the account page read only these columns: SQLite answers from the index alone.
            try db.create(index: "reading_totals", on: "reading_event",
                          columns: ["account_slug", "kind", "started_at", "viewer", "page", "active_seconds"])
        }
    }
}
