import Foundation
import GRDB
import PorticoCore

/// A row of `workshop_request`.
public struct WorkshopRequest: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var receivedAt: Date
    public var accountSlug: String
    public var accountPath: String
    public var viewer: String
    public var page: String
    /// The form's nonce; nil for a request made by ticking `workshop` in feedback.
    public var nonce: String?
    /// The feedback submission that asked for it, if it came from the feedback form.
    public var submissionID: Int64?
    public var topic: String
    public var preferredWeeks: String
    public var participants: Int?
    public var notes: String
    public var smeName: String?
    public var smeEmail: String?
    /// A staff id (`staff:` in portal.yml), once someone is assigned.
    public var assignee: String?
    public var state: WorkshopState
    public var scheduledFor: Day?
    public var updatedAt: Date

    public init(row: Row) throws {
        id = row["id"]
        receivedAt = row["received_at"]
        accountSlug = row["account_slug"]
        accountPath = row["account_path"]
        viewer = row["viewer"]
        page = row["page"]
        nonce = row["nonce"]
        submissionID = row["submission_id"]
        topic = row["topic"]
        preferredWeeks = row["preferred_weeks"]
        participants = row["participants"]
        notes = row["notes"]
        smeName = row["sme_name"]
        smeEmail = row["sme_email"]
        assignee = row["assignee"]
        state = WorkshopState(rawValue: row["state"]) ?? .requested
        scheduledFor = (row["scheduled_for"] as String?).flatMap(Day.init)
        updatedAt = row["updated_at"]
    }
}

/// A workshop request about to be stored, with its routing decided.
public struct NewWorkshopRequest: Sendable {
    public var receivedAt: Date
    public var accountSlug: String
    public var accountPath: String
    public var viewer: String
    public var page: String
    public var nonce: String?
    /// The request's signed timestamp (Unix seconds), when it came from the workshop form: what its replay check looks
    /// submissions up by.
    public var sentAt: Int64?
    public var topic: String
    public var preferredWeeks: String
    public var participants: Int?
    public var notes: String
    public var sme: NewSubmission.SME?

    public init(receivedAt: Date, accountSlug: String, accountPath: String, viewer: String, page: String, nonce: String?, topic: String,
                preferredWeeks: String = "", participants: Int? = nil, notes: String = "", sme: NewSubmission.SME?, sentAt: Int64? = nil) {
        self.sentAt = sentAt
        self.receivedAt = receivedAt
        self.accountSlug = accountSlug
        self.accountPath = accountPath
        self.viewer = viewer
        self.page = page
        self.nonce = nonce
        self.topic = topic
        self.preferredWeeks = preferredWeeks
        self.participants = participants
        self.notes = notes
        self.sme = sme
    }
}

/// Which workshop requests a listing shows. By default all of them.
public struct WorkshopFilter: Sendable {
    /// An account slug or path.
    public var account: String?
    /// Empty shows nothing.
    public var states: Set<WorkshopState>
    /// A staff id.
    public var assignee: String?
    /// Received on or after.
    public var since: Date?

    public init(account: String? = nil, states: Set<WorkshopState> = Set(WorkshopState.allCases), assignee: String? = nil, since: Date? = nil) {
        self.account = account
        self.states = states
        self.assignee = assignee
        self.since = since
    }
}
