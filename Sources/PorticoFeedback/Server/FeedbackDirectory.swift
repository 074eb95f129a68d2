import Foundation
import PorticoCore
import PorticoGate

/// What the server knows from `content/`: the form, the origin, and per account path its viewers
/// (with their feedback keys) and its pages (with the tags and SME that route a submission).
public struct FeedbackDirectory: Sendable {
    public struct PageRouting: Sendable, Equatable {
        public var tags: [String]
        public var sme: String?
        public init(tags: [String], sme: String?) { self.tags = tags; self.sme = sme }
    }

    public struct ViewerEntry: Sendable {
        public var viewer: Viewer
        public var feedbackKey: Data
    }

    public struct AccountEntry: Sendable {
        public var config: AccountConfig
        public var path: String
        public var viewers: [String: ViewerEntry]
        public var pages: [String: PageRouting]
    }

    public var portal: PortalConfig
    public var accounts: [String: AccountEntry]
    public var validator: FieldValidator

    public init(portal: PortalConfig, accounts: [AccountEntry]) {
        self.portal = portal
        self.accounts = Dictionary(accounts.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        validator = FieldValidator(rules: FieldRule.rules(for: portal.feedback))
    }

    /// Loads the content folder; every page that might be published counts (drafts and future pages too).
    /// Feedback keys follow the content key, so they are those of a build made on `today`.
    public static func load(contentRoot: URL, secret: PortalSecret, today: Day = Day.today(), log: DiagnosticLog) -> FeedbackDirectory {
        let portal = ContentLoader(root: contentRoot).load(into: log)
        let resolver = AccountResolver(portal: portal, options: BuildOptions(drafts: true, future: true))
        let quiet = DiagnosticLog() // resolver warnings are the build's business
        let accounts = portal.accounts.map { account -> AccountEntry in
            let keys = AccountKeys(secret: secret, account: account.config, today: today)
            var viewers: [String: ViewerEntry] = [:]
            for viewer in account.config.viewers {
                viewers[viewer.id] = ViewerEntry(viewer: viewer, feedbackKey: keys.feedbackKey(for: viewer))
            }
            let resolved = resolver.resolve(account, log: quiet)
            let pages = Dictionary(resolved.pages.map { ($0.outputPath, PageRouting(tags: $0.source.tags, sme: $0.source.sme)) },
                                   uniquingKeysWith: { first, _ in first })
            return AccountEntry(config: account.config, path: KeyDerivation.accountPath(secret: secret, account: account.config),
                                viewers: viewers, pages: pages)
        }
        return FeedbackDirectory(portal: portal.config, accounts: accounts)
    }

    /// `scheme://host[:port]` of `base_url`: the only origin allowed to post from a browser.
    public var allowedOrigin: String? { Self.origin(of: portal.baseURL) }

    static func origin(of url: String) -> String? {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty else { return nil }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host)\(port)"
    }
}

/// The current directory, swapped whole on reload (SIGHUP) so a request sees one consistent snapshot.
public final class DirectoryHolder: @unchecked Sendable {
    private var directory: FeedbackDirectory
    private let lock = NSLock()

    public init(_ directory: FeedbackDirectory) { self.directory = directory }

    public var current: FeedbackDirectory { lock.withLock { directory } }

    public func replace(with directory: FeedbackDirectory) { lock.withLock { self.directory = directory } }
}
