import Testing
@testable import PorticoCore

/// Related pages: most shared tags first, then newest, then the account's page order; never the page itself.
@Suite struct RelatedIndexTests {
    func page(_ slug: String, _ tags: [String], _ date: String) -> ResolvedPage {
        ResolvedPage(source: SourcePage(sourcePath: "library/insights/\(slug).md", origin: .library, kind: .insights, slug: slug,
                                        title: slug, date: Day(date)!, tags: tags, body: ""), language: .en, isFuture: false)
    }

    @Test func ranksBySharedTagsThenDateThenPageOrder() {
        let pages = [page("a", ["x", "y", "z"], "2026-01-01"), page("b", ["x"], "2026-03-01"), page("c", ["x", "y"], "2026-01-01"),
                     page("d", ["x", "y"], "2026-02-01"), page("e", ["q"], "2026-05-01"), page("f", ["y", "x"], "2026-02-01")]
        let index = RelatedIndex(pages)
        #expect(index.related(to: "insights/a/index.html") == [3, 5, 2], "two shared tags: newest first, then page order")
        #expect(index.related(to: "insights/e/index.html") == [], "no shared tag, no related page")
        #expect(index.related(to: "insights/b/index.html", limit: 10) == [3, 5, 0, 2], "one shared tag each: newest first, then page order")
        #expect(index.related(to: "insights/missing/index.html") == [])
    }

    /// The ranking as a full stable sort, the way it was first written, against the top-k selection on seeded pages.
    @Test func selectionMatchesAFullSort() {
        var state: UInt64 = 7
        func next(_ bound: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        let tags = ["a", "b", "c", "d", "e", "f"]
        let pages = (0..<80).map { i in
            page("p\(i)", (0..<next(4)).map { _ in tags[next(tags.count)] }, "2026-0\(1 + next(3))-1\(next(10))")
        }
        let index = RelatedIndex(pages)
        for (i, current) in pages.enumerated() {
            var shared: [Int: Int] = [:]
            for tag in Set(current.source.tags) {
                for (j, other) in pages.enumerated() where j != i && Set(other.source.tags).contains(tag) { shared[j, default: 0] += 1 }
            }
            let expected = shared.keys.sorted().map { ($0, shared[$0]!) }
                .sorted { ($0.1, pages[$0.0].source.date) > ($1.1, pages[$1.0].source.date) }.prefix(3).map(\.0)
            #expect(index.related(to: current.outputPath) == Array(expected), "page \(i)")
        }
    }
}
