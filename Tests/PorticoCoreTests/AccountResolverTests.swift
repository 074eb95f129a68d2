import Testing
@testable import PorticoCore

@Suite struct AccountResolverTests {
    func page(_ path: String, industries: [String] = [], tags: [String] = [], date: String = "2026-01-01", draft: Bool = false) -> SourcePage {
        let kind = PageKind(rawValue: path.split(separator: "/")[1].description)!
        return SourcePage(sourcePath: path, origin: .library, kind: kind, slug: String(path.split(separator: "/").last!.dropLast(3)),
                          title: path, date: Day(date)!, industries: industries, tags: tags, draft: draft, body: "")
    }

    var library: [SourcePage] {
        [
            page("library/insights/ev.md", industries: ["automotive"], tags: ["ev"]),
            page("library/insights/bank-ai.md", industries: ["banking"], tags: ["ai"]),
            page("library/solutions/auto-ai.md", industries: ["automotive"], tags: ["ai"], date: "2026-03-01"),
            page("library/solutions/draft.md", industries: ["automotive"], tags: ["ev"], draft: true),
            page("library/case-studies/future.md", industries: ["automotive"], tags: ["ev"], date: "2027-01-01"),
        ]
    }

    func resolve(_ rules: [IncludeRule], options: BuildOptions = BuildOptions(today: Day(year: 2026, month: 6, day: 1)), log: DiagnosticLog = DiagnosticLog()) -> [String] {
        let account = Account(config: AccountConfig(slug: "a", name: LocalizedText("A"), include: rules))
        let portal = Portal(config: PortalConfig(), library: library, accounts: [account])
        return AccountResolver(portal: portal, options: options).resolve(account, log: log).pages.map(\.source.sourcePath)
    }

    let here = SourceLocation(file: "accounts/a/account.yml", line: 3)

    @Test func aRuleMatchesOnlyWhenEveryKeyItNamesMatches() {
        #expect(resolve([IncludeRule(industries: ["automotive"], tags: ["ai"], location: here)]) == ["library/solutions/auto-ai.md"])
        #expect(resolve([IncludeRule(tags: ["ai"], location: here)]) == ["library/solutions/auto-ai.md", "library/insights/bank-ai.md"])
        #expect(resolve([IncludeRule(pages: ["insights/ev.md"], location: here)]) == ["library/insights/ev.md"])
    }

    @Test func anyRuleIncludesAPageAndNewestComesFirst() {
        let pages = resolve([IncludeRule(pages: ["insights/ev.md"], location: here), IncludeRule(industries: ["banking"], location: here)])
        #expect(pages == ["library/insights/bank-ai.md", "library/insights/ev.md"])
    }

    @Test func draftsAndFuturePagesOnlyWhenAsked() {
        let rule = [IncludeRule(industries: ["automotive"], tags: ["ev"], location: here)]
        #expect(resolve(rule) == ["library/insights/ev.md"])
        let everything = resolve(rule, options: BuildOptions(drafts: true, future: true, today: Day(year: 2026, month: 6, day: 1)))
        #expect(Set(everything) == ["library/insights/ev.md", "library/solutions/draft.md", "library/case-studies/future.md"])
    }

    @Test func ruleMatchingNothingWarnsAtItsLine() {
        let log = DiagnosticLog()
        _ = resolve([IncludeRule(tags: ["quantum"], location: here)], log: log)
        let warning = log.warnings.first { $0.code == "rule-matches-nothing" }
        #expect(warning?.location == here)
        #expect(log.warnings.contains { $0.code == "empty-account" })
    }

    @Test func pagesOfOneAccountNeverAppearInAnother() throws {
        let (portal, accounts) = SiteBuilder(contentRoot: Fixtures.basic, themeFolders: [], output: Fixtures.temporaryFolder(),
                                             options: BuildOptions(today: Fixtures.today), publisher: PlainPublisher())
            .loadAndResolve(log: DiagnosticLog())
        #expect(portal.accounts.count == 2)
        let acme = try #require(accounts.first { $0.slug == "acme" })
        let globex = try #require(accounts.first { $0.slug == "globex" })
        #expect(acme.pages.allSatisfy { $0.source.origin == .library || $0.source.origin == .account("acme") })
        #expect(globex.pages.allSatisfy { $0.source.origin == .library || $0.source.origin == .account("globex") })
        #expect(globex.pages.first { $0.source.sourcePath.hasPrefix("accounts/globex") }?.language == .zhCN)
    }
}
