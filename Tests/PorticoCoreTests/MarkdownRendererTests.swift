import Foundation
import Testing
@testable import PorticoCore

@Suite struct MarkdownRendererTests {
    let renderer = MarkdownRenderer()

    /// The plain text (what search indexes) keeps words apart across line breaks and table cells.
    @Test func plainTextSeparatesWordsAcrossLinesAndCells() {
        let text = renderer.render("Read the note and the\n[case](x.md) here.  \nNext\n\n| Line | Before |\n|---|---|\n| A | 12 |\n").text
        #expect(text.contains("and the case here. Next"))
        #expect(text.contains("Line Before \nA 12 \n"))
    }

    @Test func gfmExtensionsAndFootnotesAreOn() {
        let html = renderer.render("""
        | a | b |
        |:--|--:|
        | 1 | 2 |

        ~~gone~~ www.example.com

        - [x] done

        Claim.[^n]

        [^n]: Note.
        """).html
        #expect(html.contains("<table>"))
        #expect(html.contains("<th class=\"align-left\">a</th>"))
        #expect(html.contains("<td class=\"align-right\">2</td>"))
        #expect(!html.contains("align=\""))
        #expect(html.contains("<del>gone</del>"))
        #expect(html.contains("<a href=\"http://www.example.com\">www.example.com</a>"))
        #expect(html.contains("<input type=\"checkbox\" checked=\"\" disabled=\"\" aria-label=\"done\" /> done"))
        #expect(html.contains("class=\"footnotes\""))
    }

    @Test func imageWithTitleBecomesAFigureWithCaption() {
        let html = renderer.render("![Battery cost](cost.svg \"Cost per kWh, 2020–2026\")\n\n![Plain](p.svg)\n\nText ![inline](i.svg \"t\") here.\n").html
        #expect(html.contains("<figure class=\"pt-figure\"><img src=\"cost.svg\" alt=\"Battery cost\" /><figcaption>Cost per kWh, 2020–2026</figcaption></figure>"))
        #expect(html.contains("<p><img src=\"p.svg\" alt=\"Plain\" /></p>"))
        #expect(html.contains("Text <img src=\"i.svg\" alt=\"inline\" title=\"t\" /> here."))
    }

    @Test func rawHTMLOnlyWhenUnsafeIsOn() {
        let markdown = "<div onclick=\"x()\">raw</div>\n\n<script>alert(1)</script>\n"
        #expect(!renderer.render(markdown).html.contains("<div"))
        #expect(!renderer.render(markdown).html.contains("<script"))
        let unsafe = MarkdownRenderer(unsafeHTML: true).render(markdown).html
        #expect(unsafe.contains("<div onclick"))
        // tagfilter still defuses the tags GitHub filters.
        #expect(unsafe.contains("&lt;script>"))
    }

    @Test func headingsGetStableUniqueIDsAndATableOfContents() {
        let result = renderer.render("## Cost & Margin\n\n## Cost & Margin\n\n### 电池成本\n")
        #expect(result.toc.map(\.id) == ["cost--margin", "cost--margin-1", "电池成本"])
        #expect(result.html.contains("<h2 id=\"cost--margin-1\">Cost &amp; Margin</h2>"))
        #expect(result.toc.map(\.level) == [2, 2, 3])
    }

    @Test func linksAndImagesPassThroughTheRewriterWithPositions() {
        var seen: [MarkdownLink] = []
        let html = renderer.render("Intro\n\nSee [x](a.md#top) and\n![pic](img.png)\n") { link in
            seen.append(link)
            return link.isImage ? "/assets/img.png" : nil
        }.html
        #expect(seen.map(\.url) == ["a.md#top", "img.png"])
        #expect(seen.map(\.line) == [3, 4])
        #expect(seen[0].column == 5)
        #expect(html.contains("href=\"a.md#top\""))
        #expect(html.contains("src=\"/assets/img.png\""))
    }

    @Test func visibleTextFeedsSearchAndReadingTime() {
        let text = renderer.render("# Title\n\nOne **two** `three`.\n").text
        #expect(text.contains("Title"))
        #expect(text.contains("One two three."))
    }
}

@Suite struct FormattingTests {
    @Test func datesPerLocale() {
        let day = Day(year: 2026, month: 9, day: 12)
        #expect(Formatting.date(day, .en) == "12 Sep 2026")
        #expect(Formatting.date(day, .zhCN) == "2026年9月12日")
    }

    @Test func readingTimeCountsChineseCharactersAndEnglishWords() {
        #expect(ReadingTime.minutes(String(repeating: "word ", count: 660)) == 3)
        #expect(ReadingTime.minutes(String(repeating: "汽车", count: 600)) == 3)
        #expect(ReadingTime.minutes("short") == 1)
        // Two-, three- and four-byte characters: Cyrillic and accented words count as words, CJK by character.
        #expect(ReadingTime.minutes(String(repeating: "слово café ", count: 330)) == 3)
        // U+20000 lies outside the two CJK blocks counted by character: it reads as a word (800/400 + 400/220 = 3.8).
        #expect(ReadingTime.minutes(String(repeating: "𠀀汽车，", count: 400)) == 4)
    }

