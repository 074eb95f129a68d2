import Testing
@testable import PorticoCore

@Suite struct MarkdownCacheTests {
    let markdown = "See [a](a.md) and [b](b.md).\n\n![chart](chart.png)\n"

    @Test func reusesHTMLOnlyWhenEveryLinkResolvesTheSame() {
        let cache = MarkdownCache()
        let renderer = MarkdownRenderer()
        var calls: [String] = []
        func rewrite(_ prefix: String) -> (MarkdownLink) -> String? {
            { link in calls.append(prefix + link.url); return link.url == "b.md" ? prefix + "b/" : "x/" + link.url }
        }
        let first = renderer.render(markdown, key: "library/p.md", cache: cache, rewrite: rewrite("one-"))
        let again = renderer.render(markdown, key: "library/p.md", cache: cache, rewrite: rewrite("one-"))
        #expect(again.html == first.html)
        let other = renderer.render(markdown, key: "library/p.md", cache: cache, rewrite: rewrite("two-"))
        let fresh = renderer.render(markdown, rewrite: rewrite("two-"))
        #expect(other.html == fresh.html, "a different rewrite renders afresh")
        #expect(other.html.contains("href=\"two-b/\"") && !other.html.contains("one-b/"))
        // Each rendering asks once per link, in document order, whether the HTML came from the cache or not.
        #expect(calls == ["one-a.md", "one-b.md", "one-chart.png", "one-a.md", "one-b.md", "one-chart.png",
                          "two-a.md", "two-b.md", "two-chart.png", "two-a.md", "two-b.md", "two-chart.png"])
    }

    @Test func changedMarkdownIsNeverServedFromTheCache() {
        let cache = MarkdownCache()
        let renderer = MarkdownRenderer()
        _ = renderer.render(markdown, key: "library/p.md", cache: cache) { _ in nil }
        let edited = renderer.render("# Edited\n", key: "library/p.md", cache: cache) { _ in nil }
        #expect(edited.html.contains("Edited"))
    }
}
