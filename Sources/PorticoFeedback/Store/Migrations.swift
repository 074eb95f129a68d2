import GRDB

extension FeedbackStore {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: submissions and outbox") { db in
            try db.create(table: "submission") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("received_at", .datetime).notNull()
                t.column("account_slug", .text).notNull()
                t.column("account_path", .text).notNull()
                t.column("page", .text).notNull()
                t.column("viewer", .text).notNull()
                t.column("nonce", .text).notNull()
                t.column("sent_at", .integer).notNull()
                t.column("fields", .text).notNull()
                t.column("body", .blob).notNull()
                t.column("sme_name", .text)
                t.column("sme_email", .text)
                t.column("status", .text).notNull()
                t.column("note", .text)
                t.column("resolved_at", .datetime)
                // The replay guard: a nonce is accepted once per viewer, across restarts.
                t.uniqueKey(["account_path", "viewer", "nonce"])
            }
            try db.create(index: "submission_by_account", on: "submission", columns: ["account_slug", "received_at"])
            try db.create(table: "outbox") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).notNull().unique().references("submission")
                t.column("payload", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
                t.column("last_error", .text)
            }
            try db.create(index: "outbox_pending", on: "outbox", columns: ["delivered_at", "next_attempt_at"])
        }
        return migrator
    }
}
