import Foundation

public struct BuildSummary: Sendable {
    public var accounts: Int
    public var pages: Int
    public var files: Int
    public var warnings: Int
    public var seconds: Double
    /// What was published, for the publish log.
    public var resolved: [ResolvedAccount] = []
    /// `PublishRecord.fingerprint` of source pages by path, where the load already knew them.
    public var publishFingerprints: [String: String] = [:]
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
    /// More files for the site root, by path (the feedback endpoint's OpenAPI description).
    public var extraFiles: [String: Data] = [:]

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
        var loader = ContentLoader(root: contentRoot)
        loader.frontMatterCache = cache.map { FrontMatterCache(folder: $0.folder) }
        var portal = loader.load(into: log)
        if let baseURL = options.baseURL { portal.config.baseURL = baseURL }
        let resolver = AccountResolver(portal: portal, options: options)
        return (portal, portal.accounts.concurrentMap { resolver.resolve($0, log: log) })
    }

    /// Builds the site; on any error (or warning with `strict`) nothing is replaced and `BuildFailed` is thrown.
    public func build(log: DiagnosticLog, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BuildSummary {
        let start = Date()
        let theme = Theme(folders: themeFolders, log: log)
        let (portal, accounts) = loadAndResolve(log: log)
        let directories = Dictionary(accounts.map { ($0.slug, publisher.directory(for: $0.config)) }, uniquingKeysWith: { first, _ in first })
        let reuse = cache.map { Reuse(previous: $0.load(for: output), fingerprints: fingerprints(portal: portal, accounts: accounts),
                                      directories: directories, output: output) }
        // With accounts to reuse, only what changed is staged; otherwise the whole site, swapped in with one rename.
        let writer = reuse?.reusable.isEmpty == false ? try SiteWriter(updating: output) : try SiteWriter(output: output)
        do {
            let pages = try renderAccounts(portal: portal, accounts: accounts, theme: theme, writer: writer, log: log, reuse: reuse, progress: progress)
            try writeShared(portal: portal, theme: theme, writer: writer)
            if log.hasErrors || (options.strict && !log.warnings.isEmpty) {
                writer.abort()
                throw BuildFailed(diagnostics: log.all)
            }
            try commit(writer, reuse: reuse, directories: directories)
            return BuildSummary(accounts: accounts.count, pages: pages, files: writer.filesWritten,
                                warnings: log.warnings.count, seconds: Date().timeIntervalSince(start), resolved: accounts,
                                publishFingerprints: portal.fingerprints.compactMapValues(\.publish))
        } catch {
            writer.abort()
            throw error
        }
    }

    /// Commits the site and records what the next build may reuse. A manifest that changes is forgotten before
    /// the commit and saved after it, so it never describes a site that a cut-short commit left half-updated.
    private func commit(_ writer: SiteWriter, reuse: Reuse?, directories: [String: String]) throws {
        guard let cache, let reuse else {
            try writer.commit()
            return
        }
        let manifest = BuildCache.Manifest(output: output.standardizedFileURL.path,
                                           accounts: reuse.entries(directories: directories, files: writer.files(in:)))
        if manifest == reuse.previous {
            try writer.commit()
            return
        }
        cache.remove(for: output)
        try writer.commit()
        cache.save(manifest, for: output)
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

    func renderAccounts(portal: Portal, accounts: [ResolvedAccount], theme: Theme, writer: SiteWriter?, log: DiagnosticLog,
                        anchors: AnchorIndex? = nil, reuse: Reuse? = nil, progress: (@Sendable (Int, Int) -> Void)?) throws -> Int {
        let knownPages = Set(portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) })
        let knownAssets = Set(portal.libraryAssets + portal.accounts.flatMap(\.assets))
        let total = accounts.reduce(0) { $0 + AccountRenderer.pageCount(of: $1, portal: portal.config) }
        let counter = Counter()
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
                                           unreadablePages: portal.unreadablePages, markdownCache: markdownCache)
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

    func writeShared(portal: Portal, theme: Theme, writer: SiteWriter) throws {
        let neutral: [String: Any] = ["portal": ["title": portal.config.title], "lang": Language.en.rawValue,
                                      "t": theme.strings(for: .en), "t2": theme.strings(for: .zhCN), "assets": "_portico/"]
        try writer.write(theme.render("index", neutral), to: "index.html")
        try writer.write("User-agent: *\nDisallow: /\n", to: "robots.txt")
        for (name, url) in theme.assets.sorted(by: { $0.key < $1.key }) {
            try writer.copy(url, to: "_portico/\(name)")
        }
        for (name, data) in publisher.sharedFiles().merging(extraFiles, uniquingKeysWith: { _, extra in extra }).sorted(by: { $0.key < $1.key }) {
            try writer.write(data, to: name)
        }
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
