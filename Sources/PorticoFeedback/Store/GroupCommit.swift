import Foundation
import PorticoCore

/// Group commit: submissions that wait while a commit is on its way to disk share the next transaction, so a
/// burst costs one durable commit (one fsync) instead of one each. `submit` returns only after the transaction
/// holding its work has committed, so an answer still means "stored".
///
/// Generic over the work and the store: `commit` runs a list of works in one transaction and gives one result per
/// work, in order. It isolates each work, so a work that fails is rolled back and answers for itself
/// while the others commit. When `commit` throws, nothing of that transaction is stored; each work is then tried
/// again in a transaction of its own, so one bad work cannot take the others down and every caller gets its own answer.
///
/// A class with a lock rather than an actor: a submission queues without hopping to another executor and back.
/// A store whose commits block (SQLite) runs them on a thread of the group's own (`init(maxBatch:threadName:commit:)`):
/// one hand-off from the event loop to the writer and one back, where a task would add two more (onto Swift's pool, and
/// from it to the database's queue and back).
public final class GroupCommit<Work: Sendable, Output: Sendable>: Sendable {
    public typealias Commit = @Sendable ([Work]) async throws -> [Result<Output, any Error>]
    public typealias BlockingCommit = @Sendable ([Work]) throws -> [Result<Output, any Error>]

    private enum Committer: Sendable {
        case task(Commit)
        /// The writer thread waits on the semaphore when no work waits; a work that finds no lane draining signals it.
        case thread(BlockingCommit, DispatchSemaphore)
    }

    private struct Waiting: Sendable {
        var work: Work
        var answer: @Sendable (Result<Output, any Error>) -> Void
    }

    private struct Queue: Sendable {
        var waiting: [Waiting] = []
        var draining = 0
        var committing = 0
    }

    private let committer: Committer
    private let maxBatch: Int
    private let lanes: Int
    private let queue = Locked(Queue())

    /// `maxBatch` bounds one transaction (its time holding the write lock, and the work lost to a retry). `lanes`
    /// transactions may commit at once: 1 for SQLite (one writer at a time anyway); more for a server database, where
    /// a transaction's time is mostly round trips and other connections can commit meanwhile.
    public init(maxBatch: Int = 256, lanes: Int = 1, commit: @escaping Commit) {
        precondition(maxBatch > 0 && lanes > 0, "a batch holds at least one work, and at least one batch commits")
        self.maxBatch = maxBatch
        self.lanes = lanes
        committer = .task(commit)
    }

    /// One lane, drained by a thread of its own named `threadName`, which ends when the group is released.
    public init(maxBatch: Int = 256, threadName: String, commit: @escaping BlockingCommit) {
        precondition(maxBatch > 0, "a batch holds at least one work")
        self.maxBatch = maxBatch
        lanes = 1
        let wake = DispatchSemaphore(value: 0)
        committer = .thread(commit, wake)
        let thread = Thread { [weak self] in
            while true {
                wake.wait()
                guard let group = self else { return }
                group.drainBlocking(commit)
            }
        }
        thread.name = threadName
        thread.start()
    }

    deinit {
        // Wakes the writer thread, which finds the group gone and ends.
        if case .thread(_, let wake) = committer { wake.signal() }
    }

    /// Runs `work` in the next shared transaction; returns its output once that transaction is committed.
    public func submit(_ work: Work) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            submit(work) { continuation.resume(with: $0) }
        }
    }

    /// The same for a caller that cannot suspend (a NIO handler on its event loop): `answer` is called once, from the
    /// committing task, after the transaction holding `work` committed or failed.
    public func submit(_ work: Work, answer: @escaping @Sendable (Result<Output, any Error>) -> Void) {
        let startsLane = queue.withLock { queue in
            queue.waiting.append(Waiting(work: work, answer: answer))
            // A lane free: the work starts a commit at once (no added wait when idle); the works that arrive
            // while every lane commits make up the next batch.
            guard queue.draining < lanes else { return false }
            queue.draining += 1
            return true
        }
        guard startsLane else { return }
        switch committer {
        case .task(let commit): Task { await drain(commit) }
        case .thread(_, let wake): wake.signal()
        }
    }

    /// Works waiting for the next transaction (not those of the one committing).
    var queued: Int { queue.withLock { $0.waiting.count } }
    /// Works in the transactions committing now.
    var committing: Int { queue.withLock { $0.committing } }
    /// Lanes with a commit under way (or about to start one).
    var lanesInUse: Int { queue.withLock { $0.draining } }

    private func drain(_ commit: Commit) async {
        while let batch = nextBatch() {
            answer(batch, await Self.run(batch.map(\.work), commit))
        }
    }

    private func drainBlocking(_ commit: BlockingCommit) {
        while let batch = nextBatch() {
            answer(batch, Self.run(batch.map(\.work), commit))
        }
    }

    private func answer(_ batch: [Waiting], _ results: [Result<Output, any Error>]) {
        queue.withLock { $0.committing -= batch.count }
        for (entry, result) in zip(batch, results) { entry.answer(result) }
    }

    /// The next works to commit, or nil (and the lane freed) when none wait.
    private func nextBatch() -> [Waiting]? {
        queue.withLock { queue in
            guard !queue.waiting.isEmpty else {
                queue.draining -= 1
                return nil
            }
            let batch = Array(queue.waiting.prefix(maxBatch))
            queue.waiting.removeFirst(batch.count)
            queue.committing += batch.count
            return batch
        }
    }

    /// Runs while new works queue up behind this batch.
    private static func run(_ works: [Work], _ commit: Commit) async -> [Result<Output, any Error>] {
        do {
            return checked(try await commit(works), works)
        } catch {
            guard works.count > 1 else { return [.failure(error)] }
            var results: [Result<Output, any Error>] = []
            for work in works { results += await run([work], commit) }
            return results
        }
    }

    private static func run(_ works: [Work], _ commit: BlockingCommit) -> [Result<Output, any Error>] {
        do {
            return checked(try commit(works), works)
        } catch {
            guard works.count > 1 else { return [.failure(error)] }
            return works.flatMap { run([$0], commit) }
        }
    }

    private static func checked(_ results: [Result<Output, any Error>], _ works: [Work]) -> [Result<Output, any Error>] {
        precondition(results.count == works.count, "GroupCommit.commit gave \(results.count) results for \(works.count) works")
        return results
    }
}
