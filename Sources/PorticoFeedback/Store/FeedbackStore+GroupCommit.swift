import GRDB

/// One reader's write (a submission, a workshop request, a reading batch), run inside a shared transaction.
typealias SQLiteWork = @Sendable (Database) throws -> Int64

extension FeedbackStore {
    /// The SQLite side of `GroupCommit`: every work of a batch in one write transaction, which commits with
    /// synchronous=FULL before any work is answered.
    ///
    /// Works share the transaction without a savepoint each (two statements prepared per work and every changed page
    /// copied to the sub-journal, a sixth of the writer's time). A work that fails before it changed a row (a
    /// replay, a nonce's unique key) answers for itself and the others go on. One that fails after changing rows is
    /// left out and the transaction is rolled back and run again without it, so none of its rows are stored.
    static func groupCommit(_ pool: DatabasePool, checkpointer: WALCheckpointer, replayFilter: SubmissionReplayFilter,
                            trail: SubmissionTrail) -> GroupCommit<SQLiteWork, Int64> {
        GroupCommit(threadName: "portico-writer") { works in
            defer { checkpointer.committed() }
            return try pool.writeWithoutTransaction { db in
                var leftOut: [Int: any Error] = [:]
                while true {
                    var results: [Result<Int64, any Error>] = []
                    results.reserveCapacity(works.count)
                    var failedHalfway = false
                    try db.inTransaction(.immediate) {
                        // Another process's commits since this store's last one: the replay filter reads them first.
                        try replayFilter.loadIfChanged(db)
                        for (index, work) in works.enumerated() {
                            if let error = leftOut[index] {
                                results.append(.failure(error))
                                continue
                            }
                            let changes = db.totalChangesCount
                            do {
                                results.append(.success(try work(db)))
                            } catch let error where db.totalChangesCount == changes && db.isInsideTransaction {
                                results.append(.failure(error))
                            } catch let error where db.isInsideTransaction {
                                leftOut[index] = error
                                failedHalfway = true
                                return .rollback
                            }
                            // A work that ended the transaction itself: GroupCommit runs each work alone.
                            guard db.isInsideTransaction else { throw TransactionEnded() }
                        }
                        // The events and outbox entries of earlier submissions, when they are due.
                        try trail.writeIfDue(db)
                        return .commit
                    }
                    if !failedHalfway { return results }
                }
            }
        }
    }

    private struct TransactionEnded: Error {}

    /// Runs `work` in the next shared write transaction; returns once that transaction is on disk.
    func write(grouped work: @escaping SQLiteWork) async throws -> Int64 {
        try await ingest.submit(work)
    }
}
