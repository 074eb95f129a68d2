import Foundation
import PostgresNIO
import Testing
@testable import PorticoFeedback

/// Group commit on PostgreSQL (PORTICO_TEST_POSTGRES_URL): inserts that wait share one transaction, each is answered
/// for itself, and a transaction that fails as a whole is retried work by work. Which transaction stored a row is read
/// from a column the test adds, defaulting to `txid_current()` (the top-level transaction's id, also inside a savepoint).
@Suite(.enabled(if: TestDatabases.postgresURL != nil, TestDatabases.skipReason))
struct PostgresGroupCommitTests {
    typealias Answer = GroupCommitTests.Answer
    let shapes = GroupCommitTests()

    func openStore() async throws -> PostgresStore {
        // One lane, so that every insert queued behind the first shares one transaction (the store's own default commits
        // several at once: `aStoreWithSeveralLanesStoresEveryInsertOnce`).
        let store = try await PostgresStore.open(try await TestDatabases.freshPostgresDatabase(), lanes: 1)
        for table in ["submission", "workshop_request", "reading_batch"] {
            try await store.execute("ALTER TABLE \(table) ADD COLUMN test_xid bigint DEFAULT txid_current()")
        }
        return store
    }

    func insert(_ store: PostgresStore, _ new: NewSubmission) async -> Answer {
        await GroupCommitTests.answer { try await store.insert(new) { Notification.payload(id: $0, accountSlug: "acme", new: new) } }
    }

    func insertReading(_ store: PostgresStore, _ batch: ReadingBatch) async -> Answer {
        await GroupCommitTests.answer { try await store.insertReading(batch, accountSlug: "acme", receivedAt: Fixture.now); return 0 }
    }

    func count(_ store: PostgresStore, _ sql: String) async throws -> Int {
        let rows = try await store.rows(sql)
        return rows[0][0]
    }

    /// The transactions that stored rows in these tables.
    func transactions(_ store: PostgresStore) async throws -> Int {
        try await count(store, """
            SELECT COUNT(DISTINCT test_xid) FROM (SELECT test_xid FROM submission UNION ALL SELECT test_xid FROM workshop_request
                                                  UNION ALL SELECT test_xid FROM reading_batch) AS stored
            """)
    }

    /// Another session holds the readers' tables locked, so the first insert waits inside its transaction and what is
    /// submitted meanwhile queues behind it; then it lets go and returns every answer, in the order given.
    func inOneBatch(_ store: PostgresStore, _ submissions: [@Sendable () async -> Answer]) async throws -> [Answer] {
        let holder = PostgresStore(url: store.url)
        let state = GroupCommitTests.Recorder()   // `isHeld` until released; `batches` records that the lock is taken
        let hold = Task {
            try await holder.transaction { connection in
                try await holder.execute("LOCK TABLE submission, workshop_request, reading_batch IN EXCLUSIVE MODE", on: connection)
                state.record([])
                while state.isHeld { try await Task.sleep(for: .milliseconds(1)) }
            }
        }
        try await GroupCommitTests.waitUntil { state.batches.count == 1 }
        let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { tasks in
            tasks.addTask { (0, await submissions[0]()) }
            // The first insert is in its transaction, waiting for the lock; the others queue behind it.
            try await GroupCommitTests.waitUntil { (try? await count(holder, "SELECT COUNT(*) FROM pg_locks WHERE NOT granted")) ?? 0 > 0 }
            for (index, submit) in submissions.enumerated().dropFirst() { tasks.addTask { (index, await submit()) } }
            try await GroupCommitTests.waitUntil { store.ingest.queued == submissions.count - 1 }
            state.release()
            return try await tasks.reduce(into: [Answer](repeating: .failed, count: submissions.count)) { $0[$1.0] = $1.1 }
        }
        try await hold.value
        await holder.close()
        return answers
    }

    @Test func insertsThatWaitShareOneTransactionAndEachIsAnsweredWithItsOwnRow() async throws {
        let store = try await openStore()
        defer { Task { await store.close() } }
        let feedback = (0..<40).map { shapes.submission(nonce: "fb-\($0)", viewer: $0 % 2 == 0 ? "alice" : "bob", message: "message \($0)") }
        let readings = (0..<20).map { shapes.reading(nonce: "rd-\($0)") }
        let submissions: [@Sendable () async -> Answer] = feedback.map { new in { @Sendable in await insert(store, new) } }
            + readings.map { batch in { @Sendable in await insertReading(store, batch) } }
        let answers = try await inOneBatch(store, submissions)
        // The first insert alone (it waited for the lock), then the 59 that queued behind it in one transaction.
        #expect(try await transactions(store) == 2)
        #expect(answers.allSatisfy { if case .stored = $0 { true } else { false } })
        for (index, new) in feedback.enumerated() {
            let rows = try await store.rows("SELECT id, convert_from(body, 'UTF8') AS body FROM submission WHERE nonce = ?", [.text(new.submission.nonce)])
            #expect(rows.count == 1)
            let id: Int64 = rows[0]["id"]
            #expect(answers[index] == Answer.stored(id))
            #expect(rows[0]["body"] == "message \(index)")
        }
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox") == 40)
        #expect(try await count(store, "SELECT COUNT(DISTINCT submission_id) FROM outbox") == 40)
        #expect(try await count(store, "SELECT COUNT(*) FROM follow_up_event") == 40)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_batch") == 20)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_event") == 20)
    }

