import Foundation
import Testing
@testable import PorticoCore

/// The front-matter cache on disk: whatever is in the file, a load gives what a load without it gives.
@Suite struct FrontMatterCacheTests {
    func load(_ content: URL, cache folder: URL?) -> (Portal, [Diagnostic]) {
        var loader = ContentLoader(root: content)
        loader.frontMatterCache = folder.map { FrontMatterCache(folder: $0) }
        let log = DiagnosticLog()
        return (loader.load(into: log), log.all)
    }

    func contentWithAWarning() throws -> URL {
        let content = try Fixtures.content()
        let page = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try (try String(contentsOf: page, encoding: .utf8)).replacingOccurrences(of: "date: 2026-03-02", with: "date: 2026-03-02\ncolour: red")
            .write(to: page, atomically: true, encoding: .utf8)
        return content
    }

    func expectSameLoad(_ portal: Portal, _ diagnostics: [Diagnostic], as cold: (Portal, [Diagnostic])) {
        #expect(portal.library == cold.0.library)
        #expect(portal.accounts.map(\.pages) == cold.0.accounts.map(\.pages))
        #expect(diagnostics == cold.1)
    }

    @Test func aDamagedOrForeignCacheFileIsIgnoredAndRewritten() throws {
        let content = try contentWithAWarning()
        let cold = load(content, cache: nil)
        #expect(cold.1.contains { $0.code == "unknown-key" })
        let folder = Fixtures.temporaryFolder()
        let file = FrontMatterCache(folder: folder).file
        _ = load(content, cache: folder)
        let good = try Data(contentsOf: file)
        var flipped = good
        flipped[flipped.count / 2] ^= 0xFF
        let damaged: [Data] = [good.prefix(good.count / 2), good.prefix(10), Data(), flipped,
                               Data("{\"x\":{\"diagnostics\":[]}}".utf8), good + Data([0])]
        for bytes in damaged {
            try bytes.write(to: file)
            let (portal, diagnostics) = load(content, cache: folder)
            expectSameLoad(portal, diagnostics, as: cold)
            #expect(FrontMatterCacheFile.decode(try Data(contentsOf: file), binary: FrontMatterCache.binary) != nil, "rewritten whole")
        }
        // Written by another binary: read as empty, so every page is parsed again.
        let entries = try #require(FrontMatterCacheFile.decode(good, binary: FrontMatterCache.binary))
        #expect(!entries.isEmpty)
        #expect(FrontMatterCacheFile.decode(good, binary: "another portico") == nil)
        try FrontMatterCacheFile.encode(entries, binary: "another portico").write(to: file)
        let (portal, diagnostics) = load(content, cache: folder)
        expectSameLoad(portal, diagnostics, as: cold)
    }

    @Test func theFileFormatRoundTrips() throws {
        let page = FrontMatterCache.StoredPage(slug: "s", title: "Tïtle “quoted”\n", date: "2026-01-02", summary: nil, author: "",
                                               sme: "Ann", lang: "zh-CN", industries: ["a", "b"], tags: [], draft: true,
                                               smeLocation: SourceLocation(file: "f.md", line: 3, column: nil),
                                               bodyStartLine: 7, bodyBytes: 1234, publishFingerprint: "abc")
        let diagnostic = Diagnostic.warning("unknown-key", at: SourceLocation(file: "f.md", line: 2, column: 1), "message 😀", hint: nil)
        let entries: [String: FrontMatterCache.Stored] = [
            "one": .init(page: page, diagnostics: [diagnostic, .error("e", at: SourceLocation(file: ""), "m", hint: "h")]),
            "two": .init(page: nil, diagnostics: []),
        ]
        #expect(FrontMatterCacheFile.decode(FrontMatterCacheFile.encode(entries, binary: "b"), binary: "b") == entries)
        // Read entry by entry (as a build without a BuildMemory does), every entry is the same, and none is made up.
        var more = entries
        for number in 0..<50 { more["p\(number)"] = .init(page: number % 2 == 0 ? page : nil, diagnostics: number % 3 == 0 ? [diagnostic] : []) }
        let data = FrontMatterCacheFile.encode(more, binary: "b")
        let index = try #require(FrontMatterCacheFile.index(data, binary: "b"))
        #expect(index.offsets.count == more.count)
        for (key, entry) in more { #expect(index.entry(key) == entry) }
        #expect(index.entry("three") == nil)
        #expect(index.all() == more)
        #expect(FrontMatterCacheFile.index(data, binary: "another portico") == nil)
        var damaged = data
        damaged[40] ^= 1
        #expect(FrontMatterCacheFile.index(damaged, binary: "b") == nil)
    }

    @Test func fingerprintsFromTheCacheEqualComputedOnes() throws {
        let content = try contentWithAWarning()
        let folder = Fixtures.temporaryFolder()
        let (first, _) = load(content, cache: folder)
        let (second, _) = load(content, cache: folder)
        let pages = second.library + second.accounts.flatMap(\.pages)
        #expect(!pages.isEmpty)
        #expect(first.fingerprints == second.fingerprints)
        for page in pages {
            #expect(second.fingerprints[page.sourcePath]?.publish == page.readerFingerprint)
        }
        // A body edit changes the page's content fingerprint and nothing else.
        let file = content.appendingPathComponent("accounts/acme/insights/hello.md")
        try (try String(contentsOf: file, encoding: .utf8) + "\nMore.\n").write(to: file, atomically: true, encoding: .utf8)
        let (third, _) = load(content, cache: folder)
        let path = "accounts/acme/insights/hello.md"
        #expect(third.fingerprints[path] != second.fingerprints[path])
        #expect(third.fingerprints.filter { $0.key != path } == second.fingerprints.filter { $0.key != path })
        #expect(load(content, cache: nil).0.fingerprints.isEmpty)
    }
}
