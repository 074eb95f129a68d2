/// The schema's versions, oldest first: one forward-only list that both backends apply (SQLite through GRDB's
/// migrator, PostgreSQL through `PostgresMigrations`), recorded by name in the database. A store opened on a
/// database with a version not in this list refuses to start (`StoreError.schemaTooNew`).
public enum StoreSchema {
    public static let versions = [
        "v1: submissions and outbox",
        "v2: reading events, workshop requests, follow-up history, console sessions",
        "v3-reading: batches name their account slug; indexes for retention",
        "v4-console: covering index for per-account reading totals",
    ]

    /// The tables, in an order where every row's references come before it (what `portico db copy` follows).
    public static let tables = ["submission", "workshop_request", "follow_up_event", "outbox", "reading_event", "reading_batch", "console_session"]
}
