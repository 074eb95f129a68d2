import Foundation
import Testing
import PorticoCore

/// One fixture per kind of bad input (Fixtures/invalid/<case>, laid over the basic content):
/// each must fail the build with the right error at the right file and line, and leave the old site alone.
@Suite struct InvalidContentTests {
    struct Case: Sendable, CustomStringConvertible {
        let overlay: String
        let code: String
        let file: String
        let line: Int
        var description: String { overlay }
    }

    static let cases: [Case] = [
        Case(overlay: "malformed-yaml", code: "yaml-syntax", file: "accounts/acme/case-studies/depot.md", line: 5),
        Case(overlay: "missing-title", code: "missing-title", file: "accounts/acme/case-studies/depot.md", line: 1),
        Case(overlay: "bad-date", code: "bad-date", file: "accounts/acme/case-studies/depot.md", line: 3),
        Case(overlay: "unknown-sme", code: "unknown-sme", file: "accounts/acme/case-studies/depot.md", line: 5),
        Case(overlay: "broken-link", code: "broken-link", file: "accounts/acme/case-studies/depot.md", line: 8),
        Case(overlay: "missing-image", code: "missing-image", file: "accounts/acme/case-studies/depot.md", line: 8),
        Case(overlay: "link-not-included", code: "link-not-included", file: "accounts/acme/case-studies/depot.md", line: 6),
        Case(overlay: "include-unknown-key", code: "unknown-key", file: "accounts/acme/account.yml", line: 8),
        Case(overlay: "reserved-slug", code: "reserved-slug", file: "accounts/acme/insights/page.md", line: 1),
    ]

    @Test(arguments: cases)
    func failsWithLocatedErrorAndKeepsPreviousSite(_ example: Case) throws {
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try Fixtures.builder(content: Fixtures.basic, output: output).build(log: DiagnosticLog())
        let before = Fixtures.tree(output)

        let content = try Fixtures.content(overlay: example.overlay)
        let log = DiagnosticLog()
        #expect(throws: BuildFailed.self) { try Fixtures.builder(content: content, output: output).build(log: log) }
        let errors = log.errors
        let match = errors.first { $0.code == example.code }
        #expect(match != nil, "expected a \(example.code) error, got: \(errors)")
        #expect(match?.location.file == example.file)
        #expect(match?.location.line == example.line, "\(match?.description ?? "")")
        #expect(match?.hint != nil, "every error says how to fix it")
        #expect(Fixtures.tree(output) == before, "a failed build must leave the previous site exactly as it was")
        let siblings = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
        #expect(siblings == ["site"], "no staging folder is left behind: \(siblings)")
    }

    @Test func reportsEveryErrorNotOnlyTheFirst() throws {
        let content = try Fixtures.content(overlay: "several-errors")
        let log = DiagnosticLog()
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        #expect(throws: BuildFailed.self) { try Fixtures.builder(content: content, output: output).build(log: log) }
        let found = log.errors.map { "\($0.code)@\($0.location.file):\($0.location.line ?? 0)" }
        #expect(found.contains("broken-link@accounts/acme/case-studies/depot.md:6"))
        #expect(found.contains("broken-link@accounts/acme/case-studies/depot.md:8"))
        #expect(found.contains("bad-date@accounts/globex/solutions/storage.md:3"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test func strictTurnsWarningsIntoFailure() throws {
        let content = try Fixtures.content()
        try "---\ntitle: T\ndate: 2026-01-01\ncolour: red\n---\nx\n".write(to: content.appendingPathComponent("accounts/acme/insights/typo.md"), atomically: true, encoding: .utf8)
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        let log = DiagnosticLog()
        _ = try Fixtures.builder(content: content, output: output).build(log: log)
        let warning = try #require(log.warnings.first { $0.code == "unknown-key" })
        #expect(warning.location.line == 4)
        #expect(warning.hint?.contains("did you mean") == false || warning.hint != nil)
        var options = BuildOptions(today: Fixtures.today)
        options.strict = true
        let strictOutput = Fixtures.temporaryFolder().appendingPathComponent("site")
        #expect(throws: BuildFailed.self) { try Fixtures.builder(content: content, output: strictOutput, options: options).build(log: DiagnosticLog()) }
    }
}
