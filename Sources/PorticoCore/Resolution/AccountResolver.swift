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

    public func pages(of kind: PageKind) -> [ResolvedPage] { pages.filter { $0.source.kind == kind } }
}

/// Stage 2: decides, per account, which pages it publishes (its own and the library pieces its rules include).
public struct AccountResolver {
    public let portal: Portal
    public let options: BuildOptions

    public init(portal: Portal, options: BuildOptions) {
        self.portal = portal
        self.options = options
    }

    public func resolve(_ account: Account, log: DiagnosticLog) -> ResolvedAccount {
        var pages: [ResolvedPage] = []
        for page in account.pages where isPublished(page) {
            pages.append(ResolvedPage(source: page, language: page.lang ?? account.config.locale, isFuture: page.isFuture(relativeTo: options.today)))
        }
        for rule in account.config.include {
            let matches = portal.library.filter { rule.matches($0) }
            if matches.isEmpty {
                log.report(.warning("rule-matches-nothing", at: rule.location, "this include rule matches no library page",
                                    hint: "check the industries, tags or page paths it names"))
            }
            if let named = rule.pages {
                for path in named where !portal.library.contains(where: { $0.libraryPath == path }) {
                    log.report(.error("unknown-page", at: rule.location, "include names `\(path)`, which is not in library/",
                                      hint: "write the path under library/, e.g. `insights/some-piece.md`"))
                }
            }
        }
        for page in portal.library where isPublished(page) && account.config.include.contains(where: { $0.matches(page) }) {
            pages.append(ResolvedPage(source: page, language: page.lang ?? .en, isFuture: page.isFuture(relativeTo: options.today)))
        }
        var byOutput: [String: ResolvedPage] = [:]
        // Library pages first, so a clash is reported at the account's own file, the one its writer can rename.
        for page in pages.filter({ $0.source.origin == .library }) + pages.filter({ $0.source.origin != .library }) {
            if let other = byOutput[page.outputPath] {
                log.report(.error("duplicate-slug", at: SourceLocation(file: page.source.sourcePath, line: 1),
                                  "`\(page.outputPath)` in account \(account.slug) comes from both \(other.source.sourcePath) and this file",
                                  hint: "rename one of the files"))
            }
            byOutput[page.outputPath] = page
        }
        let sorted = byOutput.values.sorted {
            ($0.source.date, $1.source.kind, $1.source.slug) > ($1.source.date, $0.source.kind, $0.source.slug)
        }
        for kind in PageKind.allCases where !sorted.contains(where: { $0.source.kind == kind }) {
            log.report(.warning("empty-section", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                "account \(account.slug) has no \(kind.rawValue)", hint: "write one or include some from the library"))
        }
        return ResolvedAccount(account: account, pages: sorted,
                               bySource: Dictionary(uniqueKeysWithValues: sorted.map { ($0.source.sourcePath, $0) }))
    }

    private func isPublished(_ page: SourcePage) -> Bool {
        (options.drafts || !page.draft) && (options.future || !page.isFuture(relativeTo: options.today))
    }
}
