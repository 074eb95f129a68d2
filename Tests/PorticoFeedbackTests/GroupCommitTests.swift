import Foundation
import GRDB
import PorticoCore
import Testing
@testable import PorticoFeedback

/// Group commit: submissions that wait share one transaction, and each is answered for itself once it is stored.
@Suite struct GroupCommitTests {
    struct Poison: Error, Equatable {}

    /// Batches seen by a fake store: each a list of works; the first is held until `release`.
    final class Recorder: Sendable {
        private let recorded = Locked<[[Int]]>([])
        private let held = Locked(true)
        var batches: [[Int]] { recorded.current }
        func record(_ works: [Int]) { recorded.withLock { $0.append(works) } }
        func release() { held.withLock { $0 = false } }
        var isHeld: Bool { held.current }

        /// A group whose commit records each batch, waits while held, then answers every work with `answer`.
        func group(maxBatch: Int = 256, lanes: Int = 1, answer: @escaping @Sendable ([Int]) throws -> [Result<Int, any Error>])
            -> GroupCommit<Int, Int> {
            GroupCommit(maxBatch: maxBatch, lanes: lanes) { works in
                self.record(works)
                while self.isHeld { try await Task.sleep(for: .milliseconds(1)) }
                return try answer(works)
            }
        }

        /// The same on a thread of the group's own (a store whose commits block, as SQLite's do).
        func group(onAThread: Bool, answer: @escaping @Sendable ([Int]) throws -> [Result<Int, any Error>]) -> GroupCommit<Int, Int> {
            guard onAThread else { return group(answer: answer) }
            return GroupCommit(threadName: "test-writer") { works in
                self.record(works)
                while self.isHeld { usleep(1_000) }
                return try answer(works)
            }
        }
    }

    static func waitUntil(_ condition: () async -> Bool) async throws {
        while !(await condition()) { try await Task.sleep(for: .milliseconds(1)) }
    }

    @Test(arguments: [false, true])
    func worksThatArriveDuringACommitShareTheNextAndEachGetsItsOwnAnswer(onAThread: Bool) async throws {
        let recorder = Recorder()
        let group = recorder.group(onAThread: onAThread) { works in works.map { .success($0 * 10) } }
        let answers = try await withThrowingTaskGroup(of: (Int, Int).self) { tasks in
            tasks.addTask { (0, try await group.submit(0)) }
            try await Self.waitUntil { recorder.batches.count == 1 }
            for work in 1..<100 { tasks.addTask { (work, try await group.submit(work)) } }
            try await Self.waitUntil { group.queued == 99 }
            recorder.release()
            return try await tasks.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(recorder.batches.map(\.count) == [1, 99])
        #expect(answers == Dictionary(uniqueKeysWithValues: (0..<100).map { ($0, $0 * 10) }))
    }

    @Test func aBatchIsBoundedByMaxBatch() async throws {
        let recorder = Recorder()
        let group = recorder.group(maxBatch: 40) { works in works.map { .success($0) } }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { _ = try await group.submit(0) }
            try await Self.waitUntil { recorder.batches.count == 1 }
            for work in 1..<100 { tasks.addTask { _ = try await group.submit(work) } }
            try await Self.waitUntil { group.queued == 99 }
            recorder.release()
            try await tasks.waitForAll()
        }
        #expect(recorder.batches.map(\.count) == [1, 40, 40, 19])
        #expect(recorder.batches.flatMap { $0 }.sorted() == Array(0..<100))
    }

