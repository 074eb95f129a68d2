import Foundation

/// One page as an account publishes it.
public struct ResolvedPage: Sendable {
    public var source: SourcePage
    public var language: Language
    public var isFuture: Bool
    public var outputPath: String { source.outputPath }
}

/// An account with the exact set of pages its site will carry.
public struct ResolvedAccount: Sendable {
    public var account: Account
    /// Published pages, newest first (then by kind and slug, so order is stable).
    public var pages: [ResolvedPage]
    /// Published pages by source path, for link resolution.
    public var bySource: [String: ResolvedPage]

    public var slug: String { account.slug }
    public var config: AccountConfig { account.config }

    /// Where the pages of one kind are in `pages` (indices, so that callers copy no page).
    public func pageIndices(of kind: PageKind) -> [Int] { pages.indices.filter { pages[$0].source.kind == kind } }
}

/// Stage 2: decides, per account, which pages it publishes (its own and the library pieces its rules include).
public struct AccountResolver: Sendable {
    /// Article slugs that would collide with the list pages' folders (`page/2/`, `tags/x/`).
    static let reservedSlugs: Set<String> = ["page", "tags"]

    public let portal: Portal
    public let options: BuildOptions
    private let libraryPaths: Set<String>

    public init(portal: Portal, options: BuildOptions) {
        self.portal = portal
        self.options = options
        libraryPaths = Set(portal.library.compactMap(\.libraryPath))
    }

    public func resolve(_ account: Account, log: DiagnosticLog) -> ResolvedAccount {
        // Each rule is matched against the library once; `included` keeps library order.
        var included = [Bool](repeating: false, count: portal.library.count)
        for rule in account.config.include {
            var matchesNothing = true
            let matcher = IncludeMatcher(rule)
            for (index, page) in portal.library.enumerated() where matcher.matches(page) {
                included[index] = true
                matchesNothing = false
            }
            if matchesNothing {
                log.report(.warning("rule-matches-nothing", at: rule.location, "this include rule matches no library page",
                                    hint: "check the industries, tags or page paths it names"))
            }
            if let named = rule.pages {
                for path in named where !libraryPaths.contains(path) {
                    log.report(.error("unknown-page", at: rule.location, "include names `\(path)`, which is not in library/",
                                      hint: "write the path under library/, e.g. `insights/some-piece.md`"))
                }
            }
        }
        // Library pages first, so a clash is reported at the account's own file, the one its writer can rename.
        var candidates: [ResolvedPage] = []
        for (index, page) in portal.library.enumerated() where included[index] && isPublished(page) {
            candidates.append(ResolvedPage(source: page, language: page.lang ?? .en, isFuture: page.isFuture(relativeTo: options.today)))
        }
        for page in account.pages where isPublished(page) {
            candidates.append(ResolvedPage(source: page, language: page.lang ?? account.config.locale, isFuture: page.isFuture(relativeTo: options.today)))
        }
        var sorted: [ResolvedPage] = []
        sorted.reserveCapacity(candidates.count)
        var byOutput: [String: Int] = [:]
        for page in candidates {
            let path = page.outputPath
            if Self.reservedSlugs.contains(page.source.slug) {
                log.report(.error("reserved-slug", at: SourceLocation(file: page.source.sourcePath, line: 1),
                                  "`\(page.source.slug).md` would publish at `\(path)`, where the \(page.source.kind.rawValue) list keeps its pages and tags",
                                  hint: "rename the file (the names `page` and `tags` are taken by the lists)"))
                continue
            }
            if let other = byOutput[path] {
                log.report(.error("duplicate-slug", at: SourceLocation(file: page.source.sourcePath, line: 1),
                                  "`\(path)` in account \(account.slug) comes from both \(sorted[other].source.sourcePath) and this file",
                                  hint: "rename one of the files"))
                sorted[other] = page
            } else {
                byOutput[path] = sorted.count
                sorted.append(page)
            }
        }
        // Newest first, then by kind and slug: a total order, as no two pages share kind and slug.
        sorted.sort { a, b in
            if a.source.date != b.source.date { return a.source.date > b.source.date }
            if a.source.kind != b.source.kind { return a.source.kind < b.source.kind }
            return a.source.slug < b.source.slug
        }
        // An account chooses its kinds (one may carry only library insights): a kind with no page is no mistake,
        // an account with no page at all is.
        if sorted.isEmpty {
            log.report(.warning("empty-account", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                "account \(account.slug) publishes no page",
                                hint: "write one under accounts/\(account.slug)/insights/ (or solutions/, case-studies/), or include library pieces with an `include:` rule"))
        }
        return ResolvedAccount(account: account, pages: sorted,
                               bySource: Dictionary(uniqueKeysWithValues: sorted.map { ($0.source.sourcePath, $0) }))
    }

    private func isPublished(_ page: SourcePage) -> Bool {
        (options.drafts || !page.draft) && (options.future || !page.isFuture(relativeTo: options.today))
    }
}
