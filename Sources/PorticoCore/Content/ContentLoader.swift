import Foundation

/// Stage 1: reads a content folder into a `Portal`, reporting every problem it finds.
public struct ContentLoader: Sendable {
    public let root: URL
    /// `root` as a path: URL's appendingPathComponent was a twentieth of a no-op build.
    private let rootPath: String
    private let fileManager = FileManager.default
    /// Front matter parsed by earlier builds, to skip parsing it again.
    var frontMatterCache: FrontMatterCache?

    public init(root: URL) {
        self.root = root.standardizedFileURL
        rootPath = self.root.path
    }

    /// `only`: the account folders to load (all when nil); the others are left out of the portal.
    public func load(into log: DiagnosticLog, only: Set<String>? = nil) -> Portal {
        let portalText = read("portal.yml", log: log, missingHint: "create content/portal.yml with `title:` and `base_url:` (see docs/content.md)")
        let (config, configDiagnostics) = portalText.map { ConfigParser.portal($0) } ?? (PortalConfig(), [])
        log.report(contentsOf: configDiagnostics)

        var portal = Portal(config: config)
        // The library and the accounts load in parallel (the log and the front-matter cache take locks), the
        // library first as it is the largest folder. Each account reports into its own log too: the build
        // cache keeps what each account reported.
        let slugs = directories(under: "accounts").filter { only?.contains($0) ?? true }
        let folders = ([nil] + slugs.map(Optional.some)).concurrentMap { slug -> FolderLoad in
            guard let slug else { return .library(loadPages(in: "library", origin: .library, log: log)) }
            let accountLog = DiagnosticLog()
            return .account(slug, loadAccount(slug, log: accountLog), accountLog.all)
        }
        var unreadable = Set<String>()
        for folder in folders {
            switch folder {
            case .library(let library):
                portal.library = library.pages
                portal.libraryAssets = files(under: "library/assets")
                unreadable.formUnion(library.unreadable)
                portal.fingerprints.merge(library.fingerprints) { first, _ in first }
            case .account(let slug, let loaded, let diagnostics):
                log.report(contentsOf: diagnostics)
                portal.accountDiagnostics[slug] = diagnostics
                guard let (account, pages) = loaded else { continue }
                portal.accounts.append(account)
                unreadable.formUnion(pages.unreadable)
                portal.fingerprints.merge(pages.fingerprints) { first, _ in first }
            }
        }
        for page in portal.library where page.sme != nil {
            log.report(.error("sme-in-library", at: page.smeLocation ?? SourceLocation(file: page.sourcePath, line: 1),
                              "library pages cannot name an `sme` (SMEs belong to accounts)", hint: "remove `sme:` or move the page into an account"))
        }
        if only == nil { log.report(contentsOf: Self.staffProblems(portal.config.staff, accounts: slugs)) }
        portal.unreadablePages = unreadable
        frontMatterCache?.save(keepingUnused: only != nil)
        return portal
    }

    /// A staff entry naming an account folder that does not exist (a typo would silently hide it from them).
    static func staffProblems(_ staff: [StaffMember], accounts: [String]) -> [Diagnostic] {
        staff.flatMap { member -> [Diagnostic] in
            guard case .only(let slugs) = member.accounts else { return [] }
            return slugs.filter { !accounts.contains($0) }.map { slug in
                .error("unknown-staff-account", at: member.location ?? SourceLocation(file: "portal.yml"),
                       "staff `\(member.id)` lists the account `\(slug)`, which has no folder under accounts/",
                       hint: Spelling.closest(to: slug, in: accounts).map { "did you mean `\($0)`?" } ?? "use an account folder's name, or `all`")
            }
        }
    }

    private enum FolderLoad: Sendable {
        case library(LoadedPages)
        case account(String, (Account, LoadedPages)?, [Diagnostic])
    }

    func read(_ path: String, log: DiagnosticLog, missingHint: String) -> String? {
        bytes(path, log: log, missingHint: missingHint).flatMap { text($0, path: path, log: log) }
    }

    private func bytes(_ path: String, log: DiagnosticLog, missingHint: String) -> Data? {
        guard let data = FileBytes.contents(of: rootPath + "/" + path) else {
            log.report(.error("missing-file", at: SourceLocation(file: path), "\(path) is missing", hint: missingHint))
            return nil
        }
        return data
    }

    private func text(_ data: Data, path: String, log: DiagnosticLog) -> String? {
        guard let text = String(data: data, encoding: .utf8) else {
            log.report(.error("encoding", at: SourceLocation(file: path), "\(path) is not UTF-8 text", hint: "save the file as UTF-8"))
            return nil
        }
        return text
    }

    func loadPages(in base: String, origin: PageOrigin, log: DiagnosticLog) -> LoadedPages {
        var loaded = LoadedPages()
        for kind in PageKind.allCases {
            for path in files(under: "\(base)/\(kind.rawValue)") {
                guard path.hasSuffix(".md") else {
                    log.report(.warning("stray-file", at: SourceLocation(file: path), "only Markdown (.md) files are read here",
                                        hint: "move images and other files to \(base)/assets/"))
                    continue
                }
                guard let data = bytes(path, log: log, missingHint: "") else { continue }
                let page: SourcePage?, diagnostics: [Diagnostic]
                let key = frontMatterCache.map { _ in FrontMatterCache.key(file: data, sourcePath: path, origin: origin, kind: kind) }
                if let cache = frontMatterCache, let key,
                   let hit = cache.restore(key: key, file: data, sourcePath: path, origin: origin, kind: kind) {
                    (page, diagnostics) = (hit.page, hit.diagnostics)
                    loaded.fingerprints[path] = PageFingerprint(content: key, publish: hit.publishFingerprint)
                } else {
                    guard let text = text(data, path: path, log: log) else { continue }
                    (page, diagnostics) = FrontMatterParser.parse(text, sourcePath: path, origin: origin, kind: kind)
                    if let cache = frontMatterCache, let key {
                        loaded.fingerprints[path] = PageFingerprint(content: key, publish: cache.store(key: key, page: page, diagnostics: diagnostics))
                    }
                }
                log.report(contentsOf: diagnostics)
                if let page { loaded.pages.append(page) } else { loaded.unreadable.insert(path) }
            }
        }
        var seen: [String: String] = [:]
        for page in loaded.pages {
            let key = "\(page.kind.rawValue)/\(page.slug)"
            if let other = seen[key] {
                log.report(.error("duplicate-slug", at: SourceLocation(file: page.sourcePath, line: 1), "the slug `\(key)` is also used by \(other)",
                                  hint: "rename one of the files"))
            }
            seen[key] = page.sourcePath
        }
        return loaded
    }

    /// Regular files under a folder (recursively), relative to the content root, sorted; hidden files skipped.
    func files(under path: String) -> [String] {
        FileListing.regularFiles(under: rootPath + "/" + path).map { "\(path)/\($0)" }.sorted()
    }

    func directories(under path: String) -> [String] {
        let folder = rootPath + "/" + path
        let names = (try? fileManager.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { name in
            var isDirectory: ObjCBool = false
            return !name.hasPrefix(".") && fileManager.fileExists(atPath: folder + "/" + name, isDirectory: &isDirectory) && isDirectory.boolValue
        }.sorted()
    }
}