    /// With two lanes, a second work does not wait for the first's commit: two transactions are under way at once.
    @Test func withTwoLanesTwoBatchesCommitAtOnce() async throws {
        let recorder = Recorder()
        let group = recorder.group(lanes: 2) { works in works.map { .success($0) } }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { _ = try await group.submit(0) }
            try await Self.waitUntil { recorder.batches.count == 1 }
            tasks.addTask { _ = try await group.submit(1) }
            // Work 1 is either queued (one lane) or in a second transaction (two lanes).
            try await Self.waitUntil { group.queued + group.committing == 2 }
            #expect(group.lanesInUse == 2)
            if group.lanesInUse == 2 { try await Self.waitUntil { recorder.batches.count == 2 } }
            recorder.release()
            try await tasks.waitForAll()
        }
        #expect(recorder.batches == [[0], [1]])
    }

    /// A store whose shared transaction fails whenever it holds work 13 (a failure that takes the whole transaction):
    /// every other work is stored in a transaction of its own and answered; 13 gets its own error.
    @Test(arguments: [false, true])
    func aTransactionThatFailsIsRetriedWorkByWorkSoOneBadWorkAnswersAlone(onAThread: Bool) async throws {
        let recorder = Recorder()
        let group = recorder.group(onAThread: onAThread) { works in
            if works.contains(13) { throw Poison() }
            return works.map { .success($0 + 1000) }
        }
        let answers = try await withThrowingTaskGroup(of: (Int, Result<Int, Poison>).self) { tasks in
            let submit: @Sendable (Int) async -> (Int, Result<Int, Poison>) = { work in
                do { return (work, .success(try await group.submit(work))) } catch { return (work, .failure(error as! Poison)) }
            }
            tasks.addTask { await submit(0) }
            try await Self.waitUntil { recorder.batches.count == 1 }
            for work in 1..<30 { tasks.addTask { await submit(work) } }
            try await Self.waitUntil { group.queued == 29 }
            recorder.release()
            return try await tasks.reduce(into: [Int: Result<Int, Poison>]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers[13] == .failure(Poison()))
        for work in 0..<30 where work != 13 { #expect(answers[work] == .success(work + 1000)) }
        // [0], then the shared [1...29] that failed, then each of 1...29 alone. Works queue in the order their tasks
        // happen to run, so the shared batch is compared as a set.
        #expect(recorder.batches.count == 2 + 29)
        #expect(recorder.batches[1].sorted() == Array(1..<30))
        #expect(recorder.batches.dropFirst(2).map(\.count) == Array(repeating: 1, count: 29))
        #expect(recorder.batches.dropFirst(2).flatMap { $0 }.sorted() == Array(1..<30))
    }

    /// The writer thread holds its group weakly: a group no one holds is freed, and its thread ends.
    @Test func aGroupOnAThreadIsFreedWhenReleased() async throws {
        var group: GroupCommit<Int, Int>? = GroupCommit(threadName: "test-writer") { works in works.map { .success($0) } }
        #expect(try await group?.submit(7) == 7)
        weak let released = group
        group = nil
        // The thread may still be leaving the batch it answered.
        for _ in 0..<2_000 where released != nil { try await Task.sleep(for: .milliseconds(1)) }
        #expect(released == nil)
    }

    // MARK: SQLite

    /// Counts the store's commits.
    final class CommitCounter: TransactionObserver, Sendable {
        private let commits = Locked(0)
        var count: Int { commits.current }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { true }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { commits.withLock { $0 += 1 } }
        func databaseDidRollback(_ db: Database) {}
    }

    /// Holds the store's write lock, so that what is submitted meanwhile queues up behind it.
    final class WriterHold: Sendable {
        private let started = Locked(false)
        private let gate = DispatchSemaphore(value: 0)
        private let task = Locked<Task<Void, any Error>?>(nil)

        init(_ store: FeedbackStore) async throws {
            let (started, gate) = (started, gate)
            task.withLock {
                $0 = Task {
                    try await store.pool.writeWithoutTransaction { _ in
                        started.withLock { $0 = true }
                        gate.wait()
                    }
                }
            }
            try await GroupCommitTests.waitUntil { started.current }
        }

        func release() async throws {
            gate.signal()
            try await task.current?.value
        }
    }

    func submission(nonce: String, viewer: String = "alice", message: String = "hi") -> NewSubmission {
        let submission = Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: viewer,
                                    timestamp: 1, nonce: nonce, fields: ["message": .string(message)])
        return NewSubmission(receivedAt: Fixture.now, accountSlug: "acme", submission: submission, body: Data(message.utf8), sme: nil)
    }

    func reading(nonce: String, viewer: String = "alice") -> ReadingBatch {
        ReadingBatch(account: Fixture.acmePath, viewer: viewer, timestamp: 1, nonce: nonce,
                     events: [ReadingEvent(page: "index.html", kind: .view, startedAt: 1, activeSeconds: 7)])
    }

    enum Answer: Equatable { case stored(Int64), replay, failed }

    static func answer(_ body: () async throws -> Int64) async -> Answer {
        do { return .stored(try await body()) } catch StoreError.duplicateNonce { return .replay } catch { return .failed }
    }

    func insert(_ store: FeedbackStore, _ new: NewSubmission) async -> Answer {
        await Self.answer { try await store.insert(new) { Notification.payload(id: $0, accountSlug: "acme", new: new) } }
    }

    func insertReading(_ store: FeedbackStore, _ batch: ReadingBatch) async -> Answer {
        await Self.answer { try await store.insertReading(batch, accountSlug: "acme", receivedAt: Fixture.now); return 0 }
    }

    func count(_ store: FeedbackStore, _ sql: String) throws -> Int {
        // Submissions' events and notifications follow them (`SubmissionTrail`): written before they are counted.
        try store.writeCaughtUp { _ in }
        return try store.pool.read { try Int.fetchOne($0, sql: sql) ?? -1 }
    }

    /// Runs `submissions` while the writer is held, so that all but the first share one transaction, and checks
    /// that they did: two commits (the first work, then all the others) unless told otherwise.
    func inOneBatch(_ store: FeedbackStore, commits expected: Int = 2, _ submissions: [@Sendable () async -> Answer]) async throws -> [Answer] {
        let commits = CommitCounter()
        store.pool.add(transactionObserver: commits, extent: .observerLifetime)
        let hold = try await WriterHold(store)
        let answers = try await withThrowingTaskGroup(of: (Int, Answer).self) { tasks in
            tasks.addTask { (0, await submissions[0]()) }
            // The first work in its transaction (waiting for the writer), before any other is queued.
            try await Self.waitUntil { store.ingest.committing == 1 }
            // One at a time, each queued before the next starts: the batch holds them in list order, so "the later of
            // two equal nonces is refused" is the list's later one (tasks started together queue in any order).
            for (index, submit) in submissions.enumerated().dropFirst() {
                tasks.addTask { (index, await submit()) }
                try await Self.waitUntil { store.ingest.queued == index }
            }
            try await hold.release()
            return try await tasks.reduce(into: [Answer](repeating: .failed, count: submissions.count)) { $0[$1.0] = $1.1 }
        }
        #expect(commits.count == expected, "the works queued behind the first shared one transaction")
        return answers
    }

    @Test func manyConcurrentSubmissionsAreEachStoredOnceAndAnswered() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let feedback = (0..<300).map { submission(nonce: "fb-\($0)", viewer: $0 % 2 == 0 ? "alice" : "bob", message: "message \($0)") }
        let readings = (0..<300).map { reading(nonce: "rd-\($0)") }
        let answers = try await withThrowingTaskGroup(of: (String, Answer).self) { tasks in
            for new in feedback { tasks.addTask { (new.submission.nonce, await insert(store, new)) } }
            for batch in readings { tasks.addTask { (batch.nonce, await insertReading(store, batch)) } }
            return try await tasks.reduce(into: [String: Answer]()) { $0[$1.0] = $1.1 }
        }
        #expect(answers.count == 600)
        #expect(answers.values.allSatisfy { if case .stored = $0 { true } else { false } })
        // Each answer is the id of that submission's own row.
        let rows = try store.pool.read { try Row.fetchAll($0, sql: "SELECT id, nonce, body FROM submission") }
        #expect(rows.count == 300)
        for row in rows {
            let (nonce, id): (String, Int64) = (row["nonce"], row["id"])
            #expect(answers[nonce] == .stored(id))
            #expect(String(decoding: row["body"] as Data, as: UTF8.self) == "message \(nonce.dropFirst(3))")
        }
        #expect(try count(store, "SELECT COUNT(*) FROM outbox") == 300)
        #expect(try count(store, "SELECT COUNT(DISTINCT submission_id) FROM outbox") == 300)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_batch") == 300)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_event") == 300)
    }

    @Test func aReplayInsideOneBatchIsRefusedExactlyOnce() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let answers = try await inOneBatch(store, [
            { await insert(store, submission(nonce: "first")) },
            { await insert(store, submission(nonce: "twice", message: "a")) },
            { await insert(store, submission(nonce: "other")) },
            { await insert(store, submission(nonce: "twice", message: "b")) },
            { await insert(store, submission(nonce: "twice", viewer: "bob")) },   // another viewer's nonce is its own
            { await insertReading(store, reading(nonce: "twice")) },            // readings have their own guard
            { await insertReading(store, reading(nonce: "read")) },
            { await insertReading(store, reading(nonce: "read")) },
        ])
        #expect(answers.filter { $0 == .replay }.count == 2)
        #expect(answers[3] == .replay && answers[7] == .replay)
        for index in [0, 1, 2, 4, 5, 6] { #expect(answers[index] != .replay && answers[index] != .failed) }
        #expect(try count(store, "SELECT COUNT(*) FROM submission WHERE nonce = 'twice'") == 2)
        #expect(try count(store, "SELECT COUNT(*) FROM submission WHERE nonce = 'twice' AND viewer = 'alice' AND CAST(body AS TEXT) = 'a'") == 1)
        #expect(try count(store, "SELECT COUNT(*) FROM outbox") == 4)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_batch") == 2)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_event") == 2)
    }

    @Test func aWorkshopRequestReplayingAFeedbackNonceInTheSameBatchIsRefused() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let workshop = NewWorkshopRequest(receivedAt: Fixture.now, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: "alice",
                                          page: "index.html", nonce: "shared", topic: "Costs", sme: nil)
        let answers = try await inOneBatch(store, [
            { await insert(store, submission(nonce: "first")) },
            { await insert(store, submission(nonce: "shared")) },
            { await Self.answer { try await store.insertWorkshop(workshop) { Notification.workshopPayload(id: $0, new: workshop) } } },
        ])
        #expect(answers[2] == .replay)
        #expect(try count(store, "SELECT COUNT(*) FROM workshop_request") == 0)
    }

    /// A work that fails halfway (after its first insert) in a shared transaction: its rows are rolled back, it gets
    /// its own error, and every other work of the batch is stored and answered.
    @Test func aFailingWorkInABatchDoesNotTakeTheOthersDown() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        let answers = try await inOneBatch(store, [
            { await insert(store, submission(nonce: "n0")) },
            { await insert(store, submission(nonce: "n1")) },
            { await Self.answer {
                try await store.write(grouped: { db in
                    try db.execute(sql: "INSERT INTO reading_batch (account_path, viewer, nonce, received_at) VALUES ('p', 'v', 'half', 0)")
                    try db.execute(sql: "INSERT INTO no_such_table VALUES (1)")
                    return 1
                })
            } },
            { await insert(store, submission(nonce: "n3")) },
            { await insertReading(store, reading(nonce: "n4")) },
        ])
        #expect(answers[2] == .failed)
        for index in [0, 1, 3, 4] { #expect(answers[index] != .failed && answers[index] != .replay) }
        #expect(try count(store, "SELECT COUNT(*) FROM submission") == 3)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_batch") == 1)
        #expect(try count(store, "SELECT COUNT(*) FROM reading_batch WHERE nonce = 'half'") == 0)
    }

    /// A work that ends the shared transaction itself (ROLLBACK): the batch's transaction fails as a whole, and each
    /// work is retried alone; the others are stored exactly once.
    @Test func aWorkThatBreaksTheSharedTransactionIsRetriedAloneAndTheOthersAreStoredOnce() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        // n0, then the shared transaction that fails (no commit), then n1 and n3 alone.
        let answers = try await inOneBatch(store, commits: 3, [
            { await insert(store, submission(nonce: "n0")) },
            { await insert(store, submission(nonce: "n1")) },
            { await Self.answer {
                try await store.write(grouped: { db in
                    try db.execute(sql: "ROLLBACK")
                    return 1
                })
            } },
            { await insert(store, submission(nonce: "n3")) },
        ])
        #expect(answers[2] == .failed)
        for index in [0, 1, 3] { #expect(answers[index] != .failed && answers[index] != .replay) }
        #expect(try count(store, "SELECT COUNT(*) FROM submission") == 3)
        #expect(try count(store, "SELECT COUNT(*) FROM outbox") == 3)
    }
}

@Suite struct WALCheckpointerTests {
    /// The rows of the database file alone, without its write-ahead log: what checkpoints have copied into it.
    static func rowsInTheFileAlone(_ path: String) -> Int? {
        let copy = Fixture.databasePath()
        guard (try? FileManager.default.copyItem(atPath: path, toPath: copy)) != nil,
              let queue = try? DatabaseQueue(path: copy) else { return nil }
        return try? queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") }
    }

    @Test func groupCommitsAreCheckpointedOffTheCommitPathAndTheAutomaticOneIsOnlyABackstop() async throws {
        let path = Fixture.databasePath()
        let store = try FeedbackStore(path: path)
        let backstop = try await store.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA wal_autocheckpoint") }
        #expect(backstop == WALCheckpointer.backstopPages)
        let tests = GroupCommitTests()
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<200 {
                group.addTask { _ = await tests.insert(store, tests.submission(nonce: "n\(index)")) }
            }
        }
        // 200 submissions fill far fewer pages than the backstop: only the checkpointer copies them into the file.
        var rows: Int?
        for _ in 0..<500 where rows != 200 {
            try await Task.sleep(for: .milliseconds(20))
            rows = Self.rowsInTheFileAlone(path)
        }
        #expect(rows == 200)
    }
}
