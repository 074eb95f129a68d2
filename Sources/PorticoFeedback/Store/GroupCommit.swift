/// Group commit: submissions that wait while a commit is on its way to disk share the next transaction, so a
/// burst costs one durable commit (one fsync) instead of one each. `submit` returns only after the transaction
/// holding its work has committed, so an answer still means "stored".
///
/// Generic over the work and the store: `commit` runs a list of works in one transaction and gives one result per
/// work, in order. It isolates each work (a savepoint), so a work that fails is rolled back and answers for itself
/// while the others commit. When `commit` throws, nothing of that transaction is stored; each work is then tried
/// again in a transaction of its own, so one bad work cannot take the others down and every caller gets its own answer.
public actor GroupCommit<Work: Sendable, Output: Sendable> {
    public typealias Commit = @Sendable ([Work]) async throws -> [Result<Output, any Error>]

    private let commit: Commit
    private let maxBatch: Int
    private let lanes: Int
    private var waiting: [(work: Work, answer: CheckedContinuation<Output, any Error>)] = []
    private var draining = 0

    /// `maxBatch` bounds one transaction (its time holding the write lock, and the work lost to a retry). `lanes`
    /// transactions may commit at once: 1 for SQLite (one writer at a time anyway); more for a server database, where
    /// a transaction's time is mostly round trips and other connections can commit meanwhile.
    public init(maxBatch: Int = 256, lanes: Int = 1, commit: @escaping Commit) {
        precondition(maxBatch > 0 && lanes > 0, "a batch holds at least one work, and at least one batch commits")
        self.maxBatch = maxBatch
        self.lanes = lanes
        self.commit = commit
    }

    /// Runs `work` in the next shared transaction; returns its output once that transaction is committed.
    public func submit(_ work: Work) async throws -> Output {
        try await withCheckedThrowingContinuation { answer in
            waiting.append((work, answer))
            if draining < lanes {
                // A lane free: the work starts a commit at once (no added wait when idle); the works that arrive
                // while every lane commits make up the next batch.
                draining += 1
                Task { await drain() }
            }
        }
    }

    /// Works waiting for the next transaction (not those of the one committing).
    var queued: Int { waiting.count }

    private func drain() async {
        while !waiting.isEmpty {
            let batch = Array(waiting.prefix(maxBatch))
            waiting.removeFirst(batch.count)
            let results = await Self.run(batch.map(\.work), commit)
            for (entry, result) in zip(batch, results) { entry.answer.resume(with: result) }
        }
        draining -= 1
    }

    /// Runs outside the actor, so new works queue up while this batch commits.
    private nonisolated static func run(_ works: [Work], _ commit: Commit) async -> [Result<Output, any Error>] {
        do {
            let results = try await commit(works)
            precondition(results.count == works.count, "GroupCommit.commit gave \(results.count) results for \(works.count) works")
            return results
        } catch {
            guard works.count > 1 else { return [.failure(error)] }
            var results: [Result<Output, any Error>] = []
            for work in works { results += await run([work], commit) }
            return results
        }
    }
}
