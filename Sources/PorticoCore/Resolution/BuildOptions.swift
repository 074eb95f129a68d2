import Foundation

/// What a build includes and how strict it is.
public struct BuildOptions: Sendable {
    public var drafts: Bool
    public var future: Bool
    public var strict: Bool
    /// The build's date: decides future pages and expired viewers.
    public var today: Day
    /// Overrides portal.yml's base_url (preview deployments).
    public var baseURL: String?

    public init(drafts: Bool = false, future: Bool = false, strict: Bool = false, today: Day = .today(), baseURL: String? = nil) {
        self.drafts = drafts
        self.future = future
        self.strict = strict
        self.today = today
        self.baseURL = baseURL
    }
}
