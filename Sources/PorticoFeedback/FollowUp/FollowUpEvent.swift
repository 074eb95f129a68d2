import Foundation
import GRDB

/// One change to a feedback item or workshop request: who did what, when.
public struct FollowUpEvent: Sendable, Equatable, FetchableRecord {
    /// What `action` a row records (`follow_up_event.action`).
    public enum Action: String, Sendable, CaseIterable {
        /// The item arrived (actor `reader`).
        case created
        /// `from_value` → `to_value` are states (workshop) or statuses (feedback).
        case state
        /// `from_value` → `to_value` are days (YYYY-MM-DD); `from_value` is nil the first time.
        case schedule
        /// `from_value` → `to_value` are staff ids; nil is unassigned.
        case assign
        /// Only `note`.
        case note
    }

    public var id: Int64
    public var itemKind: FollowUpKind
    public var itemID: Int64
    public var at: Date
    /// A staff id, `cli`, or `reader`.
    public var actor: String
    public var action: String
    public var fromValue: String?
    public var toValue: String?
    public var note: String?

    public init(row: Row) throws {
        id = row["id"]
        itemKind = FollowUpKind(rawValue: row["item_kind"]) ?? .feedback
        itemID = row["item_id"]
        at = row["at"]
        actor = row["actor"]
        action = row["action"]
        fromValue = row["from_value"]
        toValue = row["to_value"]
        note = row["note"]
    }
}
