import GRDB

/// One reader's write (a submission, a workshop request, a reading batch), run inside a shared transaction.
typealias SQLiteWork = @Sendable (Database) throws -> Int64

extension FeedbackStore {
    /// The SQLite side of `GroupCommit`: every work of a batch in one write transaction, each in its own savepoint.
    /// The transaction commits with synchronous=FULL before any work is answered.
    static func groupCommit(_ pool: DatabasePool) -> GroupCommit<SQLiteWork, Int64> {
        GroupCommit { works in
            try await pool.write { db in
                try works.map { work in
                    var result: Result<Int64, any Error> = .failure(CancellationError())
                    try db.inSavepoint {
                        do {
                            result = .success(try work(db))
                            return .commit
                        } catch {
                            result = .failure(error)
                            return .rollback
                        }
                    }
                    return result
                }
            }
        }
    }

    /// Runs `work` in the next shared write transaction; returns once that transaction is on disk.
    func write(grouped work: @escaping SQLiteWork) async throws -> Int64 {
        try await ingest.submit(work)
    }
}
