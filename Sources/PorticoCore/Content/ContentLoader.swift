import Foundation

/// Stage 1: reads a content folder into a `Portal`, reporting every problem it finds.
public struct ContentLoader {
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

    public func load(into log: DiagnosticLog) -> Portal {
        let portalText = read("portal.yml", log: log, missingHint: "create content/portal.yml with `title:` and `base_url:` (see docs/content.md)")
        let (config, configDiagnostics) = portalText.map { ConfigParser.portal($0) } ?? (PortalConfig(), [])
        log.report(contentsOf: configDiagnostics)

        var portal = Portal(config: config)
        var unreadable = Set<String>()
        var fingerprints: [String: PageFingerprint] = [:]
        portal.library = loadPages(in: "library", origin: .library, log: log, unreadable: &unreadable, fingerprints: &fingerprints)
        portal.libraryAssets = files(under: "library/assets")
        for slug in directories(under: "accounts") {
            let base = "accounts/\(slug)"
            guard Identifier.isSlug(slug) else {
                log.report(.error("bad-account-slug", at: SourceLocation(file: base), "account folder `\(slug)` is not a valid slug",
                                  hint: "use lowercase letters, digits and hyphens"))
                continue
            }
            guard let text = read("\(base)/account.yml", log: log, missingHint: "add \(base)/account.yml with at least `name:`") else { continue }
            let (accountConfig, diagnostics) = ConfigParser.account(text, slug: slug, file: "\(base)/account.yml")
            log.report(contentsOf: diagnostics)
            let account = Account(config: accountConfig,
                                  pages: loadPages(in: base, origin: .account(slug), log: log, unreadable: &unreadable, fingerprints: &fingerprints),
                                  assets: files(under: "\(base)/assets"))
            if let logo = accountConfig.brand.logo, !account.assets.contains("\(base)/\(logo)") {
                log.report(.error("missing-logo", at: SourceLocation(file: "\(base)/account.yml"),
                                  "brand.logo `\(logo)` does not exist", hint: "put the file at \(base)/\(logo) or fix the path"))
            }
            for page in account.pages {
                if let sme = page.sme, accountConfig.sme(named: sme) == nil {
                    let known = accountConfig.smes.map(\.name)
                    log.report(.error("unknown-sme", at: page.smeLocation ?? SourceLocation(file: page.sourcePath, line: 1),
                                      "`sme: \(sme)` is not one of the account's SMEs",
                                      hint: known.isEmpty ? "add the SME under `smes:` in \(base)/account.yml" : "use one of: \(known.joined(separator: ", "))"))
                }
            }
            portal.accounts.append(account)
        }
        for page in portal.library where page.sme != nil {
            log.report(.error("sme-in-library", at: page.smeLocation ?? SourceLocation(file: page.sourcePath, line: 1),
                              "library pages cannot name an `sme` (SMEs belong to accounts)", hint: "remove `sme:` or move the page into an account"))
        }
        portal.unreadablePages = unreadable
        portal.fingerprints = fingerprints
        frontMatterCache?.save()
        return portal
    }

    private func read(_ path: String, log: DiagnosticLog, missingHint: String) -> String? {
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

    private func loadPages(in base: String, origin: PageOrigin, log: DiagnosticLog, unreadable: inout Set<String>,
                           fingerprints: inout [String: PageFingerprint]) -> [SourcePage] {
        var pages: [SourcePage] = []
        for kind in PageKind.allCases {
            for path in files(under: "\(base)/\(kind.rawValue)") {
                guard path.hasSuffix(".md") else {
                    log.report(.warning("stray-file", at: SourceLocation(file: path), "only Markdown (.md) files are read here",
                                        hint: "move images and other files to \(base)/assets/"))
                    continue
                }
                guard let data = bytes(path, log: log, missingHint: "") else { continue }
                let page: SourcePage?, diagnostics: [Diagnostic]
                if let cache = frontMatterCache {
                    let key = FrontMatterCache.key(file: data, sourcePath: path, origin: origin, kind: kind)
                    if let hit = cache.restore(key: key, file: data, sourcePath: path, origin: origin, kind: kind) {
                        (page, diagnostics) = (hit.page, hit.diagnostics)
                        fingerprints[path] = PageFingerprint(content: key, publish: hit.publishFingerprint)
                    } else {
                        guard let text = text(data, path: path, log: log) else { continue }
                        (page, diagnostics) = FrontMatterParser.parse(text, sourcePath: path, origin: origin, kind: kind)
                        fingerprints[path] = PageFingerprint(content: key, publish: cache.store(key: key, page: page, diagnostics: diagnostics))
                    }
                } else {
                    guard let text = text(data, path: path, log: log) else { continue }
                    (page, diagnostics) = FrontMatterParser.parse(text, sourcePath: path, origin: origin, kind: kind)
                }
                log.report(contentsOf: diagnostics)
                if let page { pages.append(page) } else { unreadable.insert(path) }
            }
        }
        var seen: [String: String] = [:]
        for page in pages {
            let key = "\(page.kind.rawValue)/\(page.slug)"
            if let other = seen[key] {
                log.report(.error("duplicate-slug", at: SourceLocation(file: page.sourcePath, line: 1), "the slug `\(key)` is also used by \(other)",
                                  hint: "rename one of the files"))
            }
            seen[key] = page.sourcePath
        }
        return pages
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
