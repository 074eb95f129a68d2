import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// Lists of 50 cards a page, a paginated list per tag, and the search index in shards, on an account of 120 insights
/// built through the default theme.
@Suite struct ListPagesTests {
    static let generated = 120

    /// The basic content plus `generated` insights for acme, newest first by number; every third tagged `triad`,
    /// every one `bulk`, the first also `供应链`.
    static func largeSite() throws -> URL {
        let content = try Fixtures.content()
        let folder = content.appendingPathComponent("accounts/acme/insights")
        for n in 1...generated {
            let day = Day(year: 2026, month: 5 - (n - 1) / 28, day: 28 - (n - 1) % 28)
            let tags = ["bulk"] + (n % 3 == 0 ? ["triad"] : []) + (n == 1 ? ["供应链"] : [])
            let text = "---\ntitle: \"Generated \(n)\"\ndate: \(day)\ntags: [\(tags.joined(separator: ", "))]\n---\n\nBody \(n).\n"
            try Data(text.utf8).write(to: folder.appendingPathComponent(String(format: "generated-%03d.md", n)))
        }
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        _ = try Fixtures.builder(content: content, output: output, theme: [PorticoTheme.directory]).build(log: DiagnosticLog())
        return output.appendingPathComponent("acme")
    }

    static func page(_ site: URL, _ path: String) -> String? {
        (try? Data(contentsOf: site.appendingPathComponent(path))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The card links of a page, as paths from the account root (links climb to the root and go down again).
    static func cards(_ html: String) -> [String] {
        html.components(separatedBy: "<h3 class=\"pt-card-title\"><a href=\"").dropFirst().map { link in
            String(link.prefix { $0 != "\"" }).replacingOccurrences(of: "../", with: "")
        }
    }

    @Test func listsAreSplitFiftyToAPageWithLinksBetweenThem() throws {
        let site = try Self.largeSite()
        let first = try #require(Self.page(site, "insights/index.html"))
        let second = try #require(Self.page(site, "insights/page/2/index.html"))
        let third = try #require(Self.page(site, "insights/page/3/index.html"))
        #expect(Self.page(site, "insights/page/4/index.html") == nil)
        let all = Self.cards(first) + Self.cards(second) + Self.cards(third)
        #expect(Self.cards(first).count == 50 && Self.cards(second).count == 50)
        #expect(all.count == Set(all).count, "no card twice")
        #expect(all.filter { $0.hasPrefix("insights/generated-") }.count == Self.generated, "every piece on some page")
        #expect(Self.cards(first).first == "insights/generated-001/", "newest first")
        // Accessible navigation between pages: a labelled nav, the current page marked, previous and next.
        #expect(second.contains("<nav class=\"pt-pagination\" aria-label=\"Pages\">"))
        #expect(second.contains("<a href=\"../../../insights/\" rel=\"prev\">Previous</a>"))
        #expect(second.contains("<a href=\"../../../insights/page/3/\" rel=\"next\">Next</a>"))
        #expect(second.contains("<a href=\"../../../insights/page/2/\" aria-current=\"page\"><span class=\"pt-visually-hidden\">page 2 of 3</span>"))
        #expect(!first.contains("rel=\"prev\"") && !third.contains("rel=\"next\""))
        #expect(second.contains("<title>Insights – page 2 of 3"))
    }

    @Test func eachTagHasItsOwnPaginatedListReachableFromEveryPage() throws {
        let site = try Self.largeSite()
        let second = try #require(Self.page(site, "insights/page/2/index.html"))
        // Tags in name order: bulk, hello's signalling, triad, 供应链; folders by number, never by name.
        #expect(second.contains("<a class=\"pt-chip\" href=\"../../../insights/tags/3/\">triad <span class=\"pt-chip-count\">40</span></a>"))
        let triad = try #require(Self.page(site, "insights/tags/3/index.html"))
        #expect(Self.cards(triad) == stride(from: 3, through: Self.generated, by: 3).map { String(format: "insights/generated-%03d/", $0) })
        #expect(triad.contains("href=\"../../../insights/tags/3/\" aria-current=\"page\">triad"))
        #expect(!triad.contains("pt-pagination"), "40 cards fit one page")
        let bulkSecond = try #require(Self.page(site, "insights/tags/1/page/2/index.html"))
        #expect(Self.cards(bulkSecond).count == 50)
        #expect(Self.page(site, "insights/tags/1/page/3/index.html").map(Self.cards)?.count == Self.generated - 100)
        #expect(Self.page(site, "insights/tags/4/index.html").map(Self.cards) == ["insights/generated-001/"])
        #expect(Self.page(site, "insights/tags/5/index.html") == nil)
    }

    @Test func searchIndexIsPublishedInShardsThatTogetherAreTheWholeIndex() throws {
        let site = try Self.largeSite()
        let search = try #require(Self.page(site, "search/index.html"))
        #expect(search.contains("{\"shards\":[\"shard-1.json\",\"shard-2.json\"]}"))
        #expect(!search.contains("Generated 1"))
        var entries: [[String: String]] = []
        for name in ["shard-1.json", "shard-2.json"] {
            let data = try #require(try? Data(contentsOf: site.appendingPathComponent("search/" + name)))
            entries += try #require(try JSONSerialization.jsonObject(with: data) as? [[String: String]])
        }
        #expect(entries.count > Self.generated && entries.count <= 200)
        #expect(entries.prefix(100).count == 100)
        #expect(entries.first?["t"] == "Generated 1", "index order: newest first, across shards")
        #expect(entries.filter { $0["t"]?.hasPrefix("Generated ") == true }.count == Self.generated)
    }

    @Test func tagFoldersAreNumberedInNameOrder() {
        let tags = ListPages.tags(["供应链": 1, "ai": 2, "AI": 3, "markertag": 4])
        #expect(tags.map(\.name) == ["AI", "ai", "markertag", "供应链"])
        #expect(tags.map(\.folderName) == ["1", "2", "3", "4"])
        #expect(tags.map(\.count) == [3, 2, 4, 1])
    }

    @Test func paginationWindowShowsEndsAndNeighbours() {
        func window(_ number: Int, of count: Int) -> [Int?] {
            ListPage(kind: .insights, tag: nil, number: number, count: count, pages: [Int]()[...]).window
        }
        #expect(window(1, of: 1) == [1])
        #expect(window(2, of: 3) == [1, 2, 3])
        #expect(window(1, of: 30) == [1, 2, 3, nil, 30])
        #expect(window(15, of: 30) == [1, nil, 13, 14, 15, 16, 17, nil, 30])
        #expect(window(4, of: 30) == [1, 2, 3, 4, 5, 6, nil, 30])
    }
}
