import Foundation
import GRDB
import PorticoCore
import Testing
@testable import PorticoFeedback

/// `portico db copy`: every table, every row, both ways, checked by row counts and per-table checksums.
@Suite struct StoreCopyTests {
    typealias T = StoreBackendTests

    /// Rows in every table: feedback with and without a workshop request, a form request, reading batches,
    /// follow-up changes, sessions, and notifications delivered, failed and pending.
    static func fill(_ store: any PorticoStore) async throws {
        let first = try await T.insert(store, T.submission(viewer: "alice", workshop: true))
        try await T.insert(store, T.submission(viewer: "bob", at: T.now.addingTimeInterval(61.5)))
        let workshop = try await store.insertWorkshop(T.workshop()) { _ in "{\"type\":\"workshop_request\"}" }
        try await store.insertReading(T.batch(viewer: "alice"), accountSlug: "acme", receivedAt: T.now)
        try await store.insertReading(T.batch(viewer: "bob"), accountSlug: "acme", receivedAt: T.now.addingTimeInterval(2))
        try await store.assign(.feedback, id: first, to: "sam", actor: "lead", at: T.now.addingTimeInterval(3))
        #expect(try await store.resolve(id: first, note: "Called — ünïcode, 'quotes', \"double\"", at: T.now.addingTimeInterval(4), actor: "cli"))
        try await store.changeWorkshopState(id: workshop, to: .scheduled, scheduledFor: Day(year: 2025, month: 6, day: 10), actor: "sam",
                                            note: nil, at: T.now.addingTimeInterval(5))
        try await store.createSession(key: "console.abc", value: Data([0, 1, 2, 255]), expiresAt: T.now.addingTimeInterval(3600))
        try await store.createSession(key: "console.def", value: Data("{}".utf8), expiresAt: nil)
        let due = try await store.dueNotifications(at: .distantFuture, limit: 10)
        try await store.markDelivered(due[0].id, at: T.now.addingTimeInterval(6))
        try await store.markFailed(due[1].id, error: "HTTP 500", retryAt: T.now.addingTimeInterval(60))
    }

    @Test func sqliteToSQLiteCopiesEveryRowAndTheChecksumsMatch() async throws {
        let source = try FeedbackStore(path: Fixture.databasePath())
        try await Self.fill(source)
        let original = try await TableDigest.of(source)
        #expect(original.map(\.table) == StoreSchema.tables && original.allSatisfy { $0.rows > 0 })
        let destination = try FeedbackStore(path: Fixture.databasePath())
        // One row per page: every table's key order (reading_batch's has three columns) is walked page by page.
        #expect(try await StoreCopy.copy(from: source, to: destination, pageSize: 1) == original)
        #expect(try destination.submissions() == source.submissions())
        // Ids continue after the copied ones.
        #expect(try await T.insert(destination, T.submission()) == 3)
        // A destination with rows is refused before anything is written.
        await #expect(throws: StoreCopyError.self) { try await StoreCopy.copy(from: source, to: destination) }
    }

    struct Interrupted: Error {}

    /// What `filling` inserted before it threw is gone: the destination is as empty as it was.
    static func anInterruptedFillLeavesNothing(_ source: any PorticoStore, _ destination: any PorticoStore) async throws {
        await #expect(throws: Interrupted.self) {
            try await destination.filling { insert in
                for table in StoreSchema.tables {
                    try await source.forEachPage(of: table, size: 1) { rows in try await insert(table, rows) }
                }
                if destination is FeedbackStore {
                    #expect(try await destination.page(of: "submission", after: nil, limit: 10).count == 2, "SQLite commits page by page")
                }
                throw Interrupted()
            }
        }
        for digest in try await TableDigest.of(destination) { #expect(digest.rows == 0, "\(digest.table)") }
        // And a copy into it afterwards works.
        #expect(try await StoreCopy.copy(from: source, to: destination) == TableDigest.of(source))
    }

