import Logging
import PostgresNIO

/// One reader's write (a submission, a workshop request, a reading batch), run on the connection of a shared transaction.
typealias PostgresWork = @Sendable (PostgresConnection) async throws -> Int64

extension PostgresStore {
    /// At most this many works share a transaction: each runs in a savepoint (a subtransaction), and PostgreSQL keeps
    /// the ids of only 64 subtransactions per backend in shared memory; beyond that every other session's snapshot
    /// has to look them up on disk.
    static let maxBatch = 64
    /// Shared transactions committing at once, each on its own connection: a transaction's time is mostly round
    /// trips, so one at a time would leave both servers idle.
    static let lanes = 4

    /// The PostgreSQL side of `GroupCommit`: every work of a batch in one transaction on one connection, each in its
    /// own savepoint, so a work that fails (a replay, a bad row) is rolled back and answers for itself. An error that
    /// takes the whole transaction (a deadlock, a serialization failure, a lost connection, a failed COMMIT) throws,
    /// and `GroupCommit` retries each work in a transaction of its own. No work is answered before COMMIT returns
    /// (synchronous_commit as the server has it: on by default, so the commit is flushed to disk).
    static func groupCommit(_ client: PostgresClient, lanes: Int, logger: Logger) -> GroupCommit<PostgresWork, Int64> {
        GroupCommit(maxBatch: maxBatch, lanes: lanes) { works in
            try await client.withConnection { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    var results: [Result<Int64, any Error>] = []
                    results.reserveCapacity(works.count)
                    for work in works {
                        // Savepoints of one name stack; rolling back to it undoes only this work's rows.
                        try await connection.query("SAVEPOINT work", logger: logger)
                        do {
                            results.append(.success(try await work(connection)))
                        } catch let error where !takesTheTransaction(error) {
                            try await connection.query("ROLLBACK TO SAVEPOINT work", logger: logger)
                            results.append(.failure(error))
                        }
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return results
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        }
    }

    /// Errors that are not the work's own: the transaction (or the connection) cannot go on, so the batch is retried
    /// work by work rather than answering this work with a 500 it did not cause.
    static func takesTheTransaction(_ error: any Error) -> Bool {
        guard let error = error as? PSQLError else { return false }
        guard let state = error.serverInfo?[.sqlState] else { return true }   // no answer from the server: the connection
        return state.hasPrefix("40") || state.hasPrefix("08") || state.hasPrefix("57")
    }

    /// Runs `work` in the next shared transaction; returns once that transaction is committed. A unique-key violation
    /// (two replicas storing the same nonce at once) is answered as a replay.
    func write(grouped work: @escaping PostgresWork) async throws -> Int64 {
        try await replayGuarded { try await ingest.submit(work) }
    }
}
