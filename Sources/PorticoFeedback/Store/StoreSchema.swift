/// The schema's versions, oldest first: one forward-only list that both backends apply (SQLite through GRDB's
/// migrator, PostgreSQL through `PostgresMigrations`), recorded by name in the database. A store opened on a
/// database with a version not in this list refuses to start (`StoreError.schemaTooNew`).
public enum StoreSchema {
    public static let versions = [
        "v1: submissions and outbox",
        "v2: reading events, workshop requests, follow-up history, console sessions",
        "v3-reading: batches name their account slug; indexes for retention",
        "v4-console: covering index for per-account reading totals",
        "v5: the feedback replay key leads with the signed timestamp",
        "v6: a submission's event and notification written after it; notifications built when sent",
    ]

    /// The tables, in an order where every row's references come before it (what `portico db copy` follows).
    public static let tables = ["submission", "workshop_request", "follow_up_event", "outbox", "reading_event", "reading_batch", "console_session"]

    /// Each table's primary key: `portico db copy` reads a table page by page in this order.
    static let keys: [String: [String]] = [
        "submission": ["id"], "workshop_request": ["id"], "follow_up_event": ["id"], "outbox": ["id"], "reading_event": ["id"],
        "reading_batch": ["account_path", "viewer", "nonce"], "console_session": ["key"],
    ]

    /// The statement for one page of `table` in key order, after a given key when `afterAKey`: its `?` are the key's
    /// values, then the page size.
    static func pageQuery(_ table: String, afterAKey: Bool) -> String {
        guard let key = keys[table] else { preconditionFailure("not a store table: \(table)") }
        let columns = key.joined(separator: ", ")
        let after = afterAKey ? " WHERE (\(columns)) > (\(key.map { _ in "?" }.joined(separator: ", ")))" : ""
        return "SELECT * FROM \(table)\(after) ORDER BY \(columns) LIMIT ?"
    }
}
