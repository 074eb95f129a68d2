import Foundation
import PorticoCore
import PorticoGate

/// What the server knows from `content/`: the form, the origin, and per account path its viewers
/// (with their feedback keys) and its pages (with the tags and SME that route a submission).
public struct FeedbackDirectory: Sendable {
    public struct PageRouting: Sendable, Equatable {
        public var tags: [String]
        public var sme: String?
        /// The page's title: the console's lists of pieces read, and the topic of a workshop asked for through
        /// the feedback form's `workshop` box.
        public var title: String
        public init(tags: [String], sme: String?, title: String = "") { self.tags = tags; self.sme = sme; self.title = title }
    }

    public struct ViewerEntry: Sendable {
        public var viewer: Viewer
        /// The key the viewer's proofs are made with, keyed for HMAC once.
        public var feedbackKey: ProofKey
    }

    public struct AccountEntry: Sendable {
        public var config: AccountConfig
        public var path: String
        public var viewers: [String: ViewerEntry]
        public var pages: [String: PageRouting]
        /// Every HTML page the account publishes (home, lists, search, articles): where reading signals may come from.
        public var readablePages: Set<String> = []
        /// Who follows up on each page (`SMERouting`), decided when the directory loads rather than on every submission.
        var followUps: [String: NewSubmission.SME] = [:]

        /// Who follows up on a submission or workshop request about `page` (a page path, or a home page).
        func followUp(onPage page: String) -> NewSubmission.SME? {
            followUps[page] ?? Self.route(pages[page], config)
        }

        static func route(_ page: PageRouting?, _ account: AccountConfig) -> NewSubmission.SME? {
            SMERouting.assign(page: page, account: account).map { NewSubmission.SME(name: $0.name, email: $0.email) }
        }
    }

    public var portal: PortalConfig
    public var accounts: [String: AccountEntry]
    public var validator: FieldValidator
    /// Console staff's sign-in verification keys from the server key file, for those portal.yml still lists.
    public var staffKeys: [String: Data]

    public init(portal: PortalConfig, accounts: [AccountEntry], staffKeys: [String: Data] = [:]) {
        self.portal = portal
        self.accounts = Dictionary(accounts.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        validator = FieldValidator(rules: FieldRule.rules(for: portal.feedback))
        let listed = Set(portal.staff.map(\.id))
        self.staffKeys = staffKeys.filter { listed.contains($0.key) }
    }

    /// The account by slug (the console's URLs name accounts by slug; readers' requests by path).
    public func account(slug: String) -> AccountEntry? { accounts.values.first { $0.config.slug == slug } }

    /// Loads the content folder (the form, the pages and their SMEs; every page that might be published
    /// counts, drafts and future pages too) and takes paths and viewers from the server key file.
    /// An account in one but not the other is reported as a warning and left out.
    public static func load(contentRoot: URL, serverKeys: ServerKeyFile, log: DiagnosticLog) -> FeedbackDirectory {
        let portal = ContentLoader(root: contentRoot).load(into: log)
        let resolver = AccountResolver(portal: portal, options: BuildOptions(drafts: true, future: true))
        let quiet = DiagnosticLog() // resolver warnings are the build's business
        let keyed = Dictionary(serverKeys.accounts.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
        let accounts = portal.accounts.compactMap { account -> AccountEntry? in
            guard let keys = keyed[account.slug] else {
                log.report(.warning("server-keys", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                    "account \(account.slug) is not in the server key file, so it cannot receive feedback",
                                    hint: "run `portico build` to write the key file again, then reload the server (SIGHUP)"))
                return nil
            }
            // Either source can only narrow access: content/ revoking or shortening takes effect at the next
            // reload, before the rebuild that writes it into the key file.
            let configured = Dictionary(account.config.viewers.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            var viewers: [String: ViewerEntry] = [:]
            for viewer in keys.viewers {
                let content = configured[viewer.id]
                let expires = [viewer.expires, content?.expires].compactMap { $0 }.min()
                let standing = Viewer(id: viewer.id, expires: expires, revoked: viewer.status == .revoked || content?.revoked == true)
                viewers[viewer.id] = ViewerEntry(viewer: standing, feedbackKey: ProofKey(viewer.proofKey))
            }
            let resolved = resolver.resolve(account, log: quiet)
            let pages = Dictionary(resolved.pages.map { ($0.outputPath, PageRouting(tags: $0.source.tags, sme: $0.source.sme, title: $0.source.title)) },
                                   uniquingKeysWith: { first, _ in first })
            return AccountEntry(config: account.config, path: keys.path, viewers: viewers, pages: pages,
                                readablePages: Set(AccountRenderer.htmlPagePaths(of: resolved, portal: portal.config)),
                                followUps: pages.compactMapValues { AccountEntry.route($0, account.config) })
        }
        let known = Set(portal.accounts.map(\.slug))
        for account in serverKeys.accounts where !known.contains(account.slug) {
            log.report(.warning("server-keys", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                "the server key file names account \(account.slug), which content/ does not have; it is left out",
                                hint: "serve the content folder the keys were built from"))
        }
        return FeedbackDirectory(portal: portal.config, accounts: accounts, staffKeys: serverKeys.staffKeys)
    }

    /// Whether `page` is one of the account's home pages: `index.html`, or `<language>/index.html` for another of the
    /// portal's languages.
    func isHomePage(_ page: String, of account: AccountEntry) -> Bool {
        if page == "index.html" { return true }
        let language = page.hasSuffix("/index.html") ? Language(rawValue: String(page.dropLast("/index.html".count))) : nil
        return language.map { $0 != account.config.locale && portal.languages.contains($0) } ?? false
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
public final class DirectoryHolder: Sendable {
    private let directory: Locked<FeedbackDirectory>

    public init(_ directory: FeedbackDirectory) { self.directory = Locked(directory) }

    public var current: FeedbackDirectory { directory.current }

    public func replace(with directory: FeedbackDirectory) { self.directory.withLock { $0 = directory } }
}
