import Foundation

public struct BuildSummary: Sendable {
    public var accounts: Int
    public var pages: Int
    public var files: Int
    public var warnings: Int
    public var seconds: Double
    /// Which accounts were read and rendered (or kept, when their inputs had not changed).
    public var scope: BuildScope = .all
}

public enum BuildScope: Sendable, Equatable {
    /// Nothing changed since the last build: the site was left as it was.
    case unchanged
    /// Only these accounts' folders changed: only they were read.
    case accounts(Set<String>)
    case all
}

/// The whole build, as a flat list of stages: load → resolve → render → write.
public struct SiteBuilder: Sendable {
    public var contentRoot: URL
    public var themeFolders: [URL]
    public var output: URL
    public var options: BuildOptions
    public var publisher: any AccountPublisher
    public var preview: Bool
    /// When set, accounts whose inputs did not change since the last build are reused, not rendered.
    public var cache: BuildCache?
    /// More files for the site root, by path (the feedback endpoint's OpenAPI description), made when the
    /// shared files are written. They must depend only on the content and this program (the build cache
    /// does not look at them).
    public var extraFiles: @Sendable () throws -> [String: Data] = { [:] }
    /// Where a successful build records what it published (for `portico digest --since last-publish`).
    public var publishLog: PublishLog?
    /// The access history the accounts are checked against (and, for a publish, recorded into).
    public var access: AccessGuard?
    /// When set, only this shard's accounts are rendered; everything is still loaded and checked, so links, the
    /// shared files and the diagnostics are those of the whole portal. A shard describes part of the portal, so it
    /// takes no cache, publish log or recording access guard: `mergeShards` records the whole.
    public var shard: Shard?

    public init(contentRoot: URL, themeFolders: [URL], output: URL, options: BuildOptions, publisher: any AccountPublisher, preview: Bool = false) {
        self.contentRoot = contentRoot
        self.themeFolders = themeFolders
        self.output = output
        self.options = options
        self.publisher = publisher
        self.preview = preview
    }

    /// Loads and resolves without writing anything (for `check` and the first half of `build`).
    public func loadAndResolve(log: DiagnosticLog) -> (Portal, [ResolvedAccount]) {
        let (portal, accounts, _) = loadAndResolve(log: log, only: nil)
        return (portal, accounts)
    }

    /// Also returns what loading and resolving each account reported, by slug; `only` limits the accounts loaded.
    func loadAndResolve(log: DiagnosticLog, only: Set<String>?) -> (Portal, [ResolvedAccount], [String: [Diagnostic]]) {
        var loader = ContentLoader(root: contentRoot)
        loader.frontMatterCache = cache.map { FrontMatterCache(folder: $0.folder) }
        var portal = loader.load(into: log, only: only)
        if let baseURL = options.baseURL { portal.config.baseURL = baseURL }
        let resolver = AccountResolver(portal: portal, options: options)
        let resolved = portal.accounts.concurrentMap { account in
            let accountLog = DiagnosticLog()
            let resolved = resolver.resolve(account, log: accountLog)
            return (resolved, accountLog.all)
        }
        var sources = portal.accountDiagnostics
        for (account, diagnostics) in resolved {
            log.report(contentsOf: diagnostics)
            sources[account.slug, default: []] += diagnostics
        }
        return (portal, resolved.map(\.0), sources)
    }

