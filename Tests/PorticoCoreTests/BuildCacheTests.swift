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

    /// Inode and modification time (ns) of the folder and of everything in it, by relative path.
    func stamps(_ folder: URL) -> [String: [Int]] {
        func stamp(_ path: String) -> [Int] {
            var info = stat()
            guard lstat(path, &info) == 0 else { return [] }
            return [Int(info.st_ino), info.st_mtim.tv_sec * 1_000_000_000 + info.st_mtim.tv_nsec]
        }
        var result = [".": stamp(folder.path)]
        for path in FileManager.default.subpaths(atPath: folder.path) ?? [] {
            result[path] = stamp(folder.appendingPathComponent(path).path)
        }
        return result
    }

    /// The fixture content, with a build cache in a fresh project folder and the site folder beside it.
    func project() throws -> (content: URL, cache: BuildCache, output: URL) {
        let project = Fixtures.temporaryFolder()
        // The fixture files were written a moment ago: with the usual window every one would count as changed.
        var cache = BuildCache(project: project)
        cache.racyWindow = 0
        return (try Fixtures.content(), cache, project.appendingPathComponent("site"))
    }

    /// Rewrites a content file through `change`.
    func edit(_ file: URL, _ change: (String) -> String) throws {
        try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
    }

    func cleanBuild(_ content: URL) throws -> [String: Data] {
        let clean = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try build(content, into: clean, cache: nil)
        return Fixtures.tree(clean)
    }

    @Test func aNoOpBuildTouchesNothing() throws {
        let (content, cache, output) = try project()
        let first = try build(content, into: output, cache: cache)
        let before = stamps(output)
        let second = try build(content, into: output, cache: cache)
        #expect(stamps(output) == before)
        #expect(second.files == first.files)
        #expect(Fixtures.tree(output) == (try cleanBuild(content)))
        #expect(!FileManager.default.fileExists(atPath: SiteWriter.sibling(of: output, "staging").path))
    }

    @Test func aRemovedAccountDisappears() throws {
        let (content, cache, output) = try project()
        _ = try build(content, into: output, cache: cache)
        let acmePage = output.appendingPathComponent("acme/insights/hello/index.html")
        let acmeBefore = inode(acmePage)
        try FileManager.default.removeItem(at: content.appendingPathComponent("accounts/globex"))
        _ = try build(content, into: output, cache: cache)
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("globex").path))
        #expect(inode(acmePage) == acmeBefore, "the remaining account is kept as it was")
        #expect(Fixtures.tree(output) == (try cleanBuild(content)))
    }

    @Test func strayFilesGoAsInACleanBuildButGitkeepStays() throws {
        let (content, cache, output) = try project()
        _ = try build(content, into: output, cache: cache)
        try "stray".write(to: output.appendingPathComponent("stray.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: output.appendingPathComponent("old-account/x"), withIntermediateDirectories: true)
        try "stray".write(to: output.appendingPathComponent("old-account/x/index.html"), atomically: true, encoding: .utf8)
        try "stray".write(to: output.appendingPathComponent("_portico/old.js"), atomically: true, encoding: .utf8)
        try "edited".write(to: output.appendingPathComponent("robots.txt"), atomically: true, encoding: .utf8)
        try "".write(to: output.appendingPathComponent(".gitkeep"), atomically: true, encoding: .utf8)
        _ = try build(content, into: output, cache: cache)
        var expected = try cleanBuild(content)
        expected[".gitkeep"] = Data()
        #expect(Fixtures.tree(output) == expected)
    }

    @Test func aFailedIncrementalBuildChangesNothing() throws {
        let (content, cache, output) = try project()
        _ = try build(content, into: output, cache: cache)
        let before = stamps(output)
        let good = Fixtures.tree(output)
        // One account changes and renders fine, the other fails: neither may reach the site.
        let edited = content.appendingPathComponent("accounts/globex/solutions/storage.md")
        try edit(edited) { $0 + "\nEdited.\n" }
        let broken = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try edit(broken) { $0.replacingOccurrences(of: "date: 2026-03-02", with: "date: soon") }
        #expect(throws: BuildFailed.self) { try build(content, into: output, cache: cache) }
        #expect(stamps(output) == before)
        #expect(Fixtures.tree(output) == good)
        // Warnings under --strict fail an incremental build the same way.
        try edit(broken) { $0.replacingOccurrences(of: "date: soon", with: "date: 2026-03-02\ncolour: red") }
        var strict = Fixtures.builder(content: content, output: output, options: BuildOptions(strict: true, today: Fixtures.today))
        strict.cache = cache
        #expect(throws: BuildFailed.self) { try strict.build(log: DiagnosticLog()) }
        #expect(stamps(output) == before)
    }

    @Test func aWarmFrontMatterCacheChangesNoResult() throws {
        let content = try Fixtures.content()
        let page = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try edit(page) { $0.replacingOccurrences(of: "date: 2026-03-02", with: "date: 2026-03-02\ncolour: red") }
        let cold = DiagnosticLog()
        let coldPortal = ContentLoader(root: content).load(into: cold)
        let folder = Fixtures.temporaryFolder()
        for _ in 0..<2 {
            var loader = ContentLoader(root: content)
            loader.frontMatterCache = FrontMatterCache(folder: folder)
            let log = DiagnosticLog()
            let portal = loader.load(into: log)
            #expect(portal.library == coldPortal.library)
            #expect(portal.accounts.map(\.pages) == coldPortal.accounts.map(\.pages))
            #expect(log.all == cold.all)
            #expect(log.all.contains { $0.code == "unknown-key" })
        }
        #expect(FileManager.default.fileExists(atPath: FrontMatterCache(folder: folder).file.path))
        // Whole builds through the cache still equal a build without it.
        let project = Fixtures.temporaryFolder()
        let output = project.appendingPathComponent("site")
        _ = try build(content, into: output, cache: BuildCache(project: project))
        try FileManager.default.removeItem(at: BuildCache(project: project).file(for: output))
        _ = try build(content, into: output, cache: BuildCache(project: project))
        #expect(Fixtures.tree(output) == (try cleanBuild(content)))
    }

    @Test func cachedBuildsEqualCleanBuildsAndReuseOnlyUnchangedAccounts() throws {
        let (content, cache, output) = try project()
        _ = try build(content, into: output, cache: cache)
        let globexPage = output.appendingPathComponent("globex/solutions/storage/index.html")
        let acmePage = output.appendingPathComponent("acme/insights/hello/index.html")
        let before = (inode(globexPage), inode(acmePage))

        // No change: everything is reused, and the tree equals a clean build (and so does the page count).
        let noOp = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) == before.0)
        #expect(inode(acmePage) == before.1)
        let clean = Fixtures.temporaryFolder().appendingPathComponent("site")
        let cleanSummary = try build(content, into: clean, cache: nil)
        #expect(Fixtures.tree(output) == Fixtures.tree(clean))
        #expect(noOp.pages == cleanSummary.pages, "\(noOp.pages) vs \(cleanSummary.pages)")
        #expect(noOp.files == cleanSummary.files, "\(noOp.files) vs \(cleanSummary.files)")

        // One page edited: only its account is rendered again.
        let file = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try edit(file) { $0 + "\nOne more line.\n" }
        _ = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) == before.0, "the unchanged account is linked, not rendered")
        #expect(inode(acmePage) != before.1)
        #expect(try String(contentsOf: acmePage, encoding: .utf8).contains("One more line."))
        #expect(Fixtures.tree(output) == (try cleanBuild(content)))

        // A library page shared by both accounts: both are rendered again.
        let library = content.appendingPathComponent("library/solutions/grid-platform.md")
        try edit(library) { $0 + "\nShared edit.\n" }
        let globexBefore = inode(globexPage)
        _ = try build(content, into: output, cache: cache)
        #expect(inode(globexPage) != globexBefore)
        #expect(Fixtures.tree(output) == (try cleanBuild(content)))
    }

    @Test func templateAndConfigChangesInvalidate() throws {
        let (content, cache, output) = try project()
        _ = try build(content, into: output, cache: cache)
        let page = output.appendingPathComponent("globex/solutions/storage/index.html")
        let first = inode(page)
        let portal = content.appendingPathComponent("portal.yml")
        try edit(portal) { $0.replacingOccurrences(of: "Fixture Portals", with: "Renamed Portals") }
        _ = try build(content, into: output, cache: cache)
        #expect(inode(page) != first)
    }

    @Test func warningsOfReusedAccountsAreReportedAgain() throws {
        let (content, cache, output) = try project()
        try "---\ntitle: T\ndate: 2026-01-01\n---\n![](../assets/map.svg)\n".write(to: content.appendingPathComponent("accounts/acme/insights/noalt.md"), atomically: true, encoding: .utf8)
        let first = DiagnosticLog()
        _ = try build(content, into: output, cache: cache, log: first)
        let second = DiagnosticLog()
        _ = try build(content, into: output, cache: cache, log: second)
        #expect(first.warnings.contains { $0.code == "missing-alt" })
        #expect(first.all == second.all)
    }

    @Test func aFailedBuildLeavesTheCacheAndSiteUsable() throws {
        let (content, cache, output) = try project()
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
