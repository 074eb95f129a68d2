import Foundation
import GRDB
import PostgresNIO

/// What readers send, on PostgreSQL: inserts that wait share one transaction (`write(grouped:)`), and each answer
/// waits for that commit.
extension PostgresStore {
    public func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64 {
        let fields = new.fieldsText
        return try await write(grouped: { db in
            try await self.claimNonce(db, accountPath: new.submission.account, viewer: new.submission.viewer, nonce: new.submission.nonce,
                                      sentAt: new.submission.timestamp)
            let id: Int64 = try await self.rows("""
                INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body,
                                        sme_name, sme_email, status)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """, [.date(new.receivedAt), .text(new.accountSlug), .text(new.submission.account), .text(new.submission.page),
                      .text(new.submission.viewer), .text(new.submission.nonce), .int64(new.submission.timestamp), .text(fields),
                      .bytes(new.body), .text(new.sme?.name), .text(new.sme?.email), .text(SubmissionStatus.open.rawValue)], on: db)[0]["id"]
            try await self.record(db, .feedback, id: id, at: new.receivedAt, actor: "reader", action: .created, to: SubmissionStatus.open.rawValue)
            try await self.execute("INSERT INTO outbox (submission_id, payload, next_attempt_at) VALUES (?, ?, ?)",
                                   [.int64(id), .text(notification(id)), .date(new.receivedAt)], on: db)
            if let workshop = new.workshopRequest, let notification = new.workshopNotification {
                _ = try await self.insertWorkshopRow(db, workshop, submissionID: id) { notification.with(id: $0, submissionID: id) }
            }
            return id
        })
    }

    public func insertWorkshop(_ new: NewWorkshopRequest, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64 {
        try await write(grouped: { db in
            if let nonce = new.nonce { try await self.claimNonce(db, accountPath: new.accountPath, viewer: new.viewer, nonce: nonce, sentAt: new.sentAt) }
            return try await self.insertWorkshopRow(db, new, submissionID: nil, notification: notification)
        })
    }

    public func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt: Date) async throws {
        _ = try await write(grouped: { db in
            try await self.execute("INSERT INTO reading_batch (account_path, account_slug, viewer, nonce, received_at) VALUES (?, ?, ?, ?, ?)",
                                   [.text(batch.account), .text(accountSlug), .text(batch.viewer), .text(batch.nonce), .date(receivedAt)], on: db)
            guard !batch.events.isEmpty else { return 0 }
            var values: [String] = [], arguments: [PostgresArgument] = []
            for event in batch.events {
                values.append("(?, ?, ?, ?, ?, ?, ?, ?, ?)")
                arguments += [.date(receivedAt), .text(accountSlug), .text(batch.viewer), .text(event.page), .text(event.kind.rawValue),
                              .date(Date(timeIntervalSince1970: TimeInterval(event.startedAt))), .int(event.activeSeconds),
                              .int(event.scrollPercent), .text(event.file)]
            }
            try await self.execute("""
                INSERT INTO reading_event (received_at, account_slug, viewer, page, kind, started_at, active_seconds, scroll_percent, file)
                VALUES \(values.joined(separator: ", "))
                """, arguments, on: db)
            return 0
        })
    }

    @discardableResult
    public func pruneReading(startedBefore cutoff: Date, batchesReceivedBefore batchCutoff: Date) async throws -> (events: Int, batches: Int) {
        try await transaction { db in
            let events = try await self.execute("DELETE FROM reading_event WHERE started_at < ? RETURNING 1", [.date(cutoff)], on: db)
            let batches = try await self.execute("DELETE FROM reading_batch WHERE received_at < ? RETURNING 1", [.date(batchCutoff)], on: db)
            return (events, batches)
        }
    }

    /// A unique-key violation (two replicas storing the same nonce at once) is a replay too.
    func replayGuarded<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError.duplicateNonce
        }
    }

    /// Serializes every transaction using this (account, viewer, nonce) until it commits, then checks that neither
    /// a submission nor a workshop request used it: a body signed for one endpoint is not accepted by the other,
    /// even when both arrive at once on two replicas. `sentAt` as in `FeedbackStore.nonceUsed`.
    func claimNonce(_ db: PostgresConnection, accountPath: String, viewer: String, nonce: String, sentAt: Int64?) async throws {
        try await execute("SELECT 1 FROM pg_advisory_xact_lock(hashtextextended(? || chr(31) || ? || chr(31) || ?, 0))",
                          [.text(accountPath), .text(viewer), .text(nonce)], on: db)
        let submission = sentAt == nil ? "account_path = ? AND viewer = ? AND nonce = ?" : "sent_at = ? AND account_path = ? AND viewer = ? AND nonce = ?"
        let used: Bool = try await rows("""
            SELECT EXISTS (SELECT 1 FROM submission WHERE \(submission))
                OR EXISTS (SELECT 1 FROM workshop_request WHERE account_path = ? AND viewer = ? AND nonce = ?) AS used
            """, (sentAt.map { [PostgresArgument.int64($0)] } ?? []) + [.text(accountPath), .text(viewer), .text(nonce), .text(accountPath), .text(viewer), .text(nonce)],
            on: db)[0]["used"]
        if used { throw StoreError.duplicateNonce }
    }

    func insertWorkshopRow(_ db: PostgresConnection, _ new: NewWorkshopRequest, submissionID: Int64?,
                           notification: (Int64) -> String) async throws -> Int64 {
        let id: Int64 = try await rows("""
            INSERT INTO workshop_request (received_at, account_slug, account_path, viewer, page, nonce, submission_id, topic,
                                          preferred_weeks, participants, notes, sme_name, sme_email, state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """, [.date(new.receivedAt), .text(new.accountSlug), .text(new.accountPath), .text(new.viewer), .text(new.page), .text(new.nonce),
                  .int64(submissionID), .text(new.topic), .text(new.preferredWeeks), .int(new.participants), .text(new.notes),
                  .text(new.sme?.name), .text(new.sme?.email), .text(WorkshopState.requested.rawValue), .date(new.receivedAt)], on: db)[0]["id"]
        try await record(db, .workshop, id: id, at: new.receivedAt, actor: "reader", action: .created, to: WorkshopState.requested.rawValue)
        try await execute("INSERT INTO outbox (workshop_id, payload, next_attempt_at) VALUES (?, ?, ?)",
                          [.int64(id), .text(notification(id)), .date(new.receivedAt)], on: db)
        return id
    }

    func record(_ db: PostgresConnection, _ kind: FollowUpKind, id: Int64, at date: Date, actor: String, action: FollowUpEvent.Action,
                from: String? = nil, to: String? = nil, note: String? = nil) async throws {
        try await execute("""
            INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, from_value, to_value, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, [.text(kind.rawValue), .int64(id), .date(date), .text(actor), .text(action.rawValue), .text(from), .text(to), .text(note)], on: db)
    }
}
