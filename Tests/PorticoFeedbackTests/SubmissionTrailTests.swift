import Foundation
import GRDB
import PorticoCore
import Testing
@testable import PorticoFeedback

/// v6 on SQLite: a submission is one row when stored; its event and notification follow (`SubmissionTrail`), and its
/// replay guard is `SubmissionReplayFilter` in front of the table.
@Suite struct SubmissionTrailTests {
    /// A submission signed now (so that the filter holds its minute), or at `sentAt`.
    static func submission(nonce: String = Fixture.freshNonce(), viewer: String = "alice", sentAt: Int64 = Int64(Date().timeIntervalSince1970),
                           receivedAt: Date = Fixture.now) -> NewSubmission {
        NewSubmission(receivedAt: receivedAt, accountSlug: "acme",
                      submission: Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: viewer,
                                             timestamp: sentAt, nonce: nonce, fields: ["message": .string("Ist das 合规?"), "workshop": .bool(false)]),
                      body: Data("{}".utf8), sme: .init(name: "Ada Lovelace", email: "ada@vendor.example"))
    }

    static func insert(_ store: FeedbackStore, _ new: NewSubmission) async throws -> Int64 {
        try await store.insert(new) { _ in "not used on SQLite" }
    }

    static func rows(_ path: String, _ sql: String) throws -> [Row] {
        try DatabaseQueue(path: path).read { db in try Row.fetchAll(db, sql: sql) }
    }

    // MARK: replays

    @Test func theSameSignedRequestIsRefusedFromTheFilterAfterAReopenAndWhenAnotherProcessStoredIt() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path)
        let first = Self.submission()
        _ = try await Self.insert(store, first)
        await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(store, first) }
        // Another viewer, account or second with the same nonce is another key.
        var otherViewer = Self.submission(nonce: first.submission.nonce, viewer: "bob", sentAt: first.submission.timestamp)
        _ = try await Self.insert(store, otherViewer)
        otherViewer = Self.submission(nonce: first.submission.nonce, sentAt: first.submission.timestamp - 1)
        _ = try await Self.insert(store, otherViewer)

        // A second store on the file, as a restarted server: its filter is loaded from the table.
        let reopened = try FeedbackStore(path: path)
        await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(reopened, first) }
        #expect(reopened.replayFilter.loads == 1)

        // What `reopened` stored since, the first store's filter has not seen: `data_version` says the file changed.
        let second = Self.submission()
        _ = try await Self.insert(reopened, second)
        let loadsBefore = store.replayFilter.loads
        await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(store, second) }
        #expect(store.replayFilter.loads == loadsBefore + 1)
        // Its own commits and checkpoints do not make it load again.
        _ = try await Self.insert(store, Self.submission())
        _ = try await store.checkpointer.checkpoint()
        _ = try await Self.insert(store, Self.submission())
        #expect(store.replayFilter.loads == loadsBefore + 1)
        #expect(try store.submissions().count == 6)
    }

    @Test func theFilterNeverAnswersSeenOrUnseenWrongWhateverItsCapacity() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path)
        let now = Int64(Date().timeIntervalSince1970)
        // Keys over three minutes and one signed long ago, outside the window: the table answers for that one.
        let stored = [now - 150, now - 90, now - 30, now, 1_700_000_000].map { Self.submission(sentAt: $0) }
        for new in stored { _ = try await Self.insert(store, new) }
        let fresh = Self.submission(sentAt: now).submission
        for capacity in [1, 2, 3, 100] {
            let filter = SubmissionReplayFilter(capacity: capacity)
            func key(_ new: Submission) -> SubmissionReplayFilter.Key {
                SubmissionReplayFilter.Key(sentAt: new.timestamp, accountPath: new.account, viewer: new.viewer, nonce: new.nonce)
            }
            #expect(filter.mayHold(key(fresh)), "before it is loaded, the filter knows nothing: the table answers")
            try await store.pool.write { db in try filter.loadIfChanged(db) }
            let storedHeld = stored.map { filter.mayHold(key($0.submission)) }
            let freshHeld = filter.mayHold(key(fresh))
            #expect(storedHeld == [Bool](repeating: true, count: stored.count), "capacity \(capacity): a stored key is never said to be new")
            if capacity == 100 { #expect(!freshHeld, "with room for every key, a new one is new") }
        }
        // And the store refuses each of them, a replay whichever way it is found.
        for new in stored {
            await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(store, new) }
        }
    }

    @Test func aFeedbackSignedWithAWorkshopRequestsNonceIsAReplayWhicheverStoreTookTheRequest() async throws {
        let path = Fixture.databasePath()
        let (store, other) = (try FeedbackStore(path: path), try FeedbackStore(path: path))
        let now = Int64(Date().timeIntervalSince1970)
        _ = try await Self.insert(store, Self.submission())
        for (taker, nonce) in [(store, "shared-bbbbbbbbbbbb"), (other, "shared-cccccccccccc")] {
            _ = try await taker.insertWorkshop(NewWorkshopRequest(receivedAt: Fixture.now, accountSlug: "acme", accountPath: Fixture.acmePath,
                                                                  viewer: "alice", page: "index.html", nonce: nonce, topic: "Costs",
                                                                  sme: nil, sentAt: now)) { _ in "{}" }
            await #expect(throws: StoreError.duplicateNonce) { try await Self.insert(store, Self.submission(nonce: nonce, sentAt: now)) }
        }
        #expect(try store.submissions().count == 1)
    }

    // MARK: the event and the notification

    @Test func eachSubmissionGetsOneCreatedEventAndOneNotificationBuiltFromItsRow() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path)
        let new = Self.submission()
        let id = try await Self.insert(store, new)
        let history = try store.history(.feedback, id: id)
        #expect(history.map(\.action) == ["created"])
        #expect(history.first?.actor == "reader")
        #expect(history.first?.toValue == "open")
        let due = try await store.dueNotifications(at: Fixture.now.addingTimeInterval(1))
        #expect(due.map(\.submissionID) == [id])
        // The bytes the server wrote with the row before v6 (and the PostgreSQL store still does).
        #expect(due.first?.payload == Notification.payload(id: id, accountSlug: "acme", new: new))
        #expect(try Self.rows(path, "SELECT payload FROM outbox").map { $0[0] as String? } == [nil])
    }

    @Test func aSubmissionsRowsWrittenByNoCommitAreWrittenWhenTheStoreOpensAndOnlyOnce() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path, trailInterval: .seconds(3600))
        // Stored, its event and entry not yet written (as when the server is killed within the interval).
        let ids = [try await Self.insert(store, Self.submission()), try await Self.insert(store, Self.submission())]
        let written = try Self.rows(path, "SELECT COUNT(*) FROM outbox")[0][0] as Int
        #expect(written == 0, "their rows wait for a later commit")
        let reopened = try FeedbackStore(path: path)
        #expect(try Self.rows(path, "SELECT submission_id FROM outbox ORDER BY id").map { $0[0] as Int64 } == ids)
        #expect(try Self.rows(path, "SELECT item_id FROM follow_up_event WHERE action = 'created' ORDER BY id").map { $0[0] as Int64 } == ids)
        // The first store catches up too, and writes nothing twice.
        try await store.caughtUp()
        _ = try await reopened.dueNotifications(at: Fixture.now.addingTimeInterval(1))
        #expect(try Self.rows(path, "SELECT COUNT(*) FROM outbox")[0][0] as Int == 2)
        #expect(try Self.rows(path, "SELECT COUNT(*) FROM follow_up_event")[0][0] as Int == 2)
        #expect(try Self.rows(path, "SELECT through FROM submission_trail")[0][0] as Int64 == ids[1])
    }

    /// No later submission and no read: the rows still come, written by the store's own timer.
    @Test func anIdleStoreWritesTheRowsWithinTheInterval() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path, trailInterval: .milliseconds(50))
        let id = try await Self.insert(store, Self.submission())
        let start = ContinuousClock.now
        var written: [Int64] = []
        while written.isEmpty && start.duration(to: .now) < .seconds(5) {
            try await Task.sleep(for: .milliseconds(10))
            // Another connection, which catches up nothing itself.
            written = try Self.rows(path, "SELECT submission_id FROM outbox").map { $0[0] as Int64 }
        }
        #expect(written == [id])
        #expect(try Self.rows(path, "SELECT item_id FROM follow_up_event WHERE action = 'created'").map { $0[0] as Int64 } == [id])
    }

    @Test func anEventTheTeamAddsComesAfterTheCreatedOne() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath(), trailInterval: .seconds(3600))
        let id = try await Self.insert(store, Self.submission())
        try store.changeFeedbackStatus(id: id, to: .resolved, actor: "ada", note: "Called back", at: Fixture.now.addingTimeInterval(60))
        #expect(try store.history(.feedback, id: id).map(\.action) == ["created", "state"])
        let ids = try await store.pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM follow_up_event ORDER BY id") }
        #expect(try store.history(.feedback, id: id).map(\.id) == ids, "in id order too")
    }

    // MARK: the migration

    @Test func v6KeepsEveryOutboxEntryItsIdsAndTheSequenceAndWritesNoRowTwice() async throws {
        let path = Fixture.databasePath()
        let queue = try DatabaseQueue(path: path)
        try FeedbackStore.migrator.migrate(queue, upTo: StoreSchema.versions[4])
        try await queue.write { db in
            for index in 1...3 {
                try db.execute(sql: """
                    INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body, status)
                    VALUES ('2026-11-20 10:00:00.000', 'acme', ?, 'index.html', 'alice', ?, 1700000000, '{}', X'7B7D', 'open')
                    """, arguments: [Fixture.acmePath, "nonce-\(index)-aaaaaaaaaaaa"])
                try db.execute(sql: "INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value) VALUES ('feedback', ?, '2026-11-20 10:00:00.000', 'reader', 'created', 'open')",
                               arguments: [index])
                try db.execute(sql: "INSERT INTO outbox (submission_id, payload, next_attempt_at, delivered_at) VALUES (?, ?, '2026-11-20 10:00:00.000', ?)",
                               arguments: [index, "{\"id\":\(index)}", index == 1 ? "2026-11-20 10:00:01.000" : nil])
            }
            try db.execute(sql: "DELETE FROM outbox WHERE id = 3")
        }
        let before = try Self.rows(path, "SELECT * FROM outbox ORDER BY id").map { $0.description }
        let store = try FeedbackStore(path: path)
        #expect(try await store.schemaVersions() == StoreSchema.versions)
        #expect(try Self.rows(path, "SELECT * FROM outbox ORDER BY id").map { $0.description } == before)
        #expect(try Self.rows(path, "SELECT COUNT(*) FROM follow_up_event")[0][0] as Int == 3)
        try await store.pool.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let indexes = try db.indexes(on: "submission").map { "\($0.name) \($0.isUnique) \($0.columns)" }.sorted()
            #expect(indexes == [#"submission_by_account false ["account_slug", "received_at"]"#, #"submission_by_time false ["sent_at"]"#])
        }
        // The erased entry's id is not given again, and the old payloads are sent as they were.
        let id = try await Self.insert(store, Self.submission())
        try await store.caughtUp()
        #expect(try Self.rows(path, "SELECT id FROM outbox WHERE submission_id = \(id)")[0][0] as Int64 == 4)
        let payloads = try await store.dueNotifications(at: Date()).map(\.payload)
        #expect(payloads.count == 2 && payloads.contains("{\"id\":2}"), "\(payloads)")
    }
}
