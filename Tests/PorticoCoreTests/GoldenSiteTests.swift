import Foundation
import Testing
import PorticoCore

/// Content in, expected site out: Fixtures/basic/content built with Fixtures/golden-theme must equal
/// Fixtures/basic/expected byte for byte. To regenerate on purpose after a deliberate change:
/// `PORTICO_UPDATE_GOLDEN=1 swift test --filter GoldenSiteTests`, then review the diff in git.
@Suite struct GoldenSiteTests {
    @Test func basicSiteMatchesExpectedFiles() throws {
        let output = Fixtures.temporaryFolder("golden").appendingPathComponent("site")
        let log = DiagnosticLog()
        _ = try Fixtures.builder(content: Fixtures.basic, output: output).build(log: log)
        let actual = Fixtures.tree(output)
        if ProcessInfo.processInfo.environment["PORTICO_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(at: Fixtures.expected)
            try FileManager.default.copyItem(at: output, to: Fixtures.expected)
        }
        let expected = Fixtures.tree(Fixtures.expected)
        #expect(!expected.isEmpty, "no expected files: run with PORTICO_UPDATE_GOLDEN=1 once")
        #expect(Set(actual.keys) == Set(expected.keys))
        for (path, data) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(actual[path] == data, "\(path) differs from the expected file")
        }
    }

    @Test func buildingTwiceGivesIdenticalTrees() throws {
        let first = Fixtures.temporaryFolder().appendingPathComponent("site")
        let second = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try Fixtures.builder(content: Fixtures.basic, output: first).build(log: DiagnosticLog())
        _ = try Fixtures.builder(content: Fixtures.basic, output: second).build(log: DiagnosticLog())
        #expect(Fixtures.tree(first) == Fixtures.tree(second))
    }
}
