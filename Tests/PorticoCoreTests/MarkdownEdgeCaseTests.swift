import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// Markdown as real writers write it (Fixtures/invalid/<case> laid over the basic content): nothing lost,
/// nothing crashes, every id unique, every omission reported where it is.
@Suite struct MarkdownEdgeCaseTests {
    static let page = "accounts/acme/case-studies/depot.md"

    struct Built {
        let log: DiagnosticLog
        let output: URL
        func html(_ path: String = "acme/case-studies/depot/index.html") throws -> String {
            try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
        }
    }

    func build(_ overlay: String, strict: Bool = false, theme: [URL] = [Fixtures.goldenTheme], edit: (URL) throws -> Void = { _ in }) throws -> Built {
        let content = try Fixtures.content(overlay: overlay)
        try edit(content)
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        var options = BuildOptions(today: Fixtures.today)
        options.strict = strict
        let log = DiagnosticLog()
        _ = try Fixtures.builder(content: content, output: output, options: options, theme: theme).build(log: log)
        return Built(log: log, output: output)
    }

    func check(_ overlay: String, edit: (URL) throws -> Void = { _ in }) throws -> [Diagnostic] {
        let content = try Fixtures.content(overlay: overlay)
        try edit(content)
        let log = DiagnosticLog()
        try SiteChecker(builder: Fixtures.builder(content: content, output: Fixtures.temporaryFolder())).check(log: log)
        return log.all
    }

