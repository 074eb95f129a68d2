import Foundation
import GRDB
import PorticoCore
import Testing
@testable import PorticoFeedback

/// The `PorticoStore` operations, run the same way on SQLite and on PostgreSQL (when PORTICO_TEST_POSTGRES_URL is
/// set): replay guards, follow-up, reading signals, the console's reads, sessions, the outbox, and refusing a newer schema.
@Suite struct StoreBackendTests {
    static let ada = NewSubmission.SME(name: "Ada Lovelace", email: "ada@vendor.example")
    static let now = Fixture.now.addingTimeInterval(0.123)

    static func submission(viewer: String = "alice", nonce: String = Fixture.freshNonce(), workshop: Bool = false, at date: Date = now) -> NewSubmission {
        let fields: [String: JSONValue] = ["message": .string("Useful, thanks"), "rating": .integer(4), "workshop": .bool(workshop)]
        let submission = Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: viewer,
                                    timestamp: Int64(date.timeIntervalSince1970), nonce: nonce, fields: fields)
        var new = NewSubmission(receivedAt: date, accountSlug: "acme", submission: submission, body: Data("{\"x\":1}".utf8), sme: ada)
        if workshop {
            new.workshopRequest = NewWorkshopRequest(receivedAt: date, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: viewer,
                                                     page: "insights/cloud-costs/index.html", nonce: nil, topic: "Cloud costs", sme: ada)
        }
        return new
    }

    static func workshop(viewer: String = "bob", nonce: String? = Fixture.freshNonce()) -> NewWorkshopRequest {
        NewWorkshopRequest(receivedAt: now, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: viewer, page: "index.html", nonce: nonce,
                           topic: "Pricing", preferredWeeks: "weeks 24-26", participants: 8, notes: "on site", sme: ada)
    }

    static func batch(viewer: String = "alice", nonce: String = Fixture.freshNonce(), started: Date = now) -> ReadingBatch {
        let start = Int64(started.timeIntervalSince1970)
        return ReadingBatch(account: Fixture.acmePath, viewer: viewer, timestamp: start + 60, nonce: nonce, events: [
            ReadingEvent(page: "insights/cloud-costs/index.html", kind: .view, startedAt: start, activeSeconds: 90, scrollPercent: 80),
            ReadingEvent(page: "index.html", kind: .view, startedAt: start + 100, activeSeconds: 30, scrollPercent: 100),
            ReadingEvent(page: "index.html", kind: .download, startedAt: start + 120, file: "files/deck.pdf"),
        ])
    }

    @discardableResult
    static func insert(_ store: any PorticoStore, _ new: NewSubmission) async throws -> Int64 {
        try await store.insert(new) { Notification.payload(id: $0, accountSlug: "acme", new: new) }
    }

    @Test(arguments: TestDatabases.backends)
    func aNonceIsAcceptedOnceAcrossBothFormsAndReadingBatchesOnce(_ backend: TestDatabases.Backend) async throws {
        let store = try await TestDatabases.open(backend)
        defer { Task { await store.close() } }
        let nonce = Fixture.freshNonce()
        let id = try await Self.insert(store, Self.submission(nonce: nonce, workshop: true))
        await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(store, Self.submission(nonce: nonce)) }
        // The same nonce on the workshop form: the body was signed once, so it is refused there too.
        var replay = Self.workshop(viewer: "alice", nonce: nonce)
        replay.accountPath = Fixture.acmePath
        await #expect(throws: StoreError.duplicateNonce) { try await store.insertWorkshop(replay) { _ in "{}" } }
        // Another viewer may use the same nonce.
        _ = try await Self.insert(store, Self.submission(viewer: "bob", nonce: nonce))

        let stored = try #require(try await store.submission(id: id))
        #expect(stored.viewer == "alice" && stored.status == .open && stored.smeName == "Ada Lovelace")
        #expect(stored.fields["rating"] == .integer(4) && abs(stored.receivedAt.timeIntervalSince(Self.now)) < 0.001)
        let workshops = try await store.workshopRequests(WorkshopFilter())
        #expect(workshops.count == 1 && workshops[0].submissionID == id && workshops[0].state == .requested)
        #expect(try await store.submissions(SubmissionFilter()).count == 2)
        #expect(try await store.submissions(SubmissionFilter(statuses: [])).isEmpty)

        let batchNonce = Fixture.freshNonce()
        try await store.insertReading(Self.batch(nonce: batchNonce), accountSlug: "acme", receivedAt: Self.now)
        await #expect(throws: StoreError.duplicateNonce) {
            try await store.insertReading(Self.batch(nonce: batchNonce), accountSlug: "acme", receivedAt: Self.now)
        }
        // The refused batch stored none of its events.
        #expect(try await store.readingEvents(account: "acme", since: nil).count == 3)
    }

    @Test(arguments: TestDatabases.backends)
    func followUpChangesAreRecordedInOrder(_ backend: TestDatabases.Backend) async throws {
        let store = try await TestDatabases.open(backend)
        defer { Task { await store.close() } }
        let id = try await Self.insert(store, Self.submission())
        let later = Self.now.addingTimeInterval(60)
        try await store.assign(.feedback, id: id, to: "sam", actor: "lead", at: later)
        try await store.assign(.feedback, id: id, to: "sam", actor: "lead", at: later)       // no change, no event
        try await store.addNote(.feedback, id: id, note: "called them", actor: "sam", at: later)
        #expect(try await store.resolve(id: id, note: "done", at: later.addingTimeInterval(1), actor: "cli"))
        #expect(try await store.resolve(id: 999_999, note: "x", at: later, actor: "cli") == false)
        await #expect(throws: FollowUpError.emptyNote) { try await store.addNote(.feedback, id: id, note: "  ", actor: "sam", at: later) }
        await #expect(throws: FollowUpError.notFound(.workshop, id: 42)) { try await store.addNote(.workshop, id: 42, note: "x", actor: "sam", at: later) }
        let resolved = try #require(try await store.submission(id: id))
        #expect(resolved.status == .resolved && resolved.note == "done" && resolved.assignee == "sam")
        #expect(try await store.history(.feedback, id: id).map(\.action) == ["created", "assign", "note", "state"])

        let workshop = try await store.insertWorkshop(Self.workshop()) { _ in "{}" }
        await #expect(throws: FollowUpError.dateRequired) {
            try await store.changeWorkshopState(id: workshop, to: .scheduled, scheduledFor: nil, actor: "sam", note: nil, at: later)
        }
        await #expect(throws: FollowUpError.invalidTransition(from: .requested, to: .won)) {
            try await store.changeWorkshopState(id: workshop, to: .won, scheduledFor: nil, actor: "sam", note: nil, at: later)
        }
        let june10 = Day(year: 2025, month: 6, day: 10)
        let scheduled = try await store.changeWorkshopState(id: workshop, to: .scheduled, scheduledFor: june10, actor: "sam", note: "booked", at: later)
        #expect(scheduled.state == .scheduled && scheduled.scheduledFor == june10 && scheduled.participants == 8)
        #expect(try await store.history(.workshop, id: workshop).map(\.action) == ["created", "state", "schedule"])
        #expect(try await store.workshopRequests(WorkshopFilter(states: [.scheduled])).map(\.id) == [workshop])
    }

    @Test(arguments: TestDatabases.backends)
    func consoleReadsRetentionAndForget(_ backend: TestDatabases.Backend) async throws {
        let store = try await TestDatabases.open(backend)
        defer { Task { await store.close() } }
        try await store.insertReading(Self.batch(viewer: "alice"), accountSlug: "acme", receivedAt: Self.now)
        try await store.insertReading(Self.batch(viewer: "bob", started: Self.now.addingTimeInterval(-40 * 86_400)), accountSlug: "acme", receivedAt: Self.now)
        let feedback = try await Self.insert(store, Self.submission(viewer: "alice", workshop: true))
        try await store.assign(.feedback, id: feedback, to: "sam", actor: "lead", at: Self.now)

        let totals = try #require(try await store.accountTotals(from: Self.now.addingTimeInterval(-30 * 86_400), to: Self.now.addingTimeInterval(3600))["acme"])
        #expect(totals.current == ConsoleQueries.Reading(seconds: 120, readers: 1, pieces: 2))
        #expect(totals.previous == ConsoleQueries.Reading(seconds: 120, readers: 1, pieces: 2))
        #expect(totals.openFeedback == 1 && totals.openWorkshops == 1)
        let (readers, pages) = try await store.accountReading(account: "acme", from: Self.now.addingTimeInterval(-86_400))
        #expect(readers.map(\.viewer) == ["alice"] && readers[0].seconds == 120 && readers[0].pieces == 2)
        #expect(pages.map(\.page) == ["insights/cloud-costs/index.html", "index.html"])
        #expect(try await store.lastSeen(account: "acme").keys.sorted() == ["alice", "bob"])
        #expect(Set(try await store.items(.account("acme"), limit: 50).map(\.kind.rawValue)) == ["feedback", "workshop"])
        #expect(try await store.items(.assignedTo(staffID: "sam", email: ""), limit: 50).map(\.id) == [feedback])
        // Unassigned items reach the SME named on them, by e-mail, in any case.
        #expect(try await store.items(.assignedTo(staffID: "kim", email: "ADA@vendor.example"), limit: 50).map(\.kind) == [.workshop])
        let one = try #require(try await store.items(.one(.feedback, feedback), limit: 1).first)
        #expect(one.summary == "message: Useful, thanks · rating: 4 · workshop: yes" && one.assignee == "sam")

        let pruned = try await store.pruneReading(startedBefore: Self.now.addingTimeInterval(-30 * 86_400), batchesReceivedBefore: Self.now.addingTimeInterval(-1))
        #expect(pruned.events == 3 && pruned.batches == 0)
        let removed = try await store.forget(account: "acme", viewer: "alice")
        #expect(Dictionary(removed.map { ($0.table, $0.rows) }, uniquingKeysWith: +)
                == ["follow_up_event": 3, "outbox": 2, "workshop_request": 1, "submission": 1, "reading_event": 3, "reading_batch": 1])
        #expect(try await store.submissions(SubmissionFilter()).isEmpty)
    }

    @Test(arguments: TestDatabases.backends)
    func sessionsAndTheOutbox(_ backend: TestDatabases.Backend) async throws {
        let store = try await TestDatabases.open(backend)
        defer { Task { await store.close() } }
        try await store.createSession(key: "k1", value: Data("one".utf8), expiresAt: Self.now)
        await #expect(throws: StoreError.duplicateSession) { try await store.createSession(key: "k1", value: Data(), expiresAt: nil) }
        try await store.setSession(key: "k1", value: Data("two".utf8), expiresAt: nil)          // keeps its expiry
        try await store.setSession(key: "k2", value: Data("three".utf8), expiresAt: Self.now.addingTimeInterval(60))
        let k1 = try #require(try await store.session(key: "k1"))
        #expect(k1.value == Data("two".utf8) && abs((k1.expiresAt ?? .distantPast).timeIntervalSince(Self.now)) < 0.001)
        try await store.removeSessions(expiredAt: Self.now)
        #expect(try await store.session(key: "k1") == nil)
        #expect(try await store.session(key: "k2")?.value == Data("three".utf8))

        let id = try await Self.insert(store, Self.submission())
        let due = try await store.dueNotifications(at: Self.now, limit: 10)
        #expect(due.map(\.submissionID) == [id] && due[0].attempts == 0)
        #expect(due[0].payload.contains("\"type\":\"feedback\""))
        try await store.markFailed(due[0].id, error: "HTTP 500", retryAt: Self.now.addingTimeInterval(5))
        #expect(try await store.dueNotifications(at: Self.now.addingTimeInterval(4), limit: 10).isEmpty)
        let retry = try await store.dueNotifications(at: Self.now.addingTimeInterval(5), limit: 10)
        #expect(retry.map(\.id) == [due[0].id] && retry[0].attempts == 1)
        try await store.markDelivered(due[0].id, at: Self.now.addingTimeInterval(6))
        let counts = try await store.outboxCounts()
        #expect(counts.pending == 0 && counts.delivered == 1)
        #expect(try await store.dueNotifications(at: .distantFuture, limit: 10).isEmpty)
    }

    @Test(.enabled(if: TestDatabases.postgresURL != nil, TestDatabases.skipReason))
    func onPostgresAnOutboxEntryIsHandedToOneReplicaUntilItsClaimLapses() async throws {
        let url = try await TestDatabases.freshPostgresDatabase()
        let one = try await PostgresStore.open(url), two = try await PostgresStore.open(url)
        defer { Task { await one.close(); await two.close() } }
        for _ in 0..<3 { try await Self.insert(one, Self.submission()) }
        async let first = one.dueNotifications(at: Self.now, limit: 10)
        async let second = two.dueNotifications(at: Self.now, limit: 10)
        let (a, b) = try await (first, second)
        #expect(a.count + b.count == 3 && Set(a.map(\.id)).isDisjoint(with: b.map(\.id)))
        #expect(try await two.dueNotifications(at: Self.now.addingTimeInterval(PostgresStore.claimSeconds - 1), limit: 10).isEmpty)
        // A replica that died holding a claim: the entries come due again after it.
        #expect(try await two.dueNotifications(at: Self.now.addingTimeInterval(PostgresStore.claimSeconds), limit: 10).count == 3)
    }

    @Test(arguments: TestDatabases.backends)
    func aSchemaNewerThanThisPorticoIsRefused(_ backend: TestDatabases.Backend) async throws {
        switch backend {
        case .sqlite:
            let path = Fixture.databasePath()
            _ = try FeedbackStore(path: path)
            // The store's last connection checkpoints its log as it closes, holding the file for a moment after the
            // store is gone (a fresh-clone CI once hit that with "database is locked"): wait for it, as portico does.
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try await queue.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
            try queue.close()
            #expect(throws: StoreError.schemaTooNew(applied: StoreSchema.versions + ["v99: from the future"], known: StoreSchema.versions)) {
                _ = try FeedbackStore(path: path)
            }
        case .postgres:
            let url = try await TestDatabases.freshPostgresDatabase()
            let store = try await PostgresStore.open(url)
            #expect(try await store.schemaVersions() == StoreSchema.versions)
            try await store.execute("INSERT INTO portico_schema (version, name) VALUES (99, 'v99: from the future')")
            await store.close()
            await #expect(throws: StoreError.schemaTooNew(applied: StoreSchema.versions + ["v99: from the future"], known: StoreSchema.versions)) {
                _ = try await PostgresStore.open(url)
            }
        }
    }

    @Test func bothBackendsApplyTheSameVersions() {
        #expect(FeedbackStore.migrator.migrations == StoreSchema.versions)
        #expect(PostgresMigrations.all.map(\.name) == StoreSchema.versions)
    }
}
