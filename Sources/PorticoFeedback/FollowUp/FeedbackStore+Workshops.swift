import Foundation
import GRDB
import PorticoCore

extension FeedbackStore {
    /// Stores a request from the workshop form with its `created` event and its outbox entry; returns its id once
    /// committed. Throws `StoreError.duplicateNonce` when the viewer used this nonce before, on either form.
    public func insertWorkshop(_ new: NewWorkshopRequest, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64 {
        do {
            return try await write(grouped: { [replayFilter] db in
                if let nonce = new.nonce, try Self.nonceUsed(db, accountPath: new.accountPath, viewer: new.viewer, nonce: nonce, sentAt: new.sentAt) {
                    throw StoreError.duplicateNonce
                }
                let id = try Self.insertWorkshopRow(db, new, submissionID: nil, notification: notification)
                if let nonce = new.nonce { replayFilter.insertWorkshop(accountPath: new.accountPath, viewer: new.viewer, nonce: nonce) }
                return id
            })
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE {
            throw StoreError.duplicateNonce
        }
    }

    /// Whether a feedback submission or a workshop request already used this nonce: a body signed for one
    /// endpoint must not be accepted by the other. `sentAt` is the request's signed timestamp: a replay carries the same
    /// one, and the submissions' replay key leads with it. Without it (a request made outside the server) the
    /// submissions are searched without their key.
    static func nonceUsed(_ db: Database, accountPath: String, viewer: String, nonce: String, sentAt: Int64?) throws -> Bool {
        let submission = sentAt == nil ? "account_path = ?1 AND viewer = ?2 AND nonce = ?3"
            : "sent_at = ?4 AND account_path = ?1 AND viewer = ?2 AND nonce = ?3"
        return try db.integer(db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM submission WHERE \(submission))
                OR EXISTS (SELECT 1 FROM workshop_request WHERE account_path = ?1 AND viewer = ?2 AND nonce = ?3)
            """)) { bind in
            bind.text(1, accountPath); bind.text(2, viewer); bind.text(3, nonce)
            if let sentAt { bind.integer(4, sentAt) }
        } == 1
    }

    /// The row, its `created` event and its notification, inside the caller's transaction.
    static func insertWorkshopRow(_ db: Database, _ new: NewWorkshopRequest, submissionID: Int64?,
                                  notification: (Int64) -> String) throws -> Int64 {
        let receivedAt = UTCDateText.storage(new.receivedAt)
        try db.cachedStatement(sql: """
            INSERT INTO workshop_request (received_at, account_slug, account_path, viewer, page, nonce, submission_id, topic,
                                          preferred_weeks, participants, notes, sme_name, sme_email, state, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [receivedAt, new.accountSlug, new.accountPath, new.viewer, new.page, new.nonce, submissionID, new.topic,
                             new.preferredWeeks, new.participants, new.notes, new.sme?.name, new.sme?.email,
                             WorkshopState.requested.rawValue, receivedAt])
        let id = db.lastInsertedRowID
        try record(db, .workshop, id: id, at: receivedAt, actor: "reader", action: .created, to: WorkshopState.requested.rawValue)
        try db.cachedStatement(sql: "INSERT INTO outbox (workshop_id, payload, next_attempt_at) VALUES (?, ?, ?)")
            .execute(arguments: [id, notification(id), receivedAt])
        return id
    }

    public func workshopRequests(_ filter: WorkshopFilter = WorkshopFilter()) throws -> [WorkshopRequest] {
        guard let clause = filter.clause else { return [] }
        return try pool.read { db in
            try WorkshopRequest.fetchAll(db, sql: "SELECT * FROM workshop_request WHERE \(clause.sql) ORDER BY id", arguments: clause.statementArguments)
        }
    }

    public func workshopRequest(id: Int64) throws -> WorkshopRequest? {
        try pool.read { db in try WorkshopRequest.fetchOne(db, sql: "SELECT * FROM workshop_request WHERE id = ?", arguments: [id]) }
    }

    /// Moves a request along the pipeline (`WorkshopState.allowedNext`); `scheduled` needs `scheduledFor`, which
    /// other states ignore. Records a `state` event (with `note`) and, when the date changes, a `schedule` event.
    @discardableResult
    public func changeWorkshopState(id: Int64, to next: WorkshopState, scheduledFor: Day? = nil, actor: String, note: String? = nil,
                                    at date: Date) throws -> WorkshopRequest {
        try pool.write { db in
            guard let current = try WorkshopRequest.fetchOne(db, sql: "SELECT * FROM workshop_request WHERE id = ?", arguments: [id]) else {
                throw FollowUpError.notFound(.workshop, id: id)
            }
            guard current.state.allowedNext.contains(next) else { throw FollowUpError.invalidTransition(from: current.state, to: next) }
            let day = WorkshopState.needsDate(next) ? scheduledFor : current.scheduledFor
            if WorkshopState.needsDate(next), day == nil { throw FollowUpError.dateRequired }
            try db.execute(sql: "UPDATE workshop_request SET state = ?, scheduled_for = ?, updated_at = ? WHERE id = ?",
                           arguments: [next.rawValue, day?.description, date, id])
            if next != current.state {
                try Self.record(db, .workshop, id: id, at: date, actor: actor, action: .state, from: current.state.rawValue, to: next.rawValue,
                                note: note)
            }
            if day != current.scheduledFor {
                try Self.record(db, .workshop, id: id, at: date, actor: actor, action: .schedule, from: current.scheduledFor?.description,
                                to: day?.description, note: next == current.state ? note : nil)
            } else if next == current.state, let note {
                try Self.record(db, .workshop, id: id, at: date, actor: actor, action: .note, note: note)
            }
            return try WorkshopRequest.fetchOne(db, sql: "SELECT * FROM workshop_request WHERE id = ?", arguments: [id])!
        }
    }
}
