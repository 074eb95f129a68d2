import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// The digest for a fixture with a fixed date, compared with golden HTML and text
/// (Fixtures/digest/, regenerated with PORTICO_UPDATE_GOLDEN=1 like the golden site).
@Suite struct DigestTests {
    static let golden = Fixtures.root.appendingPathComponent("digest")

    func acme(_ edit: ((URL) throws -> Void)? = nil) throws -> ResolvedAccount {
        let content = try Fixtures.content()
        try edit?(content)
        let (_, accounts) = Fixtures.builder(content: content, output: Fixtures.temporaryFolder()).loadAndResolve(log: DiagnosticLog())
        return accounts.first { $0.slug == "acme" }!
    }

    @Test func sinceADateListsNewAndUpdatedPieces() throws {
        let before = try acme()
        let record = PublishRecord(date: Day(year: 2026, month: 2, day: 20), accounts: [before])
        let after = try acme { content in
            let file = content.appendingPathComponent("accounts/acme/case-studies/depot.md")
            try (try String(contentsOf: file, encoding: .utf8) + "\nMore results.\n").write(to: file, atomically: true, encoding: .utf8)
        }
        let digest = try Digest(account: after, since: .date(Day(year: 2026, month: 3, day: 1)), records: [record])
        #expect(digest.new.map(\.source.slug) == ["hello"])
        #expect(digest.updated.map(\.source.slug) == ["depot"])
        let log = DiagnosticLog()
        let theme = Theme(folders: [PorticoTheme.directory], log: log)
        #expect(log.errors.isEmpty, "\(log.errors)")
        let (html, text) = digest.render(theme: theme, portalTitle: "Fixture Portals", accountURL: "https://portals.example.com/acme/")
        try compare(html, "acme.html")
        try compare(text, "acme.txt")
        #expect(html.contains("width=\"600\""))
        #expect(html.contains("https://portals.example.com/acme/insights/hello/"))
        #expect(!html.contains("Fewer delays"), "titles and summaries only, no body text")
    }

    @Test func lastPublishComparesWithTheLastDifferentPublish() throws {
        let old = try acme()
        let oldRecord = PublishRecord(date: Day(year: 2026, month: 1, day: 1), accounts: [old])
        let now = try acme { content in
            try "---\ntitle: Fresh\ndate: 2026-05-01\n---\nNew.\n".write(to: content.appendingPathComponent("accounts/acme/insights/fresh.md"), atomically: true, encoding: .utf8)
        }
        let todayRecord = PublishRecord(date: Day(year: 2026, month: 6, day: 1), accounts: [now])
        // Before and after today's publish the digest says the same.
        for records in [[oldRecord], [oldRecord, todayRecord]] {
            let digest = try Digest(account: now, since: .lastPublish, records: records)
            #expect(digest.new.map(\.source.slug) == ["fresh"])
            #expect(digest.updated.isEmpty)
            #expect(digest.sinceText == "2026-01-01")
        }
        #expect(throws: Digest.Failure.self) { try Digest(account: now, since: .lastPublish, records: []) }
    }

    @Test func publishLogRoundTrips() throws {
        let log = PublishLog(project: Fixtures.temporaryFolder())
        let first = PublishRecord(date: "2026-01-01", accounts: ["a": ["index.html": "x"]])
        let second = PublishRecord(date: "2026-01-02", accounts: ["a": ["index.html": "y"]])
        try log.record(first, at: Date(timeIntervalSince1970: 1_000))
        try log.record(second, at: Date(timeIntervalSince1970: 2_000))
        #expect(log.records() == [first, second])
    }

    func compare(_ actual: String, _ name: String) throws {
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["PORTICO_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden, withIntermediateDirectories: true)
            try actual.write(to: url, atomically: true, encoding: .utf8)
        }
        let expected = try? String(contentsOf: url, encoding: .utf8)
        if actual != expected { try? actual.write(toFile: "/tmp/digest-actual-\(name)", atomically: true, encoding: .utf8) }
        #expect(actual == expected, "\(name) differs from the golden file")
    }
}
