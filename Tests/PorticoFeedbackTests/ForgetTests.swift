import Foundation
import GRDB
import Testing
@testable import PorticoFeedback

/// `portico engagement forget`: after it, no row of any table names the reader, and nobody else lost a row.
@Suite struct ForgetTests {
    /// Every row of every table in the file, as text (found generically from sqlite_master, so a table added later
    /// is searched too).
    static func everyRow(_ store: FeedbackStore) throws -> [(table: String, text: String)] {
        try store.pool.read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")
            return try tables.flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { row in
                    (table, row.columnNames.map { name -> String in
                        let value: DatabaseValue = row[name]
                        switch value.storage {
                        case .blob(let data): return String(decoding: data, as: UTF8.self)
                        case .string(let text): return text
                        default: return value.description
                        }
                    }.joined(separator: "\u{1}"))
                }
            }
        }
    }

    /// Rows that name `viewer`: a cell equal to the id, or JSON text (a stored body, a notification) naming them.
    static func naming(_ viewer: String, in rows: [(table: String, text: String)]) -> [String] {
        rows.filter { row in
            row.text.split(separator: "\u{1}").contains { $0 == viewer || $0 == "\"\(viewer)\"" } || row.text.contains("\"viewer\":\"\(viewer)\"")
        }.map(\.table)
    }

    func seed(_ store: FeedbackStore, viewer: String, account: String = "acme", path: String = Fixture.acmePath, nonce: String) async throws {
        let now = Fixture.now
        let submission = Submission(account: path, page: "insights/cloud-costs/index.html", viewer: viewer, timestamp: Int64(now.timeIntervalSince1970),
                                    nonce: nonce + "-fb", fields: ["message": .string("hello from \(viewer)")])
        let body = Data(#"{"viewer":"\#(viewer)"}"#.utf8)
        let new = NewSubmission(receivedAt: now, accountSlug: account, submission: submission, body: body, sme: nil)
        let id = try await store.insert(new) { Notification.payload(id: $0, accountSlug: account, new: new) }
        try await store.insertReading(ReadingBatch(account: path, viewer: viewer, timestamp: Int64(now.timeIntervalSince1970), nonce: nonce + "-rd",
                                                   events: [ReadingEvent(page: "index.html", kind: .view, startedAt: Int64(now.timeIntervalSince1970) - 5, activeSeconds: 3)]),
                                      accountSlug: account, receivedAt: now)
        try await store.pool.write { db in
            try db.execute(sql: """
                INSERT INTO workshop_request (received_at, account_slug, account_path, viewer, page, nonce, submission_id, topic, state, updated_at)
                VALUES (?, ?, ?, ?, 'index.html', ?, ?, 'Cloud costs', 'requested', ?)
                """, arguments: [now, account, path, viewer, nonce + "-ws", id, now])
            let workshop = db.lastInsertedRowID
            try db.execute(sql: "INSERT INTO outbox (workshop_id, payload, next_attempt_at) VALUES (?, ?, ?)",
                           arguments: [workshop, #"{"type":"workshop","viewer":"\#(viewer)"}"#, now])
            // (the submission's own `created` event is written by `insert`)
            try db.execute(sql: "INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value) VALUES ('workshop', ?, ?, 'reader', 'created', 'requested')",
                           arguments: [workshop, now])
        }
    }

    @Test func erasesEveryRowNamingTheReaderAndNothingElse() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        try await seed(store, viewer: "alice", nonce: "aaaaaaaaaaaaaaaa")
        try await seed(store, viewer: "bob", nonce: "bbbbbbbbbbbbbbbb")
        try await seed(store, viewer: "carol", account: "beta", path: "beta", nonce: "cccccccccccccccc")
        let before = try Self.everyRow(store)
        #expect(Set(Self.naming("alice", in: before)).isSuperset(of: ["submission", "reading_event", "reading_batch", "workshop_request", "outbox"]))

        let removed = try store.forget(account: "acme", viewer: "alice")
        let byTable = Dictionary(uniqueKeysWithValues: removed.map { ($0.table, $0.rows) })
        #expect(byTable == ["follow_up_event": 2, "outbox": 2, "workshop_request": 1, "submission": 1, "reading_event": 1, "reading_batch": 1])

        let after = try Self.everyRow(store)
        #expect(Self.naming("alice", in: after) == [])
        // everyone else's rows are all still there: bob's and carol's, and the history of their items
        #expect(before.count - after.count == 8)
        #expect(Set(Self.naming("bob", in: after)) == Set(Self.naming("bob", in: before)))
        #expect(Set(Self.naming("carol", in: after)) == Set(Self.naming("carol", in: before)))
        let orphans = try await store.pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM follow_up_event WHERE (item_kind = 'feedback' AND item_id NOT IN (SELECT id FROM submission))
                                                         OR (item_kind = 'workshop' AND item_id NOT IN (SELECT id FROM workshop_request))
                """)!
        }
        #expect(orphans == 0)
        // a second run finds nothing; the account may also be named by its site path
        #expect(try store.forget(account: "acme", viewer: "alice").allSatisfy { $0.rows == 0 })
        #expect(try store.forget(account: Fixture.acmePath, viewer: "bob").reduce(0) { $0 + $1.rows } == 8)
        #expect(Self.naming("bob", in: try Self.everyRow(store)) == [])
    }
}
