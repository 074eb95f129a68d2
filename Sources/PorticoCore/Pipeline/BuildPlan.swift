import Foundation

/// What one build does, decided from the last build's state and the inputs as they are now: which accounts
/// it reads, which of those it renders, which account folders and shared files of the last site stay. Every
/// check that something of the last build may be kept is here; the build itself (`SiteBuilder.build`) only
/// carries the plan out, the same way for a full build, a build with nothing changed and a one-account edit.
struct BuildPlan {
    /// The last build of this output, when there is one to reuse account folders from (by fingerprint).
    let previous: BuildState.Summary?
    /// The accounts to read; nil: every account (then nothing is kept without its fingerprint saying so).
    private(set) var reading: Set<String>?

    var readsEverything: Bool { reading == nil }
    /// Nothing changed since the last build, which vouches for the whole site: it is left as it is.
    var nothingChanged: Bool { reading?.isEmpty == true }

    /// The accounts kept from the last build without being read, with their state.
    var unread: [String: BuildState.AccountState] {
        guard let reading, let previous else { return [:] }
        return previous.accounts.filter { !reading.contains($0.key) }
    }

    /// `changed`: the content paths changed since the last build (nil when unknown). Reading only some accounts
    /// needs every change to be inside their folders, and the last build to vouch for the whole output.
    init(previous: BuildState.Summary?, changed: Set<String>?, output: URL, publishLog: PublishLog?, accessDigest: String?, strict: Bool) {
        self.previous = previous
        guard let previous, let changed, let slugs = Self.accounts(owning: changed), slugs.isSubset(of: previous.accounts.keys),
              Self.vouches(previous, output: output, publishLog: publishLog, accessDigest: accessDigest) else { return }
        if slugs.isEmpty {
            // Reported again as they are, these must not fail the build.
            let warnings = previous.diagnostics.contains { $0.severity == .warning }
            guard !previous.diagnostics.contains(where: { $0.severity == .error }), !(strict && warnings) else { return }
        }
        reading = slugs
    }

    /// Whether the output still holds what the last build left there, and nothing else happened since.
    private static func vouches(_ previous: BuildState.Summary, output: URL, publishLog: PublishLog?, accessDigest: String?) -> Bool {
        for account in previous.accounts.values where FileKind.at(output.path + "/" + account.directory) != .directory { return false }
        // The site root and `_portico/` hold what the build wrote there and nothing else.
        guard previous.outputState == OutputState.digest(output: output, shared: previous.shared) else { return false }
        // The newest publish recorded must be this build's, or the next build has one to record.
        if let publishLog, previous.publishDigest.isEmpty || !publishLog.newestIs(digest: previous.publishDigest) { return false }
        // The access history must be the one the build left: accounts not read are checked against that one.
        if let accessDigest, previous.accessDigest != accessDigest { return false }
        return true
    }

    /// The accounts whose folders hold every changed path (none when nothing changed), or nil when a change is
    /// elsewhere (portal.yml, the library, a new or removed account folder).
    static func accounts(owning changed: Set<String>) -> Set<String>? {
        var slugs = Set<String>()
        for path in changed {
            let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0] == "accounts", !parts[1].isEmpty, !parts[2].isEmpty else { return nil }
            slugs.insert(String(parts[1]))
        }
        return slugs
    }

    /// Whether what a partial read found agrees with what the last build knew (the same accounts in the same
    /// folders, the same files for links to point at, the last publish to add to). When not, read everything.
    func accepts(_ portal: Portal, _ accounts: [ResolvedAccount], directories: [String: String], latestPublish: PublishRecord?,
                 publishing: Bool) -> Bool {
        guard let reading, let previous else { return true }
        guard Set(accounts.map(\.slug)) == reading, !publishing || latestPublish != nil,
              BuildCache.KnownFiles(portal) == previous.known.restricted(toAccounts: reading) else { return false }
        return accounts.allSatisfy { directories[$0.slug] == previous.accounts[$0.slug]?.directory }
    }

    mutating func readEverything() { reading = nil }

    /// What links may point at: what was read, or, when only some accounts were, what the last build knew.
    func known(_ portal: Portal) -> BuildCache.KnownFiles {
        guard !readsEverything, let previous else { return BuildCache.KnownFiles(portal) }
        return previous.known
    }

    /// The read accounts whose folder stays as the last build left it: same folder, same fingerprint, no errors.
    func kept(_ accounts: [ResolvedAccount], directories: [String: String], fingerprints: [String: String], output: URL)
        -> [String: BuildState.AccountState] {
        var kept: [String: BuildState.AccountState] = [:]
        for account in accounts {
            guard let state = previous?.accounts[account.slug], state.directory == directories[account.slug],
                  state.fingerprint == fingerprints[account.slug], !state.diagnostics.contains(where: { $0.severity == .error }),
                  FileKind.at(output.path + "/" + state.directory) == .directory else { continue }
            kept[account.slug] = state
        }
        return kept
    }
}

extension SiteBuilder {
    /// Everything but the files that the output depends on, hashed: a change means no input stamp compares equal.
    func inputSettings() -> String {
        var hasher = FieldHasher()
        hasher.add("portico-inputs-1 " + AccountFingerprint.version)
        hasher.add(ThisProgram.identity)
        hasher.add(contentRoot.standardizedFileURL.path)
        for folder in themeFolders { hasher.add(folder.standardizedFileURL.path) }
        hasher.add(output.standardizedFileURL.path)
        hasher.add("\(options.drafts) \(options.future) \(options.strict) \(preview) \(options.baseURL ?? "-") \(options.today)")
        hasher.add(publisher.identity)
        return hasher.hex()
    }

    struct Fingerprints: Sendable {
        /// Each account's input fingerprint, by slug.
        var accounts: [String: String]
        /// Each account's `AccountFingerprint.pageBase`, by slug.
        var pageBases: [String: String]
        /// `SourcePage.inputFingerprint` of every source page, by source path.
        var pages: [String: String]
    }

    func fingerprints(portal: Portal, accounts: [ResolvedAccount], known: BuildCache.KnownFiles, directories: [String: String]) -> Fingerprints {
        let shared = [AccountFingerprint.theme(themeFolders),
                      AccountFingerprint.files([contentRoot.appendingPathComponent("portal.yml")]),
                      AccountFingerprint.files(portal.libraryAssets.map { contentRoot.appendingPathComponent($0) })].joined(separator: "/")
        let sources = portal.library + portal.accounts.flatMap(\.pages)
        let files = portal.fingerprints
        let pages = Dictionary(sources.concurrentMap { ($0.sourcePath, $0.inputFingerprint(file: files[$0.sourcePath]?.content)) },
                               uniquingKeysWith: { first, _ in first })
        let knownHash = AccountFingerprint.known(known), identity = publisher.identity
        let both = accounts.concurrentMap { account in
            let settings = AccountFingerprint.settings(account, shared: shared, contentRoot: contentRoot, options: options, preview: preview,
                                                       publisher: publisher.fingerprint(for: account))
            return (account.slug,
                    AccountFingerprint.account(account, settings: settings, pages: pages),
                    AccountFingerprint.pageBase(account, settings: settings, identity: identity, directory: directories[account.slug] ?? "",
                                                known: knownHash, today: options.today))
        }
        return Fingerprints(accounts: Dictionary(both.map { ($0.0, $0.1) }, uniquingKeysWith: { first, _ in first }),
                            pageBases: Dictionary(both.map { ($0.0, $0.2) }, uniquingKeysWith: { first, _ in first }), pages: pages)
    }
}