    func failedBuild(_ overlay: String) throws -> [Diagnostic] {
        let content = try Fixtures.content(overlay: overlay)
        let log = DiagnosticLog()
        #expect(throws: BuildFailed.self) {
            try Fixtures.builder(content: content, output: Fixtures.temporaryFolder().appendingPathComponent("site")).build(log: log)
        }
        return log.errors
    }

    func ids(in html: String) -> [String] {
        html.components(separatedBy: " id=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
    }

    // MARK: 1. NUL bytes

    @Test func textAfterANulIsKeptAndItsLinksChecked() throws {
        let errors = try failedBuild("nul-byte")
        let link = try #require(errors.first { $0.code == "broken-link" }, "the link after the NUL is checked: \(errors)")
        #expect(link.location == SourceLocation(file: Self.page, line: 10, column: 5))

        let rendered = MarkdownRenderer().render("Before the NUL\0after the NUL.\n\n## After\n\n[x](y.md)\n")
        #expect(rendered.html.contains("<p>Before the NUL\u{FFFD}after the NUL.</p>"))
        #expect(rendered.html.contains("<h2 id=\"after\">After</h2>"))
        #expect(rendered.html.contains("<a href=\"y.md\">x</a>"))
    }

    // MARK: 2. Raw HTML left out is reported

    @Test func omittedRawHTMLIsAWarningWithPositionTagAndFix() throws {
        let built = try build("raw-html")
        let found = built.log.warnings.filter { $0.code == "raw-html-omitted" }
        #expect(found.map(\.location) == [
            SourceLocation(file: Self.page, line: 8, column: 1),
            SourceLocation(file: Self.page, line: 10, column: 17),  // after five CJK characters: characters, not bytes
            SourceLocation(file: Self.page, line: 11, column: 9),
            SourceLocation(file: Self.page, line: 11, column: 26),
        ], "\(found)")
        #expect(found[0].message.contains("`<img…`"))
        #expect(found[0].hint?.contains("![") == true)
        #expect(found[1].message.contains("`<version…`"))
        #expect(found[1].hint?.contains("\\<version") == true)
        #expect(found[2].hint?.contains("backslash") == true)
        #expect(found[3].hint?.contains("**bold**") == true)
        let html = try built.html()
        #expect(html.contains("<!-- raw HTML omitted -->"))
        #expect(!html.contains("<img src=\"../assets/map.svg\""))
    }

    @Test func strictBuildAndCheckFailOnOmittedRawHTML() throws {
        #expect(throws: BuildFailed.self) { try build("raw-html", strict: true) }
        let findings = try check("raw-html")
        let omitted = findings.filter { $0.code == "raw-html-omitted" }
        #expect(omitted.count == 4)
        #expect(omitted.allSatisfy { $0.severity == .error })
    }

    // MARK: 4. Unique ids, including the layout's

    @Test func headingIDsAreUniqueOnThePageAndTheTableOfContentsPointsRight() throws {
        let built = try build("duplicate-ids", theme: [PorticoTheme.directory])
        let html = try built.html()
        let all = ids(in: html)
        #expect(Set(all).count == all.count, "duplicate ids: \(all.sorted())")
        for (id, text) in [("example", "Example"), ("example-1", "Example"), ("example-2", "Example 2"), ("main-1", "Main"), ("example-3", "Example")] {
            #expect(html.contains("<h2 id=\"\(id)\">\(text)</h2>"), "\(id)")
            #expect(html.contains("<a href=\"#\(id)\">\(text)</a>"), "toc entry \(id)")
        }
        #expect(html.contains("<main id=\"main\""))
    }

    @Test func theDefaultThemesOwnIDsAreReserved() {
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        let reserved = LayoutIDs.reserved(theme: theme, feedback: FeedbackField.defaults)
        for id in ["main", "pt-toc-title", "pt-related-title", "pt-feedback-title", "portico-remember"] {
            #expect(reserved.contains(id), "\(id)")
        }
        #expect(reserved.contains("pt-fb-\(FeedbackField.defaults[0].name)"))
        #expect(!reserved.contains("pt-fb-website"), "no honeypot field")
        #expect(!reserved.contains("portico-search-index"), "search page only")
        var headings = HeadingIDs(reserved: reserved)
        #expect(headings.next(for: "PT TOC Title") == "pt-toc-title-1")
    }

    // MARK: 5. Trusted raw HTML

    @Test func rawHeadingsDoNotShiftIDsAndRawDestinationsAreRewritten() throws {
        let built = try build("raw-html-unsafe")
        let html = try built.html()
        #expect(html.contains("<h2>Raw heading</h2>"))
        for id in ["first", "second", "third"] {
            #expect(html.contains("<h2 id=\"\(id)\">\(id.capitalized)</h2>"))
            #expect(html.contains("<a href=\"#\(id)\">\(id.capitalized)</a>"))
        }
        #expect(html.contains("<img src=\"../../assets/map.svg\" alt=\"Map\">"))
        #expect(html.contains("<a href=\"../../insights/hello/\">hello</a>"))
        #expect(FileManager.default.fileExists(atPath: built.output.appendingPathComponent("acme/assets/map.svg").path))
    }

    @Test func brokenRawDestinationsAreReportedLikeMarkdownOnes() throws {
        let errors = try failedBuild("raw-html-unsafe-broken")
        #expect(errors.first { $0.code == "missing-image" }?.location == SourceLocation(file: Self.page, line: 6, column: 1), "\(errors)")
        #expect(errors.first { $0.code == "broken-link" }?.location == SourceLocation(file: Self.page, line: 8, column: 6), "\(errors)")
    }

    // MARK: 7. Task labels

    @Test func taskCheckboxesAreNamedAfterTheirWholeItem() throws {
        let html = try build("task-labels").html()
        #expect(html.contains("<input type=\"checkbox\" disabled=\"\" aria-label=\"Back up the db\" /> <strong>Back up</strong> the db"))
        #expect(html.contains("aria-label=\"Install Go first\""))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"Ship v2 &amp; celebrate\" />"))
    }

    // MARK: 8. Ids in every script

    @Test func headingIDsKeepLettersOfEveryScript() throws {
        let html = try build("heading-scripts").html()
        for id in ["café", "snake_case", "обзор-рынка", "日本語の見出し", "한국어-제목", "中文标题", "cost--margin"] {
            #expect(html.contains("id=\"\(id)\""), "\(id)")
        }
        let anchors = try check("heading-scripts").filter { $0.code == "broken-anchor" && $0.location.file == Self.page }
        #expect(anchors.isEmpty, "\(anchors)")
    }

    // MARK: 9. Deep nesting

    @Test func deeplyNestedEmphasisInAHeadingAndAltTextRendersWithoutCrashing() throws {
        let depth = 150_000
        let open = String(repeating: "**", count: depth)
        let markdown = "## \(open)deep\(open)\n\n![\(open)alt\(open)](../assets/map.svg)\n"
        let built = try build("task-labels") { content in
            try "---\ntitle: Deep\ndate: 2026-01-15\n---\n\n\(markdown)".write(to: content.appendingPathComponent(Self.page), atomically: true, encoding: .utf8)
        }
        let html = try built.html()
        #expect(html.contains("<h2 id=\"deep\">"))
        #expect(html.contains("alt=\"alt\""))
    }
}
