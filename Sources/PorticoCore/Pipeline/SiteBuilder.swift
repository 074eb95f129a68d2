import Foundation

public struct BuildSummary: Sendable {
    public var accounts: Int
    public var pages: Int
    public var files: Int
    public var warnings: Int
    public var seconds: Double
    /// Which accounts were read and rendered (or kept, when their inputs had not changed).
    public var scope: BuildScope = .all
    /// How long each stage took, in order.
    public var timings: [StageTime] = []
    /// The accounts this build read (all of them unless the plan read only some) and those it rendered.
    public var read: [ResolvedAccount] = []
    public var rendered: Set<String> = []
    /// Library pieces rendered and how many Markdown renderings they took (once each when every account shares it);
    /// with a `BuildMemory` and only some accounts read, their own pages are counted too.
    public var libraryRenders: (pieces: Int, renders: Int) = (0, 0)
    /// Pages of the rendered accounts left as the last build made them (`PageReuse`: their fingerprint did not change).
    public var pagesKept = 0
}

public enum BuildScope: Sendable, Equatable {
    /// Nothing changed since the last build: the site was left as it was.
    case unchanged
    /// Only these accounts' folders changed: only they were read.
    case accounts(Set<String>)
    case all
}

/// The whole build, as a flat list of stages: scan inputs → plan → theme → load and resolve → fingerprint →
/// render → shared files → commit.
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
    /// The preview's way: a build with errors still puts in place what it could render (the errors are in the log).
    public var commitsWithErrors = false
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
        loader.frontMatterCache = cache.map { FrontMatterCache(folder: $0.folder, memory: $0.memory) }
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
    /// With a cache, the plan made from the last build's state says what is read, rendered and kept: nothing
    /// when no input changed, only the accounts whose folders hold every change, else every account (reusing
    /// the folders of accounts whose fingerprint did not change). The same stages carry out every plan.
    public func build(log: DiagnosticLog, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> BuildSummary {
        let start = Date()
        precondition(shard == nil || (cache == nil && publishLog == nil && access?.records != true), "a shard records nothing of the whole portal")
        var clock = StageClock()
        let inputs = clock.time("scan inputs") {
            cache.map { _ in InputStamp.scan(contentRoot: contentRoot, themeFolders: themeFolders, settings: inputSettings()) }
        }
        var plan = clock.time("plan") { makePlan(inputs: inputs) }
        if plan.nothingChanged, let previous = plan.previous {
            log.report(contentsOf: previous.diagnostics)
            return BuildSummary(accounts: previous.totals.accounts, pages: previous.totals.pages, files: previous.totals.files,
                                warnings: previous.diagnostics.filter { $0.severity == .warning }.count,
                                seconds: Date().timeIntervalSince(start), scope: .unchanged, timings: clock.stages)
        }
        let themeLog = DiagnosticLog()
        let theme = clock.time("theme") { Theme(folders: themeFolders, log: themeLog) }
        var content = clock.time("load") { read(plan) }
        if !content.accepted {
            plan.readEverything()
            content = clock.time("load all") { read(plan) }
        }
        log.report(contentsOf: themeLog.all + content.log.all)
        let (portal, directories) = (content.portal, content.directories)
        let accounts = content.accounts.filter { shard?.contains($0.slug) ?? true }
        let history = access?.review(portal.accounts.map(\.config), today: options.today, complete: plan.readsEverything, log: log)
        let known = plan.known(portal)
        let fingerprinted: Fingerprints? = clock.time("fingerprint") {
            cache == nil ? nil : self.fingerprints(portal: portal, accounts: accounts, known: known, directories: directories)
        }
        let fingerprints = fingerprinted?.accounts ?? [:]
        let kept = plan.kept(accounts, directories: directories, fingerprints: fingerprints, output: output)
        let unread = plan.unread
        for state in unread.values { log.report(contentsOf: state.sources + state.diagnostics) }
        // With anything kept, only what changed is staged; otherwise the whole site, swapped in with one rename.
        let writer = kept.isEmpty && plan.readsEverything ? try SiteWriter(output: output) : try SiteWriter(updating: output)
        for state in unread.values { writer.keep(state.directory, files: state.files) }
        let side = sideWork(plan: plan, accounts: accounts, fingerprints: portal.fingerprints.compactMapValues(\.publish),
                            latest: content.latestPublish)
        do {
            let rendered = RenderedDiagnostics([:])
            let pageInputs = fingerprinted.map { PageInputs(fingerprints: $0, previous: plan.previous?.accounts ?? [:]) }
            let markdownCache = cache?.memory?.markdownCache(readsEverything: plan.readsEverything) ?? MarkdownCache()
            let pages = try clock.time("render") {
                try renderAccounts(portal: portal, accounts: accounts, known: known, theme: theme, writer: writer, log: log, keeping: kept,
                                   rendered: rendered, pageInputs: pageInputs, markdownCache: markdownCache, otherPages: unread.values.reduce(0) { $0 + $1.pages },
                                   progress: progress)
            }
            let (record, digest, json, extra) = side.value
            let shared = try clock.time("shared files") { () throws -> [String] in
                // Kept only when the last build vouches for them: portal.yml, the theme and the binary are unchanged.
                guard let previous = plan.previous, !plan.readsEverything else {
                    return try writeShared(portal: portal, theme: theme, writer: writer, extra: try extra.get())
                }
                for (name, paths) in Dictionary(grouping: previous.shared, by: SiteWriter.topLevel) { writer.keep(name, files: paths.count) }
                return previous.shared
            }
            if !commitsWithErrors, log.hasErrors || (options.strict && !log.warnings.isEmpty) {
                writer.abort()
                throw BuildFailed(diagnostics: log.all)
            }
            var states = unread
            for account in accounts {
                guard let directory = directories[account.slug] else { continue }
                states[account.slug] = BuildState.AccountState(
                    directory: directory, fingerprint: fingerprints[account.slug] ?? "", pages: AccountRenderer.pageCount(of: account, portal: portal.config),
                    files: writer.files(in: directory), sources: content.sources[account.slug] ?? [],
                    diagnostics: kept[account.slug]?.diagnostics ?? rendered.current[account.slug] ?? [],
                    pageRecords: kept[account.slug]?.pageRecords ?? pageInputs?.records.current[account.slug] ?? PageRecords())
            }
            let totals = BuildCache.Totals(accounts: states.count, pages: pages, files: writer.filesWritten)
            let diagnostics = log.all
            cache?.memory?.remember(markdownCache)
            try clock.time("commit") {
                try commit(writer, record: record, digest: digest, json: json, history: history) {
                    BuildState(summary: .init(output: output.standardizedFileURL.path, accounts: states, totals: totals, diagnostics: diagnostics,
                                              known: known, shared: shared, outputState: OutputState.digest(output: output, shared: shared),
                                              publishDigest: digest ?? "", accessDigest: history?.digest ?? ""),
                               inputs: inputs ?? .unusable)
                }
            }
            return BuildSummary(accounts: totals.accounts, pages: pages, files: totals.files, warnings: log.warnings.count,
                                seconds: Date().timeIntervalSince(start), scope: plan.readsEverything ? .all : .accounts(plan.reading ?? []),
                                timings: clock.stages, read: accounts, rendered: Set(accounts.map(\.slug)).subtracting(kept.keys),
                                libraryRenders: markdownCache.counts, pagesKept: pageInputs?.kept.current ?? 0)
        } catch {
            writer.abort()
            throw error
        }
    }

    func makePlan(inputs: InputStamp?) -> BuildPlan {
        let previous = cache?.load(for: output)
        let changed = cache.flatMap { cache in previous.flatMap { inputs?.changedContent(since: $0.inputs, racyWindow: cache.racyWindow) } }
        return BuildPlan(previous: previous?.summary, changed: changed, output: output, publishLog: publishLog, accessDigest: access?.file.digest(),
                         strict: options.strict)
    }

    /// What the plan reads: the portal with its accounts resolved, what that reported (not yet passed on: a
    /// partial read the plan does not accept is read again in full) and whether the plan accepts it.
    struct Content {
        var portal: Portal
        var accounts: [ResolvedAccount]
        var sources: [String: [Diagnostic]]
        var directories: [String: String]
        var log: DiagnosticLog
        var latestPublish: PublishRecord?
        var accepted: Bool
    }

    func read(_ plan: BuildPlan) -> Content {
        let log = DiagnosticLog()
        // The last publish record (a megabyte of JSON) is read while the accounts load.
        let latestRead = plan.readsEverything ? nil : publishLog.map { publishLog in Background { publishLog.latest() } }
        let (portal, accounts, sources) = loadAndResolve(log: log, only: plan.reading)
        let directories = Dictionary(accounts.map { ($0.slug, publisher.directory(for: $0.config)) }, uniquingKeysWith: { first, _ in first })
        let latest = latestRead?.value ?? nil
        let accepted = plan.accepts(portal, accounts, directories: directories, latestPublish: latest, publishing: publishLog != nil)
        return Content(portal: portal, accounts: accounts, sources: sources, directories: directories, log: log, latestPublish: latest,
                       accepted: accepted)
    }

    /// What the end of the build writes besides pages, made while the accounts render: the publish record (the
    /// last one with the read accounts' pages as they are now, when only some were read) and the extra files.
    func sideWork(plan: BuildPlan, accounts: [ResolvedAccount], fingerprints: [String: String], latest: PublishRecord?)
        -> Background<(record: PublishRecord?, digest: String?, json: Data?, extra: Result<[String: Data], any Error>)> {
        let publishing = publishLog != nil, today = options.today, extraFiles = self.extraFiles, everything = plan.readsEverything
        return Background {
            var record: PublishRecord?
            if publishing {
                let current = PublishRecord(date: today, accounts: accounts, known: fingerprints)
                if everything { record = current } else {
                    record = latest
                    record?.accounts.merge(current.accounts) { _, new in new }
                }
            }
            return (record, record.map(LatestPublishMark.digest(of:)), record?.json(), everything ? Result { try extraFiles() } : .success([:]))
        }
    }

    /// Commits the site, then saves the state the next build plans from (made by `state` once the site is in
    /// place, as it describes the output's files). The last state is forgotten before the commit, so it never
    /// describes a site that a cut-short commit left half-updated. `record` goes to the publish log once the
    /// site is in place, alongside saving the state.
    func commit(_ writer: SiteWriter, record: PublishRecord?, digest: String?, json: Data?, history: AccessGuard.Reviewed?,
                state: (() -> BuildState)?) throws {
        let publishLog = self.publishLog
        let publish = { @Sendable in if let record { _ = try? publishLog?.recordIfChanged(record, digest: digest, json: json) } }
        cache?.remove(for: output)
        try writer.commit()
        try access?.save(history)
        guard let cache, let state else { return publish() }
        let recording = record.map { _ in Background(publish) }
        cache.save(state(), for: output)
        _ = recording?.value
    }

    /// `keeping`: accounts whose folder stays as the last build left it (their diagnostics are reported again);
    /// `rendered` collects what rendering each other account reported.
    func renderAccounts(portal: Portal, accounts: [ResolvedAccount], known: BuildCache.KnownFiles? = nil, theme: Theme, writer: SiteWriter?,
                        log: DiagnosticLog, anchors: AnchorIndex? = nil, keeping: [String: BuildState.AccountState] = [:],
                        rendered: RenderedDiagnostics? = nil, pageInputs: PageInputs? = nil, markdownCache: MarkdownCache = MarkdownCache(), otherPages: Int = 0,
                        progress: (@Sendable (Int, Int) -> Void)?) throws -> Int {
        let known = known ?? BuildCache.KnownFiles(portal)
        let knownPages = Set(known.pages)
        let knownAssets = Set(known.assets)
        let unreadablePages = Set(known.unreadable)
        let total = accounts.reduce(otherPages) { $0 + AccountRenderer.pageCount(of: $1, portal: portal.config) }
        let counter = Locked(0)
        counter.withLock { $0 += otherPages }
        let failures = Locked<[any Error]>([])
        let publisher = self.publisher
        let contentRoot = self.contentRoot
        let preview = self.preview
        let keptFolders = writer?.updating == true ? keeping : [:]
        let concurrentPages = accounts.filter { keptFolders[$0.slug] == nil }.count < ProcessInfo.processInfo.activeProcessorCount
        DispatchQueue.concurrentPerform(iterations: accounts.count) { index in
            let account = accounts[index]
            let directory = publisher.directory(for: account.config)
            if let writer, let state = keptFolders[account.slug] {
                writer.keep(directory, files: state.files)
                log.report(contentsOf: state.diagnostics)
                // Counted outside `progress?(…)`: an optional call skips evaluating its arguments when nil.
                let done = counter.withLock { $0 += AccountRenderer.pageCount(of: account, portal: portal.config); return $0 }
                progress?(done, total)
                return
            }
            // A folder already in the output is updated file by file: most of its files come out the same.
            let refreshing = writer?.updating == true && FileKind.at(writer!.output.path + "/" + directory) == .directory
            if refreshing { writer?.refresh(directory) } else { writer?.replace(directory) }
            let assetsShown = Locked(Set<AssetReference>())
            // Pages whose fingerprint the last build recorded for this folder stay as they are (`PageReuse`).
            let reuse = pageInputs.flatMap { inputs -> PageReuse? in
                guard let base = inputs.fingerprints.pageBases[account.slug] else { return nil }
                var previous = PageRecords()
                if refreshing, let state = inputs.previous[account.slug], state.directory == directory,
                   !(state.sources + state.diagnostics).contains(where: { $0.severity == .error }) {
                    previous = state.pageRecords
                }
                return PageReuse(base: base, pageHashes: inputs.fingerprints.pages, previous: previous) { path, record in
                    guard let writer, writer.keepFile("\(directory)/\(path)") else { return false }
                    inputs.kept.withLock { $0 += 1 }
                    assetsShown.withLock { $0.formUnion(record.assets) }
                    let done = counter.withLock { $0 += 1; return $0 }
                    progress?(done, total)
                    return true
                }
            }
            let accountLog = DiagnosticLog()
            defer {
                log.report(contentsOf: accountLog.all)
                rendered?.withLock { $0[account.slug] = accountLog.all }
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
            do {
                defer { if let reuse { pageInputs?.records.withLock { $0[account.slug] = reuse.records } } }
                try renderer.renderAll(log: log, concurrentPages: concurrentPages, reuse: reuse) { page in
                    try writer?.write(try sealing.page(page), to: "\(directory)/\(page.path)")
                    assetsShown.withLock { $0.formUnion(page.assets.map { AssetReference(url: "", sourcePath: $0.sourcePath, outputPath: $0.outputPath) }) }
                    let done = counter.withLock { $0 += 1; return $0 }
                    progress?(done, total)
                }
                var usedAssets = assetsShown.current
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
                failures.withLock { $0.append(error) }
            }
        }
        if let error = failures.current.first { throw error }
        return counter.current
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

/// What rendering each account reported, by slug, collected from the threads that render them.
typealias RenderedDiagnostics = Locked<[String: [Diagnostic]]>

/// What decides which pages of a rendered account are made again (`PageReuse`), and what each account's pages
/// were made from this time, by slug.
final class PageInputs: Sendable {
    let fingerprints: SiteBuilder.Fingerprints
    /// The last build's accounts, by slug.
    let previous: [String: BuildState.AccountState]
    let records = Locked<[String: PageRecords]>([:])
    /// How many pages stayed as they were.
    let kept = Locked(0)

    init(fingerprints: SiteBuilder.Fingerprints, previous: [String: BuildState.AccountState]) {
        self.fingerprints = fingerprints
        self.previous = previous
    }
}
