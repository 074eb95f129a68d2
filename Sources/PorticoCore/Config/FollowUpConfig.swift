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
    /// Where pages send reading signals: the feedback server's `/v1/engagement`, beside `/v1/feedback` (behind
    /// the same proxy prefix, if any).
    public var engagementEndpoint: String {
        let feedbackPath = "/v1/feedback"
        if endpoint.hasSuffix(feedbackPath) { return String(endpoint.dropLast(feedbackPath.count)) + "/v1/engagement" }
        guard let slash = endpoint.lastIndex(of: "/") else { return "/v1/engagement" }
        return String(endpoint[..<slash]) + "/engagement"
    }
}
