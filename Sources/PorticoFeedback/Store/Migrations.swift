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
        migrator.registerMigration("v2: reading events, workshop requests, follow-up history, console sessions") { db in
            // Reading signals: one row per page view (kind `view`) or download of a linked file (kind `download`).
            // No IP address and no user agent, by design (docs/engagement.md).
            try db.create(table: "reading_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("received_at", .datetime).notNull()
                t.column("account_slug", .text).notNull()
                t.column("viewer", .text).notNull()
                t.column("page", .text).notNull()
                t.column("kind", .text).notNull()                       // view | download
                t.column("started_at", .datetime).notNull()             // when the view began (reader's clock, checked)
                t.column("active_seconds", .integer).notNull().defaults(to: 0)
                t.column("scroll_percent", .integer).notNull().defaults(to: 0)
                t.column("file", .text)                                 // the downloaded file, for kind `download`
            }
            try db.create(index: "reading_by_account", on: "reading_event", columns: ["account_slug", "started_at"])
            try db.create(index: "reading_by_viewer", on: "reading_event", columns: ["account_slug", "viewer"])
            // The replay guard for reading batches (a batch's nonce is accepted once per viewer).
            try db.create(table: "reading_batch") { t in
                t.column("account_path", .text).notNull()
                t.column("viewer", .text).notNull()
                t.column("nonce", .text).notNull()
                t.column("received_at", .datetime).notNull()
                t.primaryKey(["account_path", "viewer", "nonce"])
            }
            // Workshop requests: from the workshop form, or from feedback with the `workshop` box ticked.
            try db.create(table: "workshop_request") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("received_at", .datetime).notNull()
                t.column("account_slug", .text).notNull()
                t.column("account_path", .text).notNull()
                t.column("viewer", .text).notNull()
                t.column("page", .text).notNull()
                t.column("nonce", .text)                                // from the form; NULL when made from feedback
                t.column("submission_id", .integer).references("submission", onDelete: .setNull)
                t.column("topic", .text).notNull()
                t.column("preferred_weeks", .text).notNull().defaults(to: "")
                t.column("participants", .integer)
                t.column("notes", .text).notNull().defaults(to: "")
                t.column("sme_name", .text)
                t.column("sme_email", .text)
                t.column("assignee", .text)                             // a staff id, once someone is assigned
                t.column("state", .text).notNull()                      // requested, scheduled, held, poc-proposed, won, lost, closed
                t.column("scheduled_for", .date)
                t.column("updated_at", .datetime).notNull()
                t.uniqueKey(["account_path", "viewer", "nonce"])
            }
            try db.create(index: "workshop_by_account", on: "workshop_request", columns: ["account_slug", "received_at"])
            // Who assigns feedback: the console's inbox works on feedback and workshop requests alike.
            try db.alter(table: "submission") { t in
                t.add(column: "assignee", .text)
                t.add(column: "updated_at", .datetime)
            }
            // Every change to a feedback item or workshop request: state, note, assignment, by whom and when.
            try db.create(table: "follow_up_event") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("item_kind", .text).notNull()                  // feedback | workshop
                t.column("item_id", .integer).notNull()
                t.column("at", .datetime).notNull()
                t.column("actor", .text).notNull()                      // a staff id, `cli`, or `reader`
                t.column("action", .text).notNull()                     // created, state, note, assign, schedule
                t.column("from_value", .text)
                t.column("to_value", .text)
                t.column("note", .text)
            }
            try db.create(index: "follow_up_by_item", on: "follow_up_event", columns: ["item_kind", "item_id", "at"])
            // The outbox notifies about submissions and workshop requests: exactly one of the two ids is set.
            try db.create(table: "outbox_v2") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("submission_id", .integer).unique().references("submission")
                t.column("workshop_id", .integer).unique().references("workshop_request")
                t.column("payload", .text).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
                t.column("last_error", .text)
                t.check(sql: "(submission_id IS NULL) <> (workshop_id IS NULL)")
            }
            try db.execute(sql: """
                INSERT INTO outbox_v2 (id, submission_id, payload, attempts, next_attempt_at, delivered_at, last_error)
                SELECT id, submission_id, payload, attempts, next_attempt_at, delivered_at, last_error FROM outbox
                """)
            try db.drop(table: "outbox")
            try db.rename(table: "outbox_v2", to: "outbox")
            try db.create(index: "outbox_pending", on: "outbox", columns: ["delivered_at", "next_attempt_at"])
            // Console sessions (hummingbird-auth's session storage through `SessionStore`): an opaque key, the
            // encoded session, its expiry.
            try db.create(table: "console_session") { t in
                t.primaryKey("key", .text)
                t.column("value", .blob).notNull()
                t.column("expires_at", .datetime)
            }
        }
        registerReadingMigrations(in: &migrator)
        registerConsoleMigrations(&migrator)
        registerReplayKeyMigration(&migrator)
        registerTrailMigration(&migrator)
        return migrator
    }

    /// Every table that can hold something a reader sent or did, with the column naming the reader: what
    /// `portico engagement forget` erases, and what its test queries.
    public static let readerTables: [(table: String, viewerColumn: String)] = [
        ("submission", "viewer"), ("reading_event", "viewer"), ("reading_batch", "viewer"), ("workshop_request", "viewer"),
    ]
}
