import Foundation
import GRDB

/// A stored reading event, as `portico engagement list` prints it.
public struct StoredReadingEvent: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var receivedAt: Date
    public var accountSlug: String
    public var viewer: String
    public var page: String
    public var kind: String
    public var startedAt: Date
    public var activeSeconds: Int
    public var scrollPercent: Int
    public var file: String?

    public init(row: Row) throws {
        id = row["id"]
        receivedAt = row["received_at"]
        accountSlug = row["account_slug"]
        viewer = row["viewer"]
        page = row["page"]
        kind = row["kind"]
        startedAt = row["started_at"]
        activeSeconds = row["active_seconds"]
        scrollPercent = row["scroll_percent"]
        file = row["file"]
    }
}

extension FeedbackStore {
    /// Stores a batch's events with its nonce in one transaction; a nonce seen before throws `duplicateNonce`.
    public func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt date: Date) async throws {
        try await withCheckedThrowingContinuation { continuation in
            insertReading(batch, accountSlug: accountSlug, receivedAt: date) { continuation.resume(with: $0) }
        }
    }

    /// The same insert for a caller that cannot suspend: `answer` is called once its transaction committed or failed.
    public func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt date: Date,
                              answer: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        ingest.submit(Self.readingInsertion(batch, accountSlug: accountSlug, receivedAt: date)) { result in
            switch result {
            case .success: answer(.success(()))
            case .failure(let error as DatabaseError)
                    where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY || error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE:
                answer(.failure(StoreError.duplicateNonce))
            case .failure(let error): answer(.failure(error))
            }
        }
    }

    /// A batch's rows, as a work for the shared write transaction.
    private static func readingInsertion(_ batch: ReadingBatch, accountSlug: String, receivedAt date: Date) -> SQLiteWork {
        // The texts GRDB stores for the dates, written before the write lock is taken.
        let receivedAt = UTCDateText.storage(date)
        let started = batch.events.map { UTCDateText.storage(Date(timeIntervalSince1970: TimeInterval($0.startedAt))) }
        return { db in
            try db.run(db.cachedStatement(sql: "INSERT INTO reading_batch (account_path, account_slug, viewer, nonce, received_at) VALUES (?, ?, ?, ?, ?)")) { bind in
                bind.text(1, batch.account); bind.text(2, accountSlug); bind.text(3, batch.viewer); bind.text(4, batch.nonce); bind.text(5, receivedAt)
            }
            let insert = try db.cachedStatement(sql: """
                INSERT INTO reading_event (received_at, account_slug, viewer, page, kind, started_at, active_seconds, scroll_percent, file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (event, startedAt) in zip(batch.events, started) {
                try db.run(insert) { bind in
                    bind.text(1, receivedAt); bind.text(2, accountSlug); bind.text(3, batch.viewer); bind.text(4, event.page)
                    bind.text(5, event.kind.rawValue); bind.text(6, startedAt); bind.integer(7, Int64(event.activeSeconds))
                    bind.integer(8, Int64(event.scrollPercent)); bind.text(9, event.file)
                }
            }
            return 0
        }
    }

    /// An account's reading events (by slug), oldest view first; `since` keeps views started on or after it.
    public func readingEvents(account slug: String, since: Date? = nil) throws -> [StoredReadingEvent] {
        try pool.read { db in
            var sql = "SELECT * FROM reading_event WHERE account_slug = ?"
            var arguments: StatementArguments = [slug]
            if let since {
                sql += " AND started_at >= ?"
                arguments += [since]
            }
            return try StoredReadingEvent.fetchAll(db, sql: sql + " ORDER BY started_at, id", arguments: arguments)
        }
    }

    /// Retention: deletes reading events whose view started before `cutoff`, and replay-guard rows received
    /// before `batchCutoff` (their batches' timestamps are outside the clock window by then). Returns both counts.
    @discardableResult
    public func pruneReading(startedBefore cutoff: Date, batchesReceivedBefore batchCutoff: Date) async throws -> (events: Int, batches: Int) {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM reading_event WHERE started_at < ?", arguments: [cutoff])
            let events = db.changesCount
            try db.execute(sql: "DELETE FROM reading_batch WHERE received_at < ?", arguments: [batchCutoff])
            return (events, db.changesCount)
        }
    }

    /// Erases everything one reader of one account sent or caused, in one transaction: their feedback and workshop
    /// requests with the follow-up history and notifications about them, their reading events and batches, and
    /// their rows in any other table of `readerTables`. `account` is the slug (or the site path). Returns the rows
    /// removed per table, in the order they were deleted.
    public func forget(account: String, viewer: String) throws -> [(table: String, rows: Int)] {
        try writeCaughtUp { db in
            var slugs: Set<String> = [account]
            for table in ["submission", "workshop_request", "reading_batch"] {
                slugs.formUnion(try String.fetchAll(db, sql: "SELECT DISTINCT account_slug FROM \(table) WHERE account_path = ? AND account_slug IS NOT NULL",
                                                    arguments: [account]))
            }
            let inSlugs = "(" + slugs.map { _ in "?" }.joined(separator: ",") + ")"
            let mine = StatementArguments(slugs.sorted()) + [viewer]
            let submissions = "SELECT id FROM submission WHERE account_slug IN \(inSlugs) AND viewer = ?"
            let workshops = "SELECT id FROM workshop_request WHERE account_slug IN \(inSlugs) AND viewer = ?"
            var removed: [(table: String, rows: Int)] = []
            func delete(_ table: String, _ sql: String, _ arguments: StatementArguments) throws {
                try db.execute(sql: sql, arguments: arguments)
                if let index = removed.firstIndex(where: { $0.table == table }) { removed[index].rows += db.changesCount }
                else { removed.append((table, db.changesCount)) }
            }
            // What hangs off a submission or workshop request goes first (the outbox references both).
            try delete("follow_up_event", """
                DELETE FROM follow_up_event WHERE (item_kind = 'feedback' AND item_id IN (\(submissions)))
                                               OR (item_kind = 'workshop' AND item_id IN (\(workshops)))
                """, mine + mine)
            try delete("outbox", "DELETE FROM outbox WHERE submission_id IN (\(submissions)) OR workshop_id IN (\(workshops))", mine + mine)
            let order = ["workshop_request", "submission"] + Self.readerTables.map(\.table).filter { $0 != "workshop_request" && $0 != "submission" }
            for table in order {
                guard let viewerColumn = Self.readerTables.first(where: { $0.table == table })?.viewerColumn else { continue }
                let columns = Set(try db.columns(in: table).map(\.name))
                if columns.contains("account_slug") {
                    try delete(table, "DELETE FROM \(table) WHERE account_slug IN \(inSlugs) AND \(viewerColumn) = ?", mine)
                }
                if columns.contains("account_path") {
                    // Rows written before their table named the slug (reading_batch before v3-reading).
                    try delete(table, "DELETE FROM \(table) WHERE account_path = ? AND \(viewerColumn) = ?", [account, viewer])
                }
            }
            return removed
        }
    }
}
