import Foundation
import Testing
@testable import PorticoCore

/// The incremental build: correctness first. A cached build must equal a clean build byte for byte.
@Suite struct BuildCacheTests {
    func build(_ content: URL, into output: URL, cache: BuildCache?, log: DiagnosticLog = DiagnosticLog()) throws -> BuildSummary {
        var builder = Fixtures.builder(content: content, output: output)
        builder.cache = cache
        return try builder.build(log: log)
    }

    func inode(_ url: URL) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: url.path)[.systemFileNumber] as? NSNumber)?.uint64Value
    }

    @Test func cachedBuildsEqualCleanBuildsAndReuseOnlyUnchangedAccounts() throws {
        let content = try Fixtures.content()
        let project = Fixtures.temporaryFolder()
        let cache = BuildCache(project: project)
        let output = project.appendingPathComponent("site")
        _ = try build(content, into: output, cache: cache)
        let globexPage = output.appendingPathComponent("globex/solutions/storage/index.html")
        let acmePage = output.appendingPathComponent("acme/insights/hello/index.html")
        let before = (inode(globexPage), inode(acmePage))

        // No change: everything is reused, and the tree equals a clean build.
        _ = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) == before.0)
        #expect(inode(acmePage) == before.1)
        let clean = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try build(content, into: clean, cache: nil)
        #expect(Fixtures.tree(output) == Fixtures.tree(clean))

        // One page edited: only its account is rendered again.
        let file = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try (try String(contentsOf: file, encoding: .utf8) + "\nOne more line.\n").write(to: file, atomically: true, encoding: .utf8)
        _ = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) == before.0, "the unchanged account is linked, not rendered")
        #expect(inode(acmePage) != before.1)
        #expect(try String(contentsOf: acmePage, encoding: .utf8).contains("One more line."))
        let clean2 = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try build(content, into: clean2, cache: nil)
        #expect(Fixtures.tree(output) == Fixtures.tree(clean2))

        // A library page shared by both accounts: both are rendered again.
        let library = content.appendingPathComponent("library/solutions/grid-platform.md")
        try (try String(contentsOf: library, encoding: .utf8) + "\nShared edit.\n").write(to: library, atomically: true, encoding: .utf8)
        let globexBefore = inode(globexPage)
        _ = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) != globexBefore)
        let clean3 = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try build(content, into: clean3, cache: nil)
        #expect(Fixtures.tree(output) == Fixtures.tree(clean3))
    }

    @Test func templateAndConfigChangesInvalidate() throws {
        let content = try Fixtures.content()
        let project = Fixtures.temporaryFolder()
        let cache = BuildCache(project: project)
        let output = project.appendingPathComponent("site")
        _ = try build(content, into: output, cache: cache)
        let page = output.appendingPathComponent("globex/solutions/storage/index.html")
        let first = inode(page)
        let portal = content.appendingPathComponent("portal.yml")
        try (try String(contentsOf: portal, encoding: .utf8)).replacingOccurrences(of: "Fixture Portals", with: "Renamed Portals")
            .write(to: portal, atomically: true, encoding: .utf8)
        _ = try build(content, into: output, cache: cache)
        #expect(inode(page) != first)
    }

    @Test func warningsOfReusedAccountsAreReportedAgain() throws {
        let content = try Fixtures.content()
        try "---\ntitle: T\ndate: 2026-01-01\n---\n![](../assets/map.svg)\n".write(to: content.appendingPathComponent("accounts/acme/insights/noalt.md"), atomically: true, encoding: .utf8)
        let project = Fixtures.temporaryFolder()
        let cache = BuildCache(project: project)
        let output = project.appendingPathComponent("site")
        let first = DiagnosticLog()
        _ = try build(content, into: output, cache: cache, log: first)
        let second = DiagnosticLog()
        _ = try build(content, into: output, cache: cache, log: second)
        #expect(first.warnings.contains { $0.code == "missing-alt" })
        #expect(first.all == second.all)
    }

    @Test func aFailedBuildLeavesTheCacheAndSiteUsable() throws {
        let content = try Fixtures.content()
        let project = Fixtures.temporaryFolder()
        let cache = BuildCache(project: project)
        let output = project.appendingPathComponent("site")
        _ = try build(content, into: output, cache: cache)
        let good = Fixtures.tree(output)
        let file = content.appendingPathComponent("accounts/acme/insights/hello.md")
        let original = try String(contentsOf: file, encoding: .utf8)
        try original.replacingOccurrences(of: "date: 2026-03-02", with: "date: soon").write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: BuildFailed.self) { try build(content, into: output, cache: cache) }
        #expect(Fixtures.tree(output) == good)
        try original.write(to: file, atomically: true, encoding: .utf8)
        _ = try build(content, into: output, cache: cache)
        #expect(Fixtures.tree(output) == good)
    }
}