    @Test func aReplayInsideOneSharedTransactionIsRefusedExactlyOnceAndTheOthersAreStored() async throws {
        let store = try await openStore()
        defer { Task { await store.close() } }
        let workshop = NewWorkshopRequest(receivedAt: Fixture.now, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: "alice",
                                          page: "index.html", nonce: "shared", topic: "Costs", sme: nil)
        let answers = try await inOneBatch(store, [
            { await insert(store, shapes.submission(nonce: "first")) },
            { await insert(store, shapes.submission(nonce: "twice", message: "a")) },
            { await insert(store, shapes.submission(nonce: "other")) },
            { await insert(store, shapes.submission(nonce: "twice", message: "b")) },
            { await insert(store, shapes.submission(nonce: "twice", viewer: "bob")) },
            { await insertReading(store, shapes.reading(nonce: "read")) },
            { await insertReading(store, shapes.reading(nonce: "read")) },
            { await insert(store, shapes.submission(nonce: "shared")) },
            { await GroupCommitTests.answer { try await store.insertWorkshop(workshop) { Notification.workshopPayload(id: $0, new: workshop) } } },
        ])
        #expect(try await transactions(store) == 2)
        // Which of two equal nonces comes first depends on the order the tasks queued in; exactly one of each pair is refused.
        #expect([answers[1], answers[3]].filter { $0 == .replay }.count == 1)
        #expect([answers[5], answers[6]].filter { $0 == .replay }.count == 1)
        #expect([answers[7], answers[8]].filter { $0 == .replay }.count == 1)
        for index in [0, 2, 4] { #expect(answers[index] != .replay && answers[index] != .failed) }
        #expect(try await count(store, "SELECT COUNT(*) FROM submission WHERE nonce = 'twice'") == 2)
        #expect(try await count(store, "SELECT COUNT(*) FROM submission WHERE nonce = 'twice' AND viewer = 'alice'") == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_batch") == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_event") == 1)
        // "shared" is stored once, as feedback or as a workshop request, with one outbox entry.
        #expect(try await count(store, """
            SELECT (SELECT COUNT(*) FROM submission WHERE nonce = 'shared') + (SELECT COUNT(*) FROM workshop_request WHERE nonce = 'shared')
            """) == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox") == 5)
    }

    /// A row that makes COMMIT itself fail (a deferred constraint trigger refuses viewer `poison`): the shared
    /// transaction stores nothing, each work is retried in a transaction of its own, the others are stored exactly
    /// once and answered, and the poisoned one gets its own error.
    @Test func aCommitThatFailsIsRetriedWorkByWork() async throws {
        let store = try await openStore()
        defer { Task { await store.close() } }
        try await store.execute("""
            CREATE FUNCTION test_poison() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.viewer = 'poison' THEN RAISE EXCEPTION 'poisoned'; END IF; RETURN NULL; END $$
            """)
        try await store.execute("""
            CREATE CONSTRAINT TRIGGER test_poison AFTER INSERT ON reading_batch DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION test_poison()
            """)
        let answers = try await inOneBatch(store, [
            { await insert(store, shapes.submission(nonce: "n0")) },
            { await insert(store, shapes.submission(nonce: "n1")) },
            { await insertReading(store, shapes.reading(nonce: "n2", viewer: "poison")) },
            { await insert(store, shapes.submission(nonce: "n3")) },
            { await insertReading(store, shapes.reading(nonce: "n4")) },
        ])
        #expect(answers[2] == .failed)
        for index in [0, 1, 3, 4] { #expect(answers[index] != .failed && answers[index] != .replay) }
        #expect(try await count(store, "SELECT COUNT(*) FROM submission") == 3)
        #expect(try await count(store, "SELECT COUNT(*) FROM outbox") == 3)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_batch") == 1)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_batch WHERE viewer = 'poison'") == 0)
        // The first alone, then the shared one that failed (nothing of it stored), then each of the other three alone.
        #expect(try await transactions(store) == 4)
    }

    @Test func aStoreWithSeveralLanesStoresEveryInsertOnce() async throws {
        let store = try await PostgresStore.open(try await TestDatabases.freshPostgresDatabase())
        defer { Task { await store.close() } }
        let feedback = (0..<200).map { shapes.submission(nonce: "fb-\($0)", viewer: $0 % 2 == 0 ? "alice" : "bob", message: "message \($0)") }
        let answers = try await withThrowingTaskGroup(of: (String, Answer).self) { tasks in
            for new in feedback { tasks.addTask { (new.submission.nonce, await insert(store, new)) } }
            for index in 0..<100 { tasks.addTask { ("rd-\(index)", await insertReading(store, shapes.reading(nonce: "rd-\(index)"))) } }
            return try await tasks.reduce(into: [String: Answer]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 300 && answers.values.allSatisfy { if case .stored = $0 { true } else { false } })
        let rows = try await store.rows("SELECT id, nonce FROM submission")
        #expect(rows.count == 200)
        for row in rows {
            let (id, nonce): (Int64, String) = (row["id"], row["nonce"])
            #expect(answers[nonce] == .stored(id))
        }
        #expect(try await count(store, "SELECT COUNT(DISTINCT submission_id) FROM outbox") == 200)
        #expect(try await count(store, "SELECT COUNT(*) FROM reading_batch") == 100)
    }
}
