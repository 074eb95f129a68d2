import Foundation
import GRDB

/// Where a submission stands: open until an SME resolves it. `spam` is only in databases of made
/// before the honeypot was removed (they filed its hits there); nothing is stored as spam any more.
public enum SubmissionStatus: String, Sendable, CaseIterable, Codable {
    case open, resolved, spam
}

/// A submission about to be stored, with its routing decided.
public struct NewSubmission: Sendable {
    public var receivedAt: Date
    public var accountSlug: String
    public var submission: Submission { didSet { fieldsText = Self.text(submission.fields) } }
    /// The fields as stored and notified (compact JSON, sorted keys), written once, outside the store's transaction.
    public private(set) var fieldsText: String
    public var body: Data
    public var sme: SME?
    /// Set when the reader ticked the form's `workshop` box: the request stored with the submission.
    public var workshopRequest: NewWorkshopRequest? { didSet { workshopNotification = Self.notification(workshopRequest) } }
    /// The workshop request's notification, written when the request is set (outside the store's transaction) but
    /// for its id and the submission's.
    private(set) var workshopNotification: Notification.Template?
    public struct SME: Sendable, Equatable {
        public var name: String
        public var email: String?
        public init(name: String, email: String?) { self.name = name; self.email = email }
    }

    public init(receivedAt: Date, accountSlug: String, submission: Submission, body: Data, sme: SME?, workshopRequest: NewWorkshopRequest? = nil) {
        self.workshopRequest = workshopRequest
        workshopNotification = Self.notification(workshopRequest)
        self.receivedAt = receivedAt
        self.accountSlug = accountSlug
        self.submission = submission
        fieldsText = Self.text(submission.fields)
        self.body = body
        self.sme = sme
    }

    private static func text(_ fields: [String: JSONValue]) -> String { JSONValue.object(fields).jsonText() }

    private static func notification(_ request: NewWorkshopRequest?) -> Notification.Template? {
        request.map { Notification.workshopTemplate(new: $0, withFeedback: true) }
    }
}

/// A row of `submission` as the CLI shows and exports it.
public struct StoredSubmission: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var receivedAt: Date
    public var accountSlug: String
    public var accountPath: String
    public var page: String
    public var viewer: String
    public var fields: [String: JSONValue]
    public var smeName: String?
    public var smeEmail: String?
    public var status: SubmissionStatus
    public var note: String?
    public var resolvedAt: Date?
    /// A staff id, once someone is assigned.
    public var assignee: String?
    /// The last follow-up change; nil until the first.
    public var updatedAt: Date?

    public init(row: Row) throws {
        id = row["id"]
        receivedAt = row["received_at"]
        accountSlug = row["account_slug"]
        accountPath = row["account_path"]
        page = row["page"]
        viewer = row["viewer"]
        let text: String = row["fields"]
        if case .object(let object) = try? JSONValue.parse(Data(text.utf8)) { fields = object } else { fields = [:] }
        smeName = row["sme_name"]
        smeEmail = row["sme_email"]
        status = SubmissionStatus(rawValue: row["status"]) ?? .open
        note = row["note"]
        resolvedAt = row["resolved_at"]
        assignee = row["assignee"]
        updatedAt = row["updated_at"]
    }
}

/// Which submissions `list` and `export` show. By default everything but spam.
public struct SubmissionFilter: Sendable {
    public var account: String?
    public var since: Date?
    public var statuses: Set<SubmissionStatus>

    public init(account: String? = nil, since: Date? = nil, statuses: Set<SubmissionStatus> = [.open, .resolved]) {
        self.account = account
        self.since = since
        self.statuses = statuses
    }
}

/// A notification waiting in the outbox.
public struct OutboxEntry: Sendable, Equatable, FetchableRecord {
    public var id: Int64
    /// The submission notified about, or nil for a workshop request's notification.
    public var submissionID: Int64?
    public var workshopID: Int64?
    public var payload: String
    public var attempts: Int
    public var nextAttemptAt: Date

    public init(row: Row) throws {
        id = row["id"]
        submissionID = row["submission_id"]
        workshopID = row["workshop_id"]
        attempts = row["attempts"]
        nextAttemptAt = row["next_attempt_at"]
        if let payload: String = row["payload"] {
            self.payload = payload
        } else if let submissionID, let accountSlug: String = row["s_account_slug"] {
            let sme: NewSubmission.SME? = (row["s_sme_name"] as String?).map { NewSubmission.SME(name: $0, email: row["s_sme_email"]) }
            payload = Notification.feedbackTemplate(accountSlug: accountSlug, fieldsText: row["s_fields"], page: row["s_page"],
                                                    receivedAt: row["s_received_at"], sme: sme, viewer: row["s_viewer"]).with(id: submissionID)
        } else {
            throw StoreError.notificationWithoutPayload(id: id)
        }
    }

    /// A feedback notification written without its payload (SQLite since v6, `SubmissionTrail`) is built from its
    /// submission's columns when sent, as they were when stored: the query joins `submission` as `s` and selects these.
    static let submissionColumns = """
        s.account_slug AS s_account_slug, s.fields AS s_fields, s.page AS s_page, s.received_at AS s_received_at, \
        s.sme_name AS s_sme_name, s.sme_email AS s_sme_email, s.viewer AS s_viewer
        """
}