    /// Builds the site; on any error (or warning with `strict`) nothing is replaced and `BuildFailed` is thrown.
    /// With a cache, a build whose inputs did not change since the last one leaves the site as it is, and one
    /// whose changes are all inside some account folders reads and renders only those accounts.
    public func build(log: DiagnosticLog, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BuildSummary {
        let start = Date()
        precondition(shard == nil || (cache == nil && publishLog == nil && access?.records != true), "a shard records nothing of the whole portal")
        let inputs = cache.map { _ in InputStamp.scan(contentRoot: contentRoot, themeFolders: themeFolders, settings: inputSettings()) }
        let previous = cache?.load(for: output)
        if let cache, let inputs, let previous, let before = cache.inputs(for: output),
           let changed = inputs.changedContent(since: before, racyWindow: cache.racyWindow),
           let slugs = PreviousBuild.accounts(owning: changed),
           let state = PreviousBuild(previous, output: output, publishLog: publishLog, accessDigest: access?.file.digest()) {
            if slugs.isEmpty, let summary = state.unchanged(log: log, options: options, start: start) { return summary }
            if let summary = try rebuild(slugs, previous: state, inputs: inputs, log: log, start: start, progress: progress) { return summary }
        }
        let theme = Theme(folders: themeFolders, log: log)
        let (portal, everyAccount, sources) = loadAndResolve(log: log, only: nil)
        let accounts = everyAccount.filter { shard?.contains($0.slug) ?? true }
        let history = access?.review(portal.accounts.map(\.config), today: options.today, complete: true, log: log)
        let known = BuildCache.KnownFiles(portal)
        let directories = Dictionary(accounts.map { ($0.slug, publisher.directory(for: $0.config)) }, uniquingKeysWith: { first, _ in first })
        let reuse = cache.map { _ in Reuse(previous: previous, fingerprints: fingerprints(portal: portal, accounts: accounts),
                                      directories: directories, output: output) }
        // With accounts to reuse, only what changed is staged; otherwise the whole site, swapped in with one rename.
        let writer = reuse?.reusable.isEmpty == false ? try SiteWriter(updating: output) : try SiteWriter(output: output)
        // What the end of the build writes besides pages is made meanwhile.
        let publishing = publishLog != nil, today = options.today, extraFiles = self.extraFiles
        let publishFingerprints = portal.fingerprints.compactMapValues(\.publish)
        let side = Background { () -> (record: PublishRecord?, digest: String?, json: Data?, extra: Result<[String: Data], any Error>) in
            let record = publishing ? PublishRecord(date: today, accounts: accounts, known: publishFingerprints) : nil
            return (record, record.map(LatestPublishMark.digest(of:)), record?.json(), Result { try extraFiles() })
        }
        do {
            let pages = try renderAccounts(portal: portal, accounts: accounts, known: known, theme: theme, writer: writer, log: log,
                                           reuse: reuse, progress: progress)
            let (record, digest, json, extra) = side.value
            let shared = try writeShared(portal: portal, theme: theme, writer: writer, extra: try extra.get())
            if log.hasErrors || (options.strict && !log.warnings.isEmpty) {
                writer.abort()
                throw BuildFailed(diagnostics: log.all)
            }
            var manifest = reuse.map { reuse in
                BuildCache.Manifest(output: output.standardizedFileURL.path,
                                    accounts: reuse.entries(for: accounts, portal: portal.config, directories: directories,
                                                            files: writer.files(in:), sources: sources))
            }
            manifest?.complete(totals: .init(accounts: accounts.count, pages: pages, files: writer.filesWritten), diagnostics: log.all, known: known,
                               shared: shared, publishDigest: digest, accessDigest: history?.digest)
            try commit(writer, manifest: manifest, previous: reuse?.previous, inputs: inputs, record: record, digest: digest, json: json,
                       history: history)
            return BuildSummary(accounts: accounts.count, pages: pages, files: writer.filesWritten,
                                warnings: log.warnings.count, seconds: Date().timeIntervalSince(start))
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Commits the site and records what the next build may reuse. A manifest that changes is forgotten before
    /// the commit and saved after it, so it never describes a site that a cut-short commit left half-updated.
    /// `record` goes to the publish log once the site is in place, alongside saving the manifest (`digest` and
    /// `json` are its `LatestPublishMark` digest and its JSON, when already made).
    func commit(_ writer: SiteWriter, manifest: BuildCache.Manifest?, previous: BuildCache.Manifest?, inputs: InputStamp?,
                record: PublishRecord?, digest: String?, json: Data? = nil, history: AccessGuard.Reviewed? = nil) throws {
        let publishLog = self.publishLog
        let publish = { @Sendable in if let record { _ = try? publishLog?.recordIfChanged(record, digest: digest, json: json) } }
        guard let cache, var manifest else {
            try writer.commit()
            try access?.save(history)
            publish()
            return
        }
        var before = previous
        before?.outputState = nil
        if manifest != before { cache.remove(for: output) }
        try writer.commit()
        try access?.save(history)
        let recording = record.map { _ in Background(publish) }
        manifest.outputState = manifest.shared.map { OutputState.digest(output: output, shared: $0) }
        cache.save(manifest, inputs: inputs, for: output)
        _ = recording?.value
    }

    /// Preview: rebuilds `only` these accounts (all when nil) straight into the output folder, keeping the
    /// rest as they are. Errors are reported in the log; what could be rendered is written anyway.
    /// `select` sees the freshly resolved accounts and names the ones to rebuild (nil: all).
    public func buildInPlace(log: DiagnosticLog, select: ([ResolvedAccount]) -> Set<String>? = { _ in nil }) throws -> (Portal, [ResolvedAccount], Set<String>) {
        let theme = Theme(folders: themeFolders, log: log)
        let (portal, accounts) = loadAndResolve(log: log)
        let writer = try SiteWriter(inPlace: output)
        let only = select(accounts)
        let selected = accounts.filter { only?.contains($0.slug) ?? true }
        for account in selected { writer.remove(publisher.directory(for: account.config)) }
        _ = try renderAccounts(portal: portal, accounts: selected, theme: theme, writer: writer, log: log, progress: nil)
        try writeShared(portal: portal, theme: theme, writer: writer)
        return (portal, accounts, Set(selected.map(\.slug)))
    }

    /// `known`: what links may point at; `otherPages`: pages of accounts kept from the last build, for `progress`.
    func renderAccounts(portal: Portal, accounts: [ResolvedAccount], known: BuildCache.KnownFiles? = nil, theme: Theme, writer: SiteWriter?,
                        log: DiagnosticLog, anchors: AnchorIndex? = nil, reuse: Reuse? = nil, otherPages: Int = 0,
                        progress: (@Sendable (Int, Int) -> Void)?) throws -> Int {
        let known = known ?? BuildCache.KnownFiles(portal)
        let knownPages = Set(known.pages)
        let knownAssets = Set(known.assets)
        let unreadablePages = Set(known.unreadable)
        let total = accounts.reduce(otherPages) { $0 + AccountRenderer.pageCount(of: $1, portal: portal.config) }
        let counter = Counter()
        _ = counter.add(otherPages)
        let failures = ErrorBox()
        let publisher = self.publisher
        let contentRoot = self.contentRoot
        let markdownCache = MarkdownCache()
        let preview = self.preview
        let rendered = accounts.filter { account in !(writer?.updating == true && reuse?.reusable[account.slug] != nil) }.count
        let concurrentPages = rendered < ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: accounts.count) { index in
            let account = accounts[index]
            let directory = publisher.directory(for: account.config)
            if let reuse, let writer, writer.updating, let entry = reuse.reusable[account.slug] {
                writer.keep(directory, files: entry.files)
                log.report(contentsOf: entry.diagnostics)
                reuse.record(account.slug, diagnostics: entry.diagnostics)
                // Counted outside `progress?(…)`: an optional call skips evaluating its arguments when nil.
                let done = counter.add(AccountRenderer.pageCount(of: account, portal: portal.config))
                progress?(done, total)
                return
            }
            writer?.replace(directory)
            let accountLog = DiagnosticLog()
            defer {
                log.report(contentsOf: accountLog.all)
                reuse?.record(account.slug, diagnostics: accountLog.all)
            }
            let log = accountLog
            guard let sealing = publisher.begin(account, theme: theme, log: log) else { return }
            let palette = BrandPalette(brand: Color(hex: account.config.brand.color) ?? Color(hex: "#1f4e8c")!)
            if palette.adjusted {
                log.report(.warning("brand-contrast", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                    String(format: "brand colour %@ has a contrast of only %.2f:1 on the portal's light backgrounds, below WCAG AA (4.5:1); links and accent text use %@ instead",
                                           account.config.brand.color, BrandPalette.worstContrast(of: Color(hex: account.config.brand.color) ?? .black), palette.accentInk.hex),
                                    hint: "choose a darker brand.color to use it as is"))
            }
            let renderer = AccountRenderer(portal: portal.config, account: account, theme: theme, knownPages: knownPages,
                                           knownAssets: knownAssets, accountPath: directory, preview: preview, anchors: anchors,
                                           unreadablePages: unreadablePages, markdownCache: markdownCache)
            let assetsShown = AssetSet()
            do {
                try renderer.renderAll(log: log, concurrentPages: concurrentPages) { page in
                    try writer?.write(try sealing.page(page), to: "\(directory)/\(page.path)")
                    assetsShown.insert(page.assets.map { AssetReference(url: "", sourcePath: $0.sourcePath, outputPath: $0.outputPath) })
                    let done = counter.increment()
                    progress?(done, total)
                }
                var usedAssets = assetsShown.all
                // An account's own assets are all published; library assets only where a page shows them.
                for path in account.account.assets {
                    if let output = LinkResolver.outputPath(ofAsset: path) {
                        usedAssets.insert(AssetReference(url: "", sourcePath: path, outputPath: output))
                    }
                }
                for asset in usedAssets.sorted(by: { $0.outputPath < $1.outputPath }) where writer != nil {
                    let data = try Data(contentsOf: contentRoot.appendingPathComponent(asset.sourcePath))
                    let (path, bytes) = try sealing.asset(data, reference: asset)
                    try writer?.write(bytes, to: "\(directory)/\(path)")
                }
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.first { throw error }
        return counter.value
    }

    /// Writes the files at the site root and under `_portico/`; returns their paths.
    @discardableResult
    func writeShared(portal: Portal, theme: Theme, writer: SiteWriter, extra: [String: Data]? = nil) throws -> [String] {
        var paths = ["index.html", "robots.txt"]
        let neutral: [String: Any] = ["portal": ["title": portal.config.title], "lang": Language.en.rawValue,
                                      "t": theme.strings(for: .en), "t2": theme.strings(for: .zhCN), "assets": "_portico/"]
        try writer.write(theme.render("index", neutral), to: "index.html")
        try writer.write("User-agent: *\nDisallow: /\n", to: "robots.txt")
        for (name, url) in theme.assets.sorted(by: { $0.key < $1.key }) {
            try writer.copy(url, to: "_portico/\(name)")
            paths.append("_portico/\(name)")
        }
        for (name, data) in publisher.sharedFiles().merging(try extra ?? extraFiles(), uniquingKeysWith: { _, extra in extra }).sorted(by: { $0.key < $1.key }) {
            try writer.write(data, to: name)
            paths.append(name)
        }
        return paths.sorted()
    }
}

final class Counter: @unchecked Sendable {
    private var count = 0
    private let lock = NSLock()
    func increment() -> Int { add(1) }
    func add(_ n: Int) -> Int { lock.lock(); defer { lock.unlock() }; count += n; return count }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}

final class ErrorBox: @unchecked Sendable {
    private var errors: [any Error] = []
    private let lock = NSLock()
    func record(_ error: any Error) { lock.lock(); errors.append(error); lock.unlock() }
    var first: (any Error)? { lock.lock(); defer { lock.unlock() }; return errors.first }
}

/// The assets an account's pages show, collected from the threads that render them.
final class AssetSet: @unchecked Sendable {
    private var items = Set<AssetReference>()
    private let lock = NSLock()
    func insert(_ assets: [AssetReference]) { lock.lock(); items.formUnion(assets); lock.unlock() }
    var all: Set<AssetReference> { lock.lock(); defer { lock.unlock() }; return items }
}
