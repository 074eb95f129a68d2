import Foundation
import Testing
@testable import PorticoCore

/// The search index is assembled from pre-encoded pieces; it must be exactly the JSON of its entries.
@Suite struct SearchIndexTests {
    @Test func piecesGiveTheSameJSONAsEncodingTheEntries() throws {
        let texts = ["", "plain", "quote \" backslash \\ tab\t", "</script><!-- & '", "中文 内容\nnew line", "\u{1}\u{1F}control",
                     "emoji 👩‍💻 and é", String(repeating: "long text ", count: 500)]
        // Every text in every field, in shifting combinations.
        let pages = (0..<40).map { i in (title: texts[i % texts.count], summary: texts[(i * 3 + 1) % texts.count],
                                         text: texts[(i * 5 + 2) % texts.count]) }
        let labels = pages.indices.map { texts[$0 % texts.count] }
        let urls = pages.indices.map { "../insights/page-\($0)/" }
        let entries: [[String: Any]] = pages.indices.map { i in
            ["k": labels[i], "s": pages[i].summary, "t": pages[i].title, "u": urls[i], "x": pages[i].text]
        }
        let json = SearchIndex(pages: pages).json(labels: labels, urls: urls)
        #expect(json == JSONText.encode(entries))
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [[String: String]]
        #expect(decoded.map { $0["x"]! } == pages.map(\.text))
        #expect(SearchIndex(pages: []).json(labels: [], urls: []) == "[]")
    }

    /// The same example as tests/js/gate_vectors.test.mjs, which checks that search finds the same pages in the
    /// reduced text as in the full one.
    @Test func termsKeepEachWordOnceInFirstSeenOrder() {
        let text = "The battery, the Battery; battery-pack (v2.0) 数据分析 使用AI。使用AI cafe\u{301}s café x_y\nthe battery"
        #expect(SearchIndex.terms(of: text) == "The battery the Battery pack v2 0 数据分析 使用AI。使用AI cafe\u{301}s café x y")
        let many = (0..<3_000).map { "w\($0)" }.joined(separator: " ")
        #expect(SearchIndex.terms(of: many + ". " + many) == many, "thousands of distinct words, each kept once")
        #expect(SearchIndex.terms(of: "caf\u{E9} cafe\u{301} caf\u{E9}") == "caf\u{E9} cafe\u{301}", "words compare byte for byte, as in the script")
        #expect(SearchIndex.terms(of: "") == "")
        #expect(SearchIndex.terms(of: " ,. ") == "")
        #expect(AccountRenderer.searchText(String(repeating: "word ", count: 10_000)) == "word")
        let long = (0..<5_000).map { "w\($0)" }.joined(separator: " ")
        #expect(AccountRenderer.searchText(long).unicodeScalars.count == 20_000, "still capped at 20,000 characters")
    }
}
