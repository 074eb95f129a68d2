import Foundation

/// The last build of an output folder, as its cache manifest describes it, when the manifest is complete
/// and the folder still holds what it lists.
struct PreviousBuild {
    let manifest: BuildCache.Manifest
    let totals: BuildCache.Totals
    let diagnostics: [Diagnostic]
    let known: BuildCache.KnownFiles
    /// The files outside the accounts' folders (`_portico/`, the root page …), as the manifest lists them.
    let shared: [String]
    /// By slug: the account's folder in the output and its entry.
    let accounts: [String: (directory: String, entry: BuildCache.Entry)]

    init?(_ manifest: BuildCache.Manifest, output: URL, publishLog: PublishLog?, accessDigest: String?) {
        guard let totals = manifest.totals, let diagnostics = manifest.diagnostics, let known = manifest.known, let shared = manifest.shared
        else { return nil }
        var accounts: [String: (directory: String, entry: BuildCache.Entry)] = [:]
        for (directory, entry) in manifest.accounts {
            guard let slug = entry.slug, entry.pages != nil, entry.sources != nil,
                  FileKind.at(output.path + "/" + directory) == .directory else { return nil }
            accounts[slug] = (directory, entry)
        }
        // The site root and `_portico/` hold what the build wrote there and nothing else.
        guard let state = manifest.outputState, state == OutputState.digest(output: output, shared: shared) else { return nil }
        // The newest publish recorded must be this build's, or the next build has one to record.
        if let publishLog {
            guard let digest = manifest.publishDigest, publishLog.newestIs(digest: digest) else { return nil }
        }
        // The access history must be the one this build left: accounts it did not read were checked against that one.
        if let accessDigest, manifest.accessDigest != accessDigest { return nil }
        self.manifest = manifest
        self.totals = totals
        self.diagnostics = diagnostics
        self.known = known
        self.shared = shared
        self.accounts = accounts
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

    /// Nothing changed: the site is left as it is and the last build's diagnostics are reported again.
    func unchanged(log: DiagnosticLog, options: BuildOptions, start: Date) -> BuildSummary? {
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        guard !diagnostics.contains(where: { $0.severity == .error }), !(options.strict && warnings > 0) else { return nil }
        log.report(contentsOf: diagnostics)
        return BuildSummary(accounts: totals.accounts, pages: totals.pages, files: totals.files, warnings: warnings,
                            seconds: Date().timeIntervalSince(start), scope: .unchanged)
    }
}

extension SiteBuilder {
    /// Everything but the files that the output depends on, hashed: a change means no input stamp compares equal.
    func inputSettings() -> String {
        var hasher = FieldHasher()
        hasher.add("portico-inputs-1 " + AccountFingerprint.version)
        hasher.add(Self.executableIdentity)
        hasher.add(contentRoot.standardizedFileURL.path)
        for folder in themeFolders { hasher.add(folder.standardizedFileURL.path) }
        hasher.add(output.standardizedFileURL.path)
        hasher.add("\(options.drafts) \(options.future) \(options.strict) \(preview) \(options.baseURL ?? "-") \(options.today)")
        hasher.add(publisher.identity)
        return hasher.hex()
    }

    /// This program's file (size, modification time, inode): a new build of portico renders afresh.
    static let executableIdentity: String = {
        var info = stat()
        guard stat("/proc/self/exe", &info) == 0 else { return "unknown \(UUID())" }
        return "\(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)"
    }()

