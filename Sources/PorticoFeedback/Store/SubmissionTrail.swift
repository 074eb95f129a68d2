import Foundation
import GRDB
import PorticoCore

/// What follows a feedback submission into the SQLite store: its `created` event and its outbox entry. Since v6 a
/// submission is stored as one row, and these two are written after it, for every submission since the last time, in
/// two statements: inside a later group commit (at most one in `interval`), by a timer `interval` after a submission
/// when no group commit comes (`FeedbackStore.writeTrailSoon`), and before anything reads or changes the events or the
/// outbox (`FeedbackStore.caughtUp()`). Writing them with each submission was two more rows and
/// five more indexes per submission, and a page of each per commit (bench/RESULTS.md, #18).
///
/// `submission_trail.through` is the last submission whose rows are written, in the same transaction as they are:
/// a crash loses no entry, since the store writes them when it opens. A row already there (a store `db copy`
/// filled) is not written twice.
final class SubmissionTrail: Sendable {
    /// How long a submission's event and entry may wait for a group commit to write them.
    static let interval: Duration = .milliseconds(50)

    private struct State {
        /// The newest submission inserted by this process, committed or about to be.
        var latest: Int64 = 0
        /// The newest one whose rows are committed.
        var through: Int64 = 0
        var lastWrite = ContinuousClock.now
        /// A timer will write the rows if no group commit does first (`scheduleTimer`).
        var timerSet = false
    }
    private let state = Locked(State())
    /// This trail's `SubmissionTrail.interval` (tests set a longer one).
    let interval: Duration

    init(interval: Duration = SubmissionTrail.interval) {
        self.interval = interval
    }

    /// Called inside the transaction that inserts submission `id`.
    func inserted(_ id: Int64) {
        state.withLock { $0.latest = max($0.latest, id) }
    }

    /// After a submission is stored: true when a timer should be started to write its rows in `interval`, for a
    /// server that receives nothing more (the group commits write them otherwise). At most one timer runs at a time.
    func scheduleTimer() -> Bool {
        state.withLock { state in
            guard !state.timerSet, state.latest > state.through else { return false }
            state.timerSet = true
            return true
        }
    }

    /// The timer went off: submissions stored from now on may start another.
    func timerFired() {
        state.withLock { $0.timerSet = false }
    }

    /// Whether submissions inserted by this process wait for their rows.
    var behind: Bool { state.withLock { $0.latest > $0.through } }

    /// In a group commit: writes the rows when some wait and `interval` has passed since the last time.
    func writeIfDue(_ db: Database) throws {
        let due = state.withLock { state in state.latest > state.through && state.lastWrite.duration(to: .now) >= interval }
        if due { try write(db) }
    }

    /// Writes the event and entry of every submission after `through`, inside the caller's write transaction.
    func write(_ db: Database) throws {
        let through = try Int64.fetchOne(db.cachedStatement(sql: "SELECT through FROM submission_trail")) ?? 0
        let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM submission")) ?? 0
        state.withLock { $0.lastWrite = .now }
        guard newest > through else { return noteCommitted(db, through: through) }
        // The same rows `record` and the PostgreSQL store write with each submission; its status then was `open`.
        try db.cachedStatement(sql: """
            INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, to_value)
            SELECT 'feedback', s.id, s.received_at, 'reader', 'created', 'open' FROM submission s
            WHERE s.id > ?1 AND NOT EXISTS (SELECT 1 FROM follow_up_event e
                                            WHERE e.item_kind = 'feedback' AND e.item_id = s.id AND e.action = 'created')
            ORDER BY s.id
            """).execute(arguments: [through])
        try db.cachedStatement(sql: """
            INSERT INTO outbox (submission_id, payload, next_attempt_at)
            SELECT s.id, NULL, s.received_at FROM submission s
            WHERE s.id > ?1 AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.submission_id = s.id)
            ORDER BY s.id
            """).execute(arguments: [through])
        try db.cachedStatement(sql: "UPDATE submission_trail SET through = ?").execute(arguments: [newest])
        noteCommitted(db, through: newest)
    }

    private func noteCommitted(_ db: Database, through: Int64) {
        db.afterNextTransaction { _ in
            self.state.withLock { $0.through = max($0.through, through) }
        }
    }
}