    /// The punctuation reading time treats as a word break, and nothing else.
    @Test func commonPunctuationIsExactlyTheListedSet() {
        let listed: Set<UInt32> = [0x00B7, 0x2014, 0x2013, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x3001, 0x3002, 0x300A, 0x300B, 0x300C,
                                   0x300D, 0x300E, 0x300F, 0x3010, 0x3011, 0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F]
        let found = Set((0..<UInt32(0x11_0000)).filter(ReadingTime.isCommonPunctuation))
        #expect(found == listed)
    }

    @Test func relativeURLsBetweenPages() {
        #expect(RelativeURL.between("insights/a/index.html", "solutions/b/index.html") == "../../solutions/b/")
        #expect(RelativeURL.between("index.html", "insights/index.html") == "insights/")
        #expect(RelativeURL.between("insights/index.html", "index.html") == "../")
        #expect(RelativeURL.between("index.html", "index.html") == "./")
        #expect(RelativeURL.toRoot(from: "insights/a/index.html") == "../../")
        #expect(RelativeURL.toRoot(from: "index.html") == "./")
    }

    /// The byte-counting implementation against the definition it replaced (split at `/`, empty parts dropped).
    @Test func relativeURLsMatchTheSplittingDefinition() {
        func between(_ from: String, _ to: String) -> String {
            var target = to
            if target == "index.html" { target = "" } else if target.hasSuffix("/index.html") { target = String(target.dropLast("index.html".count)) }
            let result = String(repeating: "../", count: from.split(separator: "/").dropLast().count) + target
            return result.isEmpty ? "./" : result
        }
        let paths = ["index.html", "a.html", "en/index.html", "insights/a/index.html", "en//insights/a/index.html", "/x/index.html",
                     "a/b/", "洞察/文章/index.html", "assets/logo.svg", "xindex.html", "x/index.html/index.html",
                     Array(repeating: "d", count: 20).joined(separator: "/") + "/index.html"]
        for from in paths {
            for to in paths { #expect(RelativeURL.between(from, to) == between(from, to), "\(from) → \(to)") }
            #expect(RelativeURL.toRoot(from: from) == String(repeating: "../", count: from.split(separator: "/").count - 1).replacingOccurrences(of: "^$", with: "./", options: .regularExpression))
        }
    }

    @Test func aSchemeIsASCIIBeforeAColon() {
        for url in ["https://example.com", "mailto:a@example.com", "git+ssh://host/repo", "tel:+86-10-1234"] {
            #expect(LinkResolver.hasScheme(url), "\(url)")
        }
        // Browsers read these as relative paths, so the link checker must look at them.
        for url in ["../insights/a.md", ":x", "a b:c", "笔记:x", "insights/a.md#part:2"] {
            #expect(!LinkResolver.hasScheme(url), "\(url)")
        }
    }

    /// GitHub's ids: lowercase, letters and digits of every script and `_` kept, each space a `-`, the rest dropped.
    @Test func headingIDsFollowGitHub() {
        #expect(HeadingIDs.slug("Café") == "café")
        #expect(HeadingIDs.slug("snake_case & more") == "snake_case--more")
        #expect(HeadingIDs.slug("Обзор рынка 2026") == "обзор-рынка-2026")
        #expect(HeadingIDs.slug("日本語の見出し") == "日本語の見出し")
        #expect(HeadingIDs.slug("한국어 제목") == "한국어-제목")
        #expect(HeadingIDs.slug("Émoji 🚀 launch!") == "émoji--launch")
        var ids = HeadingIDs(reserved: ["main"])
        #expect(["Example", "Example", "Example 2", "Main", "Example", "🚀", "🚀"].map { ids.next(for: $0) }
                == ["example", "example-1", "example-2", "main-1", "example-3", "section", "section-1"])
    }

    /// A raw `<h2>` (trusted HTML) is not one of the document's headings: the ids stay on the right ones.
    @Test func rawHeadingsDoNotShiftIDs() {
        let html = MarkdownRenderer(unsafeHTML: true).render("<h2>Raw</h2>\n\n## One\n\nText <h2>inline</h2>\n\n## Two\n").html
        #expect(html.contains("<h2>Raw</h2>"))
        #expect(html.contains("<h2 id=\"one\">One</h2>"))
        #expect(html.contains("<h2 id=\"two\">Two</h2>"))
    }

    /// Links and images inside an image's description are its alt text: cmark-gfm renders no `<a>` or `<img>` for
    /// them, so they are not reported to the link checker (a remote one there is no broken image).
    @Test func linksInsideAnImageDescriptionAreOnlyText() {
        var seen: [String] = []
        let html = MarkdownRenderer().render("![outer ![inner](https://example.com/x.png) and [a](b.md)](pic.svg) [after](c.md)\n") { link in
            seen.append("\(link.isImage ? "image" : "link") \(link.url)")
            return nil
        }.html
        #expect(seen == ["image pic.svg", "link c.md"])
        #expect(!html.contains("https://example.com/x.png\""))
    }

