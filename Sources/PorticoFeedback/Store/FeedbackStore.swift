import Foundation
import GRDB

/// The SQLite database (WAL, synchronous=FULL): submissions, workshop requests, their history and the notification outbox.
/// A submission is one row when stored; its `created` event and its notification follow it (`SubmissionTrail`).
public final class FeedbackStore: Sendable {
    let pool: DatabasePool
    /// Readers' submissions, workshop requests and reading batches: waiting ones share one transaction.
    let ingest: GroupCommit<SQLiteWork, Int64>
    let checkpointer: WALCheckpointer
    /// The first half of the feedback replay guard (v6).
    let replayFilter = SubmissionReplayFilter()
    /// Submissions' events and outbox entries, written after them (v6).
    let trail: SubmissionTrail

    public convenience init(path: String) throws {
        try self.init(path: path, trailInterval: SubmissionTrail.interval)
    }

    /// `trailInterval`: how long submissions' events and notifications may wait for a group commit to write them.
    init(path: String, trailInterval: Duration) throws {
        trail = SubmissionTrail(interval: trailInterval)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // FULL: a commit is on disk before `write` returns, so a 201 survives power loss, not just a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A statement that can fail part-way inside a shared transaction keeps its undo pages (the statement
            // journal) in memory instead of a temporary file. Crash safety comes from the WAL, not from them.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
            // Checkpoints run off the commit path (`WALCheckpointer`); this one is only a backstop.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(WALCheckpointer.backstopPages)")
        }
        // Made 0600 before SQLite opens it (an existing file keeps its mode): submissions are private, and SQLite
        // gives the -wal and -shm files the database's mode.
        createPrivately(path)
        pool = try DatabasePool(path: path, configuration: configuration)
        // GRDB sets synchronous=NORMAL on the writer when it turns WAL on, after `prepareDatabase`: in WAL mode that
        // syncs only at checkpoints, so a commit (and its 201) could be lost on power loss. Set FULL again, last.
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        let migrator = Self.migrator
        // Forward-only: a database a newer portico migrated is refused, not half understood.
        let applied = try pool.read { db in try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : [] }
        if applied.contains(where: { !migrator.migrations.contains($0) }) {
            throw StoreError.schemaTooNew(applied: applied, known: migrator.migrations)
        }
        try migrator.migrate(pool)
        // The events and entries of submissions a crash left without them.
        try pool.write { [trail] db in try trail.write(db) }
        checkpointer = try WALCheckpointer(path: path)
        ingest = Self.groupCommit(pool, checkpointer: checkpointer, replayFilter: replayFilter, trail: trail)
    }

    /// Writes the events and outbox entries of this process's submissions that wait for them: before anything reads or
    /// changes either.
    func caughtUp() async throws {
        guard trail.behind else { return }
        try await pool.write { [trail] db in try trail.write(db) }
    }

    /// Makes sure a stored submission's event and entry are written within `SubmissionTrail.interval` even when no
    /// later group commit comes to write them: an idle server's history and outbox do not wait for the next reader.
    private func writeTrailSoon() {
        guard trail.scheduleTimer() else { return }
        Task { [self] in
            try? await Task.sleep(for: trail.interval)
            trail.timerFired()
            // A failure leaves them for the next group commit, read or opening of the store, which write them too.
            try? await caughtUp()
        }
    }

    /// A write of the account team's (or of `portico`'s commands) that follows this process's submissions' events.
    func writeCaughtUp<T>(_ body: (Database) throws -> T) throws -> T {
        try pool.write { db in
            if trail.behind { try trail.write(db) }
            return try body(db)
        }
    }

    /// The migrations applied to this database, oldest first.
    public func schemaVersions() async throws -> [String] {
        try await pool.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// Stores a submission; returns its id once committed. Its `created` event and outbox entry follow within
    /// `SubmissionTrail.interval`, and the entry's payload is built from the stored row when it is sent, so
    /// `notification` (what the PostgreSQL store writes) is not used here.
    public func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64 {
        try await withCheckedThrowingContinuation { continuation in
            insert(new, notification: notification) { continuation.resume(with: $0) }
        }
    }

    /// The same insert for a caller that cannot suspend: `answer` is called once its transaction committed or failed.
    public func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String,
                       answer: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
        // A replay is refused by the work itself (`StoreError.duplicateNonce`): since v6 no unique index on the
        // submission can fail its insert.
        ingest.submit(Self.insertion(new, replayFilter: replayFilter, trail: trail)) { result in
            answer(result)
            if case .success = result { self.writeTrailSoon() }
        }
    }

    /// A submission's row (and its workshop request's, when asked for), as a work for the shared write transaction.
    private static func insertion(_ new: NewSubmission, replayFilter: SubmissionReplayFilter, trail: SubmissionTrail) -> SQLiteWork {
        let status: SubmissionStatus = .open
        let fields = new.fieldsText
        // The same text GRDB stores for the date, written before the write lock is taken.
        let receivedAt = UTCDateText.storage(new.receivedAt)
        return { db in
            let submission = new.submission
            let key = SubmissionReplayFilter.Key(sentAt: submission.timestamp, accountPath: submission.account, viewer: submission.viewer,
                                                 nonce: submission.nonce)
            if replayFilter.mayHold(key),
               try Self.nonceUsed(db, accountPath: submission.account, viewer: submission.viewer, nonce: submission.nonce,
                                  sentAt: submission.timestamp) {
                throw StoreError.duplicateNonce
            }
            try db.run(db.cachedStatement(sql: """
                INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body,
                                        sme_name, sme_email, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)) { bind in
                bind.text(1, receivedAt); bind.text(2, new.accountSlug); bind.text(3, submission.account); bind.text(4, submission.page)
                bind.text(5, submission.viewer); bind.text(6, submission.nonce); bind.integer(7, submission.timestamp); bind.text(8, fields)
                bind.blob(9, new.body); bind.text(10, new.sme?.name); bind.text(11, new.sme?.email); bind.text(12, status.rawValue)
            }
            let id = db.lastInsertedRowID
            replayFilter.insert(key)
            trail.inserted(id)
            // The `workshop` box ticked: a workshop request too, with its own notification, in the same transaction.
            // The submission's own event and notification are written first, so that they come before the request's.
            if let workshop = new.workshopRequest, let notification = new.workshopNotification {
                try trail.write(db)
                _ = try Self.insertWorkshopRow(db, workshop, submissionID: id) { notification.with(id: $0, submissionID: id) }
            }
            return id
        }
    }

    public func submissions(_ filter: SubmissionFilter = SubmissionFilter()) throws -> [StoredSubmission] {
        guard let clause = filter.clause else { return [] }
        return try pool.read { db in
            try StoredSubmission.fetchAll(db, sql: "SELECT * FROM submission WHERE \(clause.sql) ORDER BY id", arguments: clause.statementArguments)
        }
    }

    public func submission(id: Int64) throws -> StoredSubmission? {
        try pool.read { db in try StoredSubmission.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ?", arguments: [id]) }
    }

    /// Marks a submission resolved with a note, recorded in its history; false when there is no such id.
    public func resolve(id: Int64, note: String, at date: Date, actor: String = "cli") throws -> Bool {
        do {
            try changeFeedbackStatus(id: id, to: .resolved, actor: actor, note: note, at: date)
            return true
        } catch FollowUpError.notFound {
            return false
        }
    }

    // MARK: outbox

    public func dueNotifications(at date: Date, limit: Int = 50) async throws -> [OutboxEntry] {
        try await caughtUp()
        return try await pool.read { db in
            try OutboxEntry.fetchAll(db, sql: """
                SELECT o.*, \(OutboxEntry.submissionColumns) FROM outbox o
                LEFT JOIN submission s ON o.payload IS NULL AND s.id = o.submission_id
                WHERE o.delivered_at IS NULL AND o.next_attempt_at <= ? ORDER BY o.next_attempt_at, o.id LIMIT ?
                """, arguments: [date, limit])
        }
    }

    public func markDelivered(_ id: Int64, at date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", arguments: [date, id])
        }
    }

    public func markFailed(_ id: Int64, error: String, retryAt: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                           arguments: [error, retryAt, id])
        }
    }

    /// (pending, delivered) notification counts.
    public func outboxCounts() async throws -> (pending: Int, delivered: Int) {
        try await caughtUp()
        return try await pool.read { db in
            let pending = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NULL") ?? 0
            let delivered = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox WHERE delivered_at IS NOT NULL") ?? 0
            return (pending, delivered)
        }
    }
}

/// Creates the file 0600 if it does not exist (outside the class: its `close()` would hide the C function's name).
private func createPrivately(_ path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
}

extension FilterClause {
    var statementArguments: StatementArguments {
        StatementArguments(values.map { value -> any DatabaseValueConvertible in
            switch value {
            case .text(let text): text
            case .date(let date): date
            }
        })
    }
}
