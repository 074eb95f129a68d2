import Foundation
import GRDB
import PorticoCore
import PostgresNIO

/// The account team's reads and changes, on PostgreSQL (the SQLite twins are in FollowUp/FeedbackStore+*.swift).
extension PostgresStore {
    public func submissions(_ filter: SubmissionFilter) async throws -> [StoredSubmission] {
        guard let clause = filter.clause else { return [] }
        return try await rows("SELECT * FROM submission WHERE \(clause.sql) ORDER BY id", clause.postgresArguments).map(StoredSubmission.init(row:))
    }

    public func submission(id: Int64) async throws -> StoredSubmission? {
        try await rows("SELECT * FROM submission WHERE id = ?", [.int64(id)]).first.map(StoredSubmission.init(row:))
    }

    public func changeFeedbackStatus(id: Int64, to status: SubmissionStatus, actor: String, note: String?, at date: Date) async throws {
        try await transaction { db in
            guard let current: String = try await self.rows("SELECT status FROM submission WHERE id = ? FOR UPDATE", [.int64(id)], on: db).first?["status"] else {
                throw FollowUpError.notFound(.feedback, id: id)
            }
            if current == status.rawValue {
                guard let note else { return }
                try FeedbackStore.requireText(note)
                try await self.execute("UPDATE submission SET note = CASE WHEN status = 'resolved' THEN ? ELSE note END, updated_at = ? WHERE id = ?",
                                       [.text(note), .date(date), .int64(id)], on: db)
                try await self.record(db, .feedback, id: id, at: date, actor: actor, action: .note, note: note)
                return
            }
            switch status {
            case .resolved:
                try await self.execute("UPDATE submission SET status = ?, note = COALESCE(?, note), resolved_at = ?, updated_at = ? WHERE id = ?",
                                       [.text(status.rawValue), .text(note), .date(date), .date(date), .int64(id)], on: db)
            case .open, .spam:
                try await self.execute("UPDATE submission SET status = ?, resolved_at = NULL, updated_at = ? WHERE id = ?",
                                       [.text(status.rawValue), .date(date), .int64(id)], on: db)
            }
            try await self.record(db, .feedback, id: id, at: date, actor: actor, action: .state, from: current, to: status.rawValue, note: note)
        }
    }

    public func resolve(id: Int64, note: String, at date: Date, actor: String) async throws -> Bool {
        do {
            try await changeFeedbackStatus(id: id, to: .resolved, actor: actor, note: note, at: date)
            return true
        } catch FollowUpError.notFound {
            return false
        }
    }

    public func assign(_ kind: FollowUpKind, id: Int64, to staffID: String?, actor: String, at date: Date) async throws {
        try await transaction { db in
            guard let row = try await self.rows("SELECT assignee FROM \(kind.table) WHERE id = ? FOR UPDATE", [.int64(id)], on: db).first else {
                throw FollowUpError.notFound(kind, id: id)
            }
            let current: String? = row["assignee"]
            guard current != staffID else { return }
            try await self.execute("UPDATE \(kind.table) SET assignee = ?, updated_at = ? WHERE id = ?", [.text(staffID), .date(date), .int64(id)], on: db)
            try await self.record(db, kind, id: id, at: date, actor: actor, action: .assign, from: current, to: staffID)
        }
    }

    public func addNote(_ kind: FollowUpKind, id: Int64, note: String, actor: String, at date: Date) async throws {
        try FeedbackStore.requireText(note)
        try await transaction { db in
            let changed = try await self.execute("UPDATE \(kind.table) SET updated_at = ? WHERE id = ? RETURNING 1", [.date(date), .int64(id)], on: db)
            guard changed > 0 else { throw FollowUpError.notFound(kind, id: id) }
            try await self.record(db, kind, id: id, at: date, actor: actor, action: .note, note: note)
        }
    }

    public func history(_ kind: FollowUpKind, id: Int64) async throws -> [FollowUpEvent] {
        try await rows("SELECT * FROM follow_up_event WHERE item_kind = ? AND item_id = ? ORDER BY at, id", [.text(kind.rawValue), .int64(id)])
            .map(FollowUpEvent.init(row:))
    }

    public func workshopRequests(_ filter: WorkshopFilter) async throws -> [WorkshopRequest] {
        guard let clause = filter.clause else { return [] }
        return try await rows("SELECT * FROM workshop_request WHERE \(clause.sql) ORDER BY id", clause.postgresArguments).map(WorkshopRequest.init(row:))
    }

    public func workshopRequest(id: Int64) async throws -> WorkshopRequest? {
        try await rows("SELECT * FROM workshop_request WHERE id = ?", [.int64(id)]).first.map(WorkshopRequest.init(row:))
    }

