import Foundation
import GRDB

/// Changes the account team makes to feedback and workshop requests. Each writes a `follow_up_event` (who, when,
/// what) and sets the item's `updated_at`, in one transaction.
extension FeedbackStore {
    /// Sets a submission's status: `resolved` stamps `resolved_at` (and keeps `note` as the resolution, as
    /// `feedback resolve` always did); `open` clears it. The same status again records only the note, if any.
    public func changeFeedbackStatus(id: Int64, to status: SubmissionStatus, actor: String, note: String? = nil, at date: Date) throws {
        try writeCaughtUp { db in
            guard let current = try String.fetchOne(db, sql: "SELECT status FROM submission WHERE id = ?", arguments: [id]) else {
                throw FollowUpError.notFound(.feedback, id: id)
            }
            if current == status.rawValue {
                guard let note else { return }
                try Self.requireText(note)
                // Resolving again replaces the resolution note, as `feedback resolve` always did.
                try db.execute(sql: "UPDATE submission SET note = CASE WHEN status = 'resolved' THEN ? ELSE note END, updated_at = ? WHERE id = ?",
                               arguments: [note, date, id])
                try Self.record(db, .feedback, id: id, at: date, actor: actor, action: .note, note: note)
                return
            }
            switch status {
            case .resolved:
                try db.execute(sql: "UPDATE submission SET status = ?, note = COALESCE(?, note), resolved_at = ?, updated_at = ? WHERE id = ?",
                               arguments: [status.rawValue, note, date, date, id])
            case .open, .spam:
                try db.execute(sql: "UPDATE submission SET status = ?, resolved_at = NULL, updated_at = ? WHERE id = ?",
                               arguments: [status.rawValue, date, id])
            }
            try Self.record(db, .feedback, id: id, at: date, actor: actor, action: .state, from: current, to: status.rawValue, note: note)
        }
    }

    /// Assigns an item to a staff id, or unassigns it (nil). Assigning to whoever has it already records nothing.
    public func assign(_ kind: FollowUpKind, id: Int64, to staffID: String?, actor: String, at date: Date) throws {
        try writeCaughtUp { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT assignee FROM \(kind.table) WHERE id = ?", arguments: [id]) else {
                throw FollowUpError.notFound(kind, id: id)
            }
            let current: String? = row["assignee"]
            guard current != staffID else { return }
            try db.execute(sql: "UPDATE \(kind.table) SET assignee = ?, updated_at = ? WHERE id = ?", arguments: [staffID, date, id])
            try Self.record(db, kind, id: id, at: date, actor: actor, action: .assign, from: current, to: staffID)
        }
    }

    public func addNote(_ kind: FollowUpKind, id: Int64, note: String, actor: String, at date: Date) throws {
        try Self.requireText(note)
        try writeCaughtUp { db in
            try db.execute(sql: "UPDATE \(kind.table) SET updated_at = ? WHERE id = ?", arguments: [date, id])
            guard db.changesCount > 0 else { throw FollowUpError.notFound(kind, id: id) }
            try Self.record(db, kind, id: id, at: date, actor: actor, action: .note, note: note)
        }
    }

    /// Everything that happened to an item, oldest first.
    public func history(_ kind: FollowUpKind, id: Int64) throws -> [FollowUpEvent] {
        if trail.behind { try writeCaughtUp { _ in } }
        return try pool.read { db in
            try FollowUpEvent.fetchAll(db, sql: "SELECT * FROM follow_up_event WHERE item_kind = ? AND item_id = ? ORDER BY at, id",
                                       arguments: [kind.rawValue, id])
        }
    }

    static func record(_ db: Database, _ kind: FollowUpKind, id: Int64, at date: Date, actor: String, action: FollowUpEvent.Action,
                       from: String? = nil, to: String? = nil, note: String? = nil) throws {
        try record(db, kind, id: id, at: UTCDateText.storage(date), actor: actor, action: action, from: from, to: to, note: note)
    }

    /// `date` as `UTCDateText.storage` writes it (the text GRDB stores for a `Date`). Through `Database.run`: a reader's
    /// workshop request writes its `created` event on the ingest path (a submission's follows it, `SubmissionTrail`).
    static func record(_ db: Database, _ kind: FollowUpKind, id: Int64, at date: String, actor: String, action: FollowUpEvent.Action,
                       from: String? = nil, to: String? = nil, note: String? = nil) throws {
        try db.run(db.cachedStatement(sql: """
            INSERT INTO follow_up_event (item_kind, item_id, at, actor, action, from_value, to_value, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)) { bind in
            bind.text(1, kind.rawValue); bind.integer(2, id); bind.text(3, date); bind.text(4, actor); bind.text(5, action.rawValue)
            bind.text(6, from); bind.text(7, to); bind.text(8, note)
        }
    }

    static func requireText(_ note: String) throws {
        if note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw FollowUpError.emptyNote }
    }
}
