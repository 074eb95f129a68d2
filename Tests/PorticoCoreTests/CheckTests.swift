import Foundation
import Testing
@testable import PorticoCore

/// `portico check`: one fixture per finding, asserted with file and line.
@Suite struct CheckTests {
    func check(_ edit: (URL) throws -> Void) throws -> [Diagnostic] {
        let content = try Fixtures.content()
        try edit(content)
        let log = DiagnosticLog()
        try SiteChecker(builder: Fixtures.builder(content: content, output: Fixtures.temporaryFolder())).check(log: log)
        return log.all
    }

    func write(_ text: String, _ path: String, in content: URL) throws {
        try FileManager.default.createDirectory(at: content.appendingPathComponent(path).deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: content.appendingPathComponent(path), atomically: true, encoding: .utf8)
    }

    @Test func cleanFixtureHasNoErrors() throws {
        let findings = try check { _ in }
        #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)")
    }

    @Test func brokenAnchorInsideAndAcrossPages() throws {
        let findings = try check { content in
            try write("---\ntitle: Depot\ndate: 2026-01-15\n---\n\n## Results\n\n[self](#results) [bad](#nowhere) [other](../insights/hello.md#no-such)\n",
                      "accounts/acme/case-studies/depot.md", in: content)
        }
        let anchors = findings.filter { $0.code == "broken-anchor" }
        #expect(anchors.count == 2)
        #expect(anchors.allSatisfy { $0.location.file == "accounts/acme/case-studies/depot.md" && $0.location.line == 8 })
        // hello.md links to depot.md#results, which exists: no finding for it.
        #expect(!findings.contains { $0.code == "broken-anchor" && $0.location.file.hasSuffix("hello.md") })
    }

    @Test func libraryPageNoAccountIncludes() throws {
        let findings = try check { _ in }
        let orphan = findings.first { $0.code == "not-included" }
        #expect(orphan?.location.file == "library/insights/unrelated.md")
        #expect(orphan?.location.line == 1)
    }

    @Test func viewerExpiringSoonAndSMEWithoutEmail() throws {
        let findings = try check { content in
            let file = content.appendingPathComponent("accounts/globex/account.yml")
            var text = try String(contentsOf: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "  - id: li\n", with: "  - id: li\n    expires: 2026-06-10\n")
            text = text.replacingOccurrences(of: "    email: wang@vendor.example\n", with: "")
            try text.write(to: file, atomically: true, encoding: .utf8)
        }
        let expiring = findings.first { $0.code == "expiring-viewer" }
        #expect(expiring?.location == SourceLocation(file: "accounts/globex/account.yml", line: 9, column: 5))
        #expect(expiring?.message.contains("in 9 days") == true)
        let sme = findings.first { $0.code == "sme-without-email" }
        #expect(sme?.location.line == 12)
    }

    @Test func duplicateSlugsAndMisspeltKeys() throws {
        let findings = try check { content in
            try write("---\ntitle: Grid\ndate: 2026-01-01\ntiltle: x\n---\nx\n", "accounts/acme/solutions/grid-platform.md", in: content)
        }
        #expect(findings.contains { $0.code == "duplicate-slug" && $0.location.file == "accounts/acme/solutions/grid-platform.md" })
        let typo = findings.first { $0.code == "unknown-key" }
        #expect(typo?.hint == "did you mean `title`?")
        #expect(typo?.location.line == 4)
    }

    @Test func githubFormatIsGolden() {
        let diagnostics = [
            Diagnostic.error("broken-link", at: SourceLocation(file: "accounts/a/insights/x.md", line: 12, column: 3), "`y.md` links to accounts/a/insights/y.md, which does not exist", hint: "fix the path"),
            Diagnostic.warning("unknown-key", at: SourceLocation(file: "library/insights/z.md", line: 4, column: 1), "front matter has an unknown key `sumary`", hint: "did you mean `summary`?"),
            Diagnostic.warning("brand-contrast", at: SourceLocation(file: "accounts/a/account.yml"), "50% of: this\nthat"),
        ]
        #expect(DiagnosticFormatter.format(diagnostics, as: "github") == """
        ::error file=content/accounts/a/insights/x.md,line=12,col=3,title=broken-link::`y.md` links to accounts/a/insights/y.md, which does not exist — fix: fix the path
        ::warning file=content/library/insights/z.md,line=4,col=1,title=unknown-key::front matter has an unknown key `sumary` — fix: did you mean `summary`?
        ::warning file=content/accounts/a/account.yml,title=brand-contrast::50%25 of: this%0Athat

        """)
    }
}