    @Test func omittedRawHTMLIsListedWithCharacterColumns() {
        let omitted = MarkdownRenderer().render("<div>\nblock\n</div>\n\n汽车 <span>x</span> <!-- note -->\n\n> quoted <br>\n").omittedHTML
        #expect(omitted.map { "\($0.line):\($0.column) \($0.tag)" } == ["1:1 <div", "5:4 <span", "7:10 <br"])
        #expect(omitted[0].isBlock && !omitted[1].isBlock)
    }

    @Test func taskLabelsSkipCheckboxesWrittenInRawHTML() {
        let html = MarkdownRenderer(unsafeHTML: true).render("- [ ] <input type=\"checkbox\" disabled=\"\" /> **first** task\n- [x] second\n").html
        #expect(html.contains("<li><input type=\"checkbox\" disabled=\"\" aria-label=\"first task\" /> <input type=\"checkbox\" disabled=\"\" /> <strong>first</strong> task</li>"), "\(html)")
        #expect(html.contains("aria-label=\"second\""))
    }

    @Test func slugs() {
        #expect(Slug.make("Hello, World! 2026") == "hello-world-2026")
        #expect(Slug.make("供应链 AI") == "供应链-ai")
    }
}

@Suite struct ColorTests {
    @Test func contrastRatiosMatchWCAG() {
        #expect(abs(Color.black.contrast(with: .white) - 21) < 0.001)
        #expect(abs(Color(hex: "#777777")!.contrast(with: .white) - 4.48) < 0.01)
        #expect(abs(Color(hex: "#0000ff")!.contrast(with: .white) - 8.59) < 0.01)
        #expect(Color(hex: "#c8102e")!.contrast(with: .white) > 4.5)
    }

    @Test func aLightBrandColourIsDarkenedUntilItPasses() {
        let palette = BrandPalette(brand: Color(hex: "#f2c14e")!)
        #expect(palette.adjusted)
        for background in [Color.white, BrandPalette.pageBackground, palette.accentSoft] {
            #expect(palette.accentInk.contrast(with: background) >= 4.5)
        }
        #expect(palette.accentInk.contrast(with: BrandPalette.pageBackground) < 4.8, "the lightest passing shade, not black")
        #expect(palette.onAccent.contrast(with: palette.accent) >= 4.5)
    }

    @Test func aDarkBrandColourIsKept() {
        let palette = BrandPalette(brand: Color(hex: "#1f4e8c")!)
        #expect(!palette.adjusted)
        #expect(palette.accentInk == Color(hex: "#1f4e8c"))
        #expect(palette.onAccent == .white)
    }

    @Test func parsesShortAndLongHex() {
        #expect(Color(hex: "#fff") == .white)
        #expect(Color(hex: "zzzzzz") == nil)
        #expect(Color(hex: "#C8102E")?.hex == "#c8102e")
    }
}

@Suite struct JSONTextTests {
    @Test func matchesJSONAndIsSafeInAScriptElement() throws {
        let value: [String: Any] = ["b": ["x\"y\\z", "</script><!--&", "行\n\t\u{1}"], "a": 1, "c": true]
        let text = JSONText.encode(value)
        #expect(text == #"{"a":1,"b":["x\"y\\z","\u003c/script\u003e\u003c!--\u0026","行\n\t\u0001"],"c":true}"#)
        let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        #expect(decoded["b"] as? [String] == ["x\"y\\z", "</script><!--&", "行\n\t\u{1}"])
    }

    /// Foundation's JSON parser reads back exactly what was encoded, and nothing in it can close a script element.
    @Test func encodedJSONParsesBackToTheSameValues() throws {
        let entries: [[String: String]] = [["t": "中文 <b>", "u": "a/b/"], [:], ["x": "\"\u{1F}\u{7F}\\ & </script>"]]
        let text = JSONText.encode(entries)
        let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: String]]
        #expect(parsed == entries)
        #expect(!text.contains("<") && !text.contains(">") && !text.contains("&"))
        #expect(JSONText.encode(["b": 1, "a": [true, 2.5]] as [String: Any]) == #"{"a":[true,2.5],"b":1}"#)
    }
}

/// libcmark-gfm shares parser state between threads; the renderer must give the same HTML when pages are
/// rendered in parallel, as the build does.
@Suite struct MarkdownConcurrencyTests {
    @Test func parallelRenderingIsDeterministic() {
        let markdown = "~~gone~~ www.example.com and https://example.org\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n"
        let expected = MarkdownRenderer().render(markdown).html
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 400) { _ in results.add(MarkdownRenderer().render(markdown).html) }
        #expect(results.all.allSatisfy { $0 == expected })
        #expect(expected.contains("<del>gone</del>"))
    }

    final class Results: Sendable {
        private let items = Locked<[String]>([])
        func add(_ item: String) { items.withLock { $0.append(item) } }
        var all: [String] { items.current }
    }
}
