import Foundation
import GRDB
import Logging
import PorticoCore

/// Copies the write-ahead log back into the database from a connection of its own, off the commit path.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold, so one submission in a
/// thousand pages waited for it, and with it every submission of that group commit. The store's connections
/// keep an automatic checkpoint only as a backstop (`backstopPages`); after each group commit this starts a
/// PASSIVE checkpoint on another connection, which takes no write lock and waits for no reader.
/// Measured in `bench/RESULTS.md` (#18).
final class WALCheckpointer: Sendable {
    /// The automatic checkpoint left on the store's own connections, for writes that are not group commits.
    static let backstopPages = 10_000
    /// At most one checkpoint starts in this many seconds.
    static let interval = 0.1

    private let connection: DatabaseQueue
    private let logger = Logger(label: "portico.store")
    private struct State {
        var running = false
        /// A commit came while a checkpoint ran: another one follows it.
        var pending = false
        var lastStart = Date.distantPast
    }
    private let state = Locked(State())

    init(path: String) throws {
        connection = try DatabaseQueue(path: path)
    }

    /// Called after a commit: a checkpoint starts after it (at most one at a time, `interval` apart), so no
    /// committed frame stays in the log longer than the next checkpoint.
    func committed() {
        let starts = state.withLock { state -> Bool in
            guard !state.running else {
                state.pending = true
                return false
            }
            state.running = true
            return true
        }
        if starts { Task.detached { [self] in await run() } }
    }

    private func run() async {
        while true {
            let wait = Self.interval - Date().timeIntervalSince(state.current.lastStart)
            if wait > 0 { try? await Task.sleep(for: .seconds(wait)) }
            state.withLock { state in
                state.lastStart = Date()
                state.pending = false
            }
            do { _ = try await checkpoint() } catch { logger.warning("WAL checkpoint failed: \(error)") }
            let again = state.withLock { state -> Bool in
                if state.pending { return true }
                state.running = false
                return false
            }
            if !again { return }
        }
    }

    /// One PASSIVE checkpoint; returns the log's frames and how many of them are now in the database.
    func checkpoint() async throws -> (log: Int, checkpointed: Int) {
        try await connection.writeWithoutTransaction { db in
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            return (log: row?[1] ?? 0, checkpointed: row?[2] ?? 0)
        }
    }
}