    @discardableResult
    public func changeWorkshopState(id: Int64, to next: WorkshopState, scheduledFor: Day?, actor: String, note: String?,
                                    at date: Date) async throws -> WorkshopRequest {
        try await transaction { db in
            guard let current = try await self.rows("SELECT * FROM workshop_request WHERE id = ? FOR UPDATE", [.int64(id)], on: db)
                .first.map(WorkshopRequest.init(row:)) else {
                throw FollowUpError.notFound(.workshop, id: id)
            }
            guard current.state.allowedNext.contains(next) else { throw FollowUpError.invalidTransition(from: current.state, to: next) }
            let day = WorkshopState.needsDate(next) ? scheduledFor : current.scheduledFor
            if WorkshopState.needsDate(next), day == nil { throw FollowUpError.dateRequired }
            try await self.execute("UPDATE workshop_request SET state = ?, scheduled_for = ?, updated_at = ? WHERE id = ?",
                                   [.text(next.rawValue), .text(day?.description), .date(date), .int64(id)], on: db)
            if next != current.state {
                try await self.record(db, .workshop, id: id, at: date, actor: actor, action: .state, from: current.state.rawValue,
                                      to: next.rawValue, note: note)
            }
            if day != current.scheduledFor {
                try await self.record(db, .workshop, id: id, at: date, actor: actor, action: .schedule, from: current.scheduledFor?.description,
                                      to: day?.description, note: next == current.state ? note : nil)
            } else if next == current.state, let note {
                try await self.record(db, .workshop, id: id, at: date, actor: actor, action: .note, note: note)
            }
            return try await self.rows("SELECT * FROM workshop_request WHERE id = ?", [.int64(id)], on: db).map(WorkshopRequest.init(row:))[0]
        }
    }

    public func readingEvents(account slug: String, since: Date?) async throws -> [StoredReadingEvent] {
        var sql = "SELECT * FROM reading_event WHERE account_slug = ?"
        var arguments: [PostgresArgument] = [.text(slug)]
        if let since {
            sql += " AND started_at >= ?"
            arguments.append(.date(since))
        }
        return try await rows(sql + " ORDER BY started_at, id", arguments).map(StoredReadingEvent.init(row:))
    }

    public func forget(account: String, viewer: String) async throws -> [(table: String, rows: Int)] {
        try await transaction { db in
            var slugs: Set<String> = [account]
            for table in ["submission", "workshop_request", "reading_batch"] {
                for row in try await self.rows("SELECT DISTINCT account_slug FROM \(table) WHERE account_path = ? AND account_slug IS NOT NULL",
                                                [.text(account)], on: db) {
                    slugs.insert(row["account_slug"])
                }
            }
            let inSlugs = "(" + slugs.map { _ in "?" }.joined(separator: ",") + ")"
            let mine: [PostgresArgument] = slugs.sorted().map { .text($0) } + [.text(viewer)]
            let submissions = "SELECT id FROM submission WHERE account_slug IN \(inSlugs) AND viewer = ?"
            let workshops = "SELECT id FROM workshop_request WHERE account_slug IN \(inSlugs) AND viewer = ?"
            var removed: [(table: String, rows: Int)] = []
            func delete(_ table: String, _ sql: String, _ arguments: [PostgresArgument]) async throws {
                let count = try await self.execute(sql + " RETURNING 1", arguments, on: db)
                if let index = removed.firstIndex(where: { $0.table == table }) { removed[index].rows += count } else { removed.append((table, count)) }
            }
            try await delete("follow_up_event", """
                DELETE FROM follow_up_event WHERE (item_kind = 'feedback' AND item_id IN (\(submissions)))
                                               OR (item_kind = 'workshop' AND item_id IN (\(workshops)))
                """, mine + mine)
            try await delete("outbox", "DELETE FROM outbox WHERE submission_id IN (\(submissions)) OR workshop_id IN (\(workshops))", mine + mine)
            let order = ["workshop_request", "submission"] + FeedbackStore.readerTables.map(\.table).filter { $0 != "workshop_request" && $0 != "submission" }
            for table in order {
                guard let viewerColumn = FeedbackStore.readerTables.first(where: { $0.table == table })?.viewerColumn else { continue }
                // Every reader table names the account slug since v3; reading_batch rows from before it name only the path.
                try await delete(table, "DELETE FROM \(table) WHERE account_slug IN \(inSlugs) AND \(viewerColumn) = ?", mine)
                if table == "reading_batch" || table == "submission" || table == "workshop_request" {
                    try await delete(table, "DELETE FROM \(table) WHERE account_path = ? AND \(viewerColumn) = ?", [.text(account), .text(viewer)])
                }
            }
            return removed
        }
    }
}
