import Testing
@testable import PorticoCore

/// The resolver's prepared matcher must agree with `IncludeRule.matches` on every rule and page.
@Suite struct IncludeMatcherTests {
    @Test func agreesWithTheRule() {
        let here = SourceLocation(file: "accounts/a/account.yml")
        let lists: [[String]?] = [nil, [], ["energy"], ["energy", "retail"], ["x"]]
        let paths: [[String]?] = [nil, [], ["insights/p.md"], ["insights/q.md", "insights/p.md"]]
        var rules: [IncludeRule] = []
        for industries in lists { for tags in lists { for pages in paths {
            rules.append(IncludeRule(industries: industries, tags: tags, pages: pages, location: here))
        } } }
        var pages: [SourcePage] = []
        for industries in lists.compactMap({ $0 }) { for tags in lists.compactMap({ $0 }) {
            for (path, origin) in [("library/insights/p.md", PageOrigin.library), ("accounts/a/insights/p.md", .account("a"))] {
                pages.append(SourcePage(sourcePath: path, origin: origin, kind: .insights, slug: "p", title: "P",
                                        date: Day(year: 2026, month: 1, day: 1), industries: industries, tags: tags, body: ""))
            }
        } }
        for rule in rules {
            let matcher = IncludeMatcher(rule)
            for page in pages { #expect(matcher.matches(page) == rule.matches(page)) }
        }
    }
}