    /// Reads, renders and writes only `slugs`, keeping every other account's folder from `previous`. Nil, with
    /// nothing written or reported, when what the last build knew no longer holds (an account was added or
    /// removed, or links would now resolve differently): then the caller builds as usual.
    func rebuild(_ slugs: Set<String>, previous: PreviousBuild, inputs: InputStamp, log: DiagnosticLog, start: Date,
                 progress: (@Sendable (Int, Int) -> Void)?) throws -> BuildSummary? {
        guard slugs.isSubset(of: previous.accounts.keys) else { return nil }
        let fresh = DiagnosticLog()
        let theme = Theme(folders: themeFolders, log: fresh)
        let (portal, accounts, sources) = loadAndResolve(log: fresh, only: slugs)
        guard Set(accounts.map(\.slug)) == slugs else { return nil }
        let history = access?.review(portal.accounts.map(\.config), today: options.today, complete: false, log: fresh)
        // What links may point at must be what the last build saw, or pages of other accounts could render differently.
        let loaded = BuildCache.KnownFiles(portal)
        guard loaded == previous.known.restricted(toAccounts: slugs) else { return nil }
        var directories: [String: String] = [:]
        for account in accounts {
            let directory = publisher.directory(for: account.config)
            guard directory == previous.accounts[account.slug]?.directory else { return nil }
            directories[account.slug] = directory
        }

        var latest: PublishRecord?
        if let publishLog {
            guard let record = publishLog.latest() else { return nil }
            latest = record
        }

        log.report(contentsOf: fresh.all)
        let kept = previous.accounts.filter { !slugs.contains($0.key) }
        for (_, (_, entry)) in kept { log.report(contentsOf: (entry.sources ?? []) + entry.diagnostics) }
        let reuse = Reuse(previous: previous.manifest, fingerprints: fingerprints(portal: portal, accounts: accounts),
                          directories: directories, output: output)
        let writer = try SiteWriter(updating: output)
        do {
            for (_, (directory, entry)) in kept { writer.keep(directory, files: entry.files) }
            let pages = try renderAccounts(portal: portal, accounts: accounts, known: previous.known, theme: theme, writer: writer, log: log,
                                           reuse: reuse, otherPages: kept.values.reduce(0) { $0 + ($1.entry.pages ?? 0) }, progress: progress)
            // The shared files come from portal.yml, the theme and the binary, which this path requires unchanged, and
            // the output's copies match the manifest (`OutputState`): they stay as they are, unread and unwritten.
            let shared = previous.shared
            for (name, paths) in Dictionary(grouping: shared, by: SiteWriter.topLevel) { writer.keep(name, files: paths.count) }
            if log.hasErrors || (options.strict && !log.warnings.isEmpty) {
                writer.abort()
                throw BuildFailed(diagnostics: log.all)
            }
            // The last publish with these accounts' pages as they are now.
            let record = latest.map { latest in
                var record = latest
                let known = portal.fingerprints.compactMapValues(\.publish)
                record.accounts.merge(PublishRecord(date: options.today, accounts: accounts, known: known).accounts) { _, new in new }
                return record
            }
            let digest = record.map(LatestPublishMark.digest(of:))
            var manifest = previous.manifest
            manifest.accounts.merge(reuse.entries(for: accounts, portal: portal.config, directories: directories, files: writer.files(in:),
                                                  sources: sources)) { _, new in new }
            manifest.complete(totals: .init(accounts: previous.totals.accounts, pages: pages, files: writer.filesWritten), diagnostics: log.all,
                              known: previous.known, shared: shared, publishDigest: digest, accessDigest: history?.digest)
            try commit(writer, manifest: manifest, previous: previous.manifest, inputs: inputs, record: record, digest: digest, history: history)
            return BuildSummary(accounts: previous.totals.accounts, pages: pages, files: writer.filesWritten,
                                warnings: log.warnings.count, seconds: Date().timeIntervalSince(start), scope: .accounts(slugs))
        } catch {
            writer.abort()
            throw error
        }
    }
}

extension BuildCache.Manifest {
    mutating func complete(totals: BuildCache.Totals, diagnostics: [Diagnostic], known: BuildCache.KnownFiles, shared: [String],
                           publishDigest: String?, accessDigest: String? = nil) {
        self.accessDigest = accessDigest
        self.totals = totals
        self.diagnostics = diagnostics
        self.known = known
        self.shared = shared
        self.publishDigest = publishDigest
    }
}

extension BuildCache.KnownFiles {
    /// The library's and every loaded account's pages, assets and unreadable pages, sorted.
    init(_ portal: Portal) {
        self.init(pages: (portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) }).sorted(),
                  assets: (portal.libraryAssets + portal.accounts.flatMap(\.assets)).sorted(),
                  unreadable: portal.unreadablePages.sorted())
    }

    /// What a load of only these accounts (and the library) would know.
    func restricted(toAccounts slugs: Set<String>) -> BuildCache.KnownFiles {
        func kept(_ path: String) -> Bool {
            guard path.hasPrefix("accounts/") else { return true }
            let slug = path.dropFirst("accounts/".count).prefix { $0 != "/" }
            return slugs.contains(String(slug))
        }
        return BuildCache.KnownFiles(pages: pages.filter(kept), assets: assets.filter(kept), unreadable: unreadable.filter(kept))
    }
}

/// The site root and `_portico/` as a build left them: the names in both and each shared file's metadata, hashed.
enum OutputState {
    static func digest(output: URL, shared: [String]) -> String {
        var hasher = FieldHasher()
        for folder in [output.path, output.path + "/_portico"] {
            hasher.add(folder == output.path ? "/" : "/_portico")
            for name in ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted() { hasher.add(name) }
        }
        for path in shared {
            var info = stat()
            guard lstat(output.path + "/" + path, &info) == 0 else { hasher.add(path + " missing"); continue }
            hasher.add("\(path) \(info.st_mode) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_ino)")
        }
        return hasher.hex()
    }
}
