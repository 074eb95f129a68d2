import Foundation

/// Which accounts may be reused from the previous build, and what this build learnt for the next one.
final class Reuse: @unchecked Sendable {
    let previous: BuildCache.Manifest?
    let fingerprints: [String: String]
    /// By slug: the previous entries of accounts whose fingerprint is unchanged, that built without errors,
    /// and whose folder is still in the output.
    let reusable: [String: BuildCache.Entry]
    private var diagnostics: [String: [Diagnostic]] = [:]
    private let lock = NSLock()

    init(previous: BuildCache.Manifest?, fingerprints: [String: String], directories: [String: String], output: URL) {
        self.previous = previous
        self.fingerprints = fingerprints
        var reusable: [String: BuildCache.Entry] = [:]
        for (slug, directory) in directories {
            guard let entry = previous?.accounts[directory], let fingerprint = fingerprints[slug], entry.fingerprint == fingerprint,
                  !entry.diagnostics.contains(where: { $0.severity == .error }),
                  SiteUpdate.kind(output.appendingPathComponent(directory)) == .directory else { continue }
            reusable[slug] = entry
        }
        self.reusable = reusable
    }

    func record(_ slug: String, diagnostics found: [Diagnostic]) {
        lock.lock(); diagnostics[slug] = found; lock.unlock()
    }

    /// The next manifest's entries for `accounts`, by output folder; `files` counts the files in a folder,
    /// `sources` is what loading and resolving each account reported, by slug.
    func entries(for accounts: [ResolvedAccount], portal: PortalConfig, directories: [String: String], files: (String) -> Int,
                 sources: [String: [Diagnostic]]) -> [String: BuildCache.Entry] {
        lock.lock(); defer { lock.unlock() }
        var result: [String: BuildCache.Entry] = [:]
        for account in accounts {
            guard let directory = directories[account.slug], let fingerprint = fingerprints[account.slug] else { continue }
            result[directory] = BuildCache.Entry(fingerprint: fingerprint, diagnostics: diagnostics[account.slug] ?? [], files: files(directory),
                                                 slug: account.slug, pages: AccountRenderer.pageCount(of: account, portal: portal),
                                                 sources: sources[account.slug] ?? [])
        }
        return result
    }
}

extension SiteBuilder {
    /// Each account's input fingerprint, by slug.
    func fingerprints(portal: Portal, accounts: [ResolvedAccount]) -> [String: String] {
        let shared = [AccountFingerprint.theme(themeFolders),
                      AccountFingerprint.files([contentRoot.appendingPathComponent("portal.yml")]),
                      AccountFingerprint.files(portal.libraryAssets.map { contentRoot.appendingPathComponent($0) })].joined(separator: "/")
        let sources = portal.library + portal.accounts.flatMap(\.pages)
        let files = portal.fingerprints
        let known = Dictionary(sources.concurrentMap { ($0.sourcePath, AccountFingerprint.page($0, file: files[$0.sourcePath]?.content)) },
                               uniquingKeysWith: { first, _ in first })
        return Dictionary(accounts.concurrentMap { account in
            (account.slug, AccountFingerprint.account(account, shared: shared, contentRoot: contentRoot, options: options, preview: preview,
                                                       publisher: publisher.fingerprint(for: account), pages: known))
        }, uniquingKeysWith: { first, _ in first })
    }
}