    @Test func anInterruptedCopyIntoSQLiteLeavesItEmpty() async throws {
        let source = try FeedbackStore(path: Fixture.databasePath())
        try await Self.fill(source)
        try await Self.anInterruptedFillLeavesNothing(source, try FeedbackStore(path: Fixture.databasePath()))
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, TestDatabases.skipReason))
    func anInterruptedCopyIntoPostgresLeavesItEmpty() async throws {
        let source = try FeedbackStore(path: Fixture.databasePath())
        try await Self.fill(source)
        let postgres = try await PostgresStore.open(try await TestDatabases.freshPostgresDatabase())
        defer { Task { await postgres.close() } }
        try await Self.anInterruptedFillLeavesNothing(source, postgres)
    }

    @Test func aChecksumChangesWithAnyValueButNotWithRowOrColumnOrder() throws {
        let a = Row(["id": 1, "note": "x", "at": "2025-06-01 00:00:00.123"]), b = Row(["id": 2, "note": nil as String?, "at": "2025-06-01 00:00:00.124"])
        let digest = TableDigest(table: "t", rows: [a, b])
        #expect(digest == TableDigest(table: "t", rows: [b, Row(["at": "2025-06-01 00:00:00.123", "note": "x", "id": 1])]))
        #expect(digest.checksum != TableDigest(table: "t", rows: [a, Row(["id": 2, "note": nil as String?, "at": "2025-06-01 00:00:00.125"])]).checksum)
        #expect(digest.checksum != TableDigest(table: "t", rows: [a, Row(["id": 2, "note": "", "at": "2025-06-01 00:00:00.124"])]).checksum)
        #expect(digest.checksum != TableDigest(table: "t", rows: [a, Row(["id": "2", "note": nil as String?, "at": "2025-06-01 00:00:00.124"])]).checksum)
        #expect(digest.rows == 2 && TableDigest(table: "t", rows: [a]).checksum != digest.checksum)
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, TestDatabases.skipReason))
    func sqliteToPostgresAndBackLosesNothing() async throws {
        let sqlite = try FeedbackStore(path: Fixture.databasePath())
        try await Self.fill(sqlite)
        let original = try await TableDigest.of(sqlite)
        let postgres = try await PostgresStore.open(try await TestDatabases.freshPostgresDatabase())
        defer { Task { await postgres.close() } }
        #expect(try await StoreCopy.copy(from: sqlite, to: postgres, pageSize: 1) == original)
        #expect(try await postgres.submissions(SubmissionFilter()) == sqlite.submissions(SubmissionFilter()))
        #expect(try await postgres.history(.feedback, id: 1) == sqlite.history(.feedback, id: 1))
        #expect(try await postgres.session(key: "console.abc")?.value == Data([0, 1, 2, 255]))
        // SQLite's feedback notifications hold no payload (v6): PostgreSQL builds the same one from the copied row.
        let pending = try await sqlite.dueNotifications(at: T.now.addingTimeInterval(3600), limit: 10)
        let bare = try await sqlite.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE payload IS NULL AND delivered_at IS NULL") }
        #expect(bare == 1)
        #expect(try await postgres.dueNotifications(at: T.now.addingTimeInterval(3600), limit: 10).map(\.payload) == pending.map(\.payload))
        // Written on PostgreSQL after the copy, to the microsecond: ids continue, and the way back keeps it to the millisecond.
        #expect(try await T.insert(postgres, T.submission(at: T.now.addingTimeInterval(0.000_456_7))) == 3)
        let onPostgres = try await TableDigest.of(postgres)
        let back = try FeedbackStore(path: Fixture.databasePath())
        #expect(try await StoreCopy.copy(from: postgres, to: back, pageSize: 1) == onPostgres)
        #expect(try await back.items(.open, limit: 100) == postgres.items(.open, limit: 100))
        await #expect(throws: StoreCopyError.self) { try await StoreCopy.copy(from: back, to: postgres) }
    }
}
