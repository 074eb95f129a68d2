import Testing
@testable import PorticoCore

@Suite struct FrontMatterParserTests {
    func parse(_ text: String, path: String = "library/insights/x.md") -> (SourcePage?, [Diagnostic]) {
        FrontMatterParser.parse(text, sourcePath: path, origin: .library, kind: .insights)
    }

    @Test func readsEveryKeyAndWhereTheBodyStarts() throws {
        let (page, diagnostics) = parse("""
        ---
        title: "电动平台：2027"
        date: 2026-09-12
        summary: Short
        industries: [automotive]
        tags: [ev, ai]
        lang: zh-CN
        draft: true
        author: Li
        ---
        Body line
        """)
        #expect(diagnostics.isEmpty)
        let p = try #require(page)
        #expect(p.title == "电动平台：2027")
        #expect(p.date == Day(year: 2026, month: 9, day: 12))
        #expect(p.tags == ["ev", "ai"])
        #expect(p.lang == .zhCN)
        #expect(p.draft)
        #expect(p.slug == "x")
        #expect(p.body == "Body line")
        #expect(p.bodyStartLine == 11)
    }

    @Test func yamlErrorsPointAtTheFileLine() {
        let (page, diagnostics) = parse("---\ntitle: ok\ndate: 2026-01-01\ntags: [a, b\n---\nbody\n")
        #expect(page == nil)
        #expect(diagnostics.first?.code == "yaml-syntax")
        #expect(diagnostics.first?.location.line == 5)
        #expect(diagnostics.first?.location.column != nil)
    }

    @Test func badDateNamesLineAndColumnAndTheFix() {
        let (_, diagnostics) = parse("---\ntitle: ok\ndate: 12/09/2026\n---\n")
        let error = diagnostics.first { $0.code == "bad-date" }
        #expect(error?.location.line == 3)
        #expect(error?.location.column == 7)
        #expect(error?.hint?.contains("YYYY-MM-DD") == true)
    }

    @Test func missingTitleAndDateAreBothReported() {
        let (_, diagnostics) = parse("---\nsummary: only\n---\n")
        #expect(Set(diagnostics.map(\.code)) == ["missing-title", "missing-date"])
        #expect(diagnostics.allSatisfy { $0.location.line == 1 })
    }

    @Test func unknownKeySuggestsTheKnownOne() {
        let (page, diagnostics) = parse("---\ntitle: ok\ndate: 2026-01-01\nsumary: typo\n---\n")
        #expect(page != nil)
        let warning = diagnostics.first { $0.code == "unknown-key" }
        #expect(warning?.severity == .warning)
        #expect(warning?.hint == "did you mean `summary`?")
        #expect(warning?.location.line == 4)
    }

    @Test func fileWithoutFrontMatterIsAnError() {
        let (_, diagnostics) = parse("# Just markdown\n")
        #expect(diagnostics.first?.code == "missing-front-matter")
        let (_, unclosed) = parse("---\ntitle: x\n")
        #expect(unclosed.first?.code == "unclosed-front-matter")
    }

    @Test func datesAreValidated() {
        #expect(Day("2026-02-29") == nil)
        #expect(Day("2028-02-29") != nil)
        #expect(Day("2026-1-01") == nil)
        #expect(Day("2026-01-01")!.ordinal - Day("2025-12-31")!.ordinal == 1)
    }
}
