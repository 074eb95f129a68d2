import Foundation

/// `engagement:` in portal.yml: whether pages record reading signals (off unless set), and how long the server
/// keeps them.
public struct EngagementConfig: Sendable, Equatable {
    public var reading: Bool
    public var retentionDays: Int

    public static let defaultRetentionDays = 365

    public init(reading: Bool = false, retentionDays: Int = EngagementConfig.defaultRetentionDays) {
        self.reading = reading
        self.retentionDays = retentionDays
    }
}

/// One member of the vendor's account team (`staff:` in portal.yml), who signs in to the console.
public struct StaffMember: Sendable, Equatable {
    public enum Role: String, Sendable, CaseIterable {
        /// A subject-matter expert: follows up what is assigned to them on their accounts.
        case sme
        /// An account manager: sees and assigns everything on their accounts.
        case manager
        /// Sees and assigns everything on every account listed (`all` for the whole portal).
        case admin
    }

    public enum Accounts: Sendable, Equatable {
        case all
        case only([String])

        public func contains(_ slug: String) -> Bool {
            switch self {
            case .all: true
            case .only(let slugs): slugs.contains(slug)
            }
        }
    }

    public var id: String
    public var name: String
    public var email: String?
    public var role: Role
    public var accounts: Accounts
    /// Where the entry is written, for errors found once the accounts are known.
    public var location: SourceLocation?

    public init(id: String, name: String, email: String? = nil, role: Role, accounts: Accounts, location: SourceLocation? = nil) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.accounts = accounts
        self.location = location
    }
}

extension PortalConfig {
    public func staffMember(_ id: String) -> StaffMember? { staff.first { $0.id == id } }
}

extension FeedbackConfig {
    /// The `portico serve` that `endpoint` names: the endpoint without its `/v1/feedback` (and a trailing slash).
    /// The workshop form, the reading signals and the console are beside it, behind the same proxy prefix, if any.
    /// An endpoint that does not end in `/v1/feedback` is taken as that base itself.
    public var serverBase: String {
        var base = endpoint
        if base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix(Self.feedbackPath) { base.removeLast(Self.feedbackPath.count) }
        return base
    }

    static let feedbackPath = "/v1/feedback"

    /// Where pages send reading signals.
    public var engagementEndpoint: String { serverBase + "/v1/engagement" }
    /// Where the workshop form posts.
    public var workshopEndpoint: String { serverBase + "/v1/workshop" }
}
