import Foundation
import PorticoTestSupport
import Testing
import Yams
@testable import PorticoCore

/// The front matter fast path must give the reader exactly what Yams gives it, and must step aside (nil) for
/// everything it does not read exactly.
@Suite struct SimpleFrontMatterTests {
    static let sample = """
        title: "Insight 0: Pilot yield"
        date: 2026-04-18
        summary: "Architecture vehicle roadmap [vehicle](https://example.com/vehicle) rollout."
        industries: [automotive]
        tags: [data, mes, supply-chain]
        lang: en
        draft: false
        author: Jane Doe

        """

    // MARK: Helpers

    /// Everything the reader can see of a node: kind, string, resolved tag, style and mark, recursively.
    static func dump(_ node: Node) -> String {
        let mark = node.mark.map { "@\($0.line):\($0.column)" } ?? "@-"
        switch node {
        case .scalar(let s): return "scalar(\(s.string.debugDescription) \(node.tag) \(s.style) \(mark))"
        case .sequence(let s): return "seq(\(node.tag) \(mark) [\(s.map(dump).joined(separator: ", "))])"
        case .mapping(let m): return "map(\(node.tag) \(mark) {\(m.map { "\(dump($0.key)): \(dump($0.value))" }.joined(separator: ", "))})"
        case .alias: return "alias"
        }
    }

    static func yamsMapping(_ yaml: String) -> Node? {
        (try? Yams.compose(yaml: yaml, .default, .default, .utf8)).flatMap { $0 }
    }

    /// Parses the front matter of `text` through the fast path and through Yams alone.
    static func bothWays(_ text: String, path: String = "library/insights/x.md") -> (fast: (SourcePage?, [Diagnostic]), yams: (SourcePage?, [Diagnostic]))? {
        guard let (yaml, body, bodyLine) = FrontMatterParser.split(text) else { return nil }
        let fast = FrontMatterParser.parse(yaml: yaml, body: body, bodyLine: bodyLine, sourcePath: path, origin: .library, kind: .insights)
        let yams = FrontMatterParser.parse(yaml: yaml, body: body, bodyLine: bodyLine, sourcePath: path, origin: .library,
                                           kind: .insights, fastPath: false)
        return (fast, yams)
    }

    /// Whether the typed reading (`FrontMatterParser.cleanFields`) takes this YAML, skipping nodes altogether.
    static func readsClean(_ yaml: String) -> Bool {
        SimpleFrontMatter.fields(yaml).flatMap { FrontMatterParser.cleanFields($0, file: "x.md") } != nil
    }

    /// Checks one YAML text: when the fast path takes it, Yams must read it without error into the same nodes,
    /// and the page and diagnostics must be the same either way. Returns whether the fast path took it.
    @discardableResult
    static func check(_ yaml: String, path: String = "library/insights/x.md", sourceLocation: Testing.SourceLocation = #_sourceLocation) -> Bool {
        let fast = SimpleFrontMatter.mapping(yaml)
        if let fast {
            let yams = yamsMapping(yaml)
            #expect(yams != nil, "fast path took YAML that Yams rejects: \(yaml.debugDescription)", sourceLocation: sourceLocation)
            if let yams {
                #expect(dump(.mapping(fast)) == dump(yams), "\(yaml.debugDescription)", sourceLocation: sourceLocation)
            }
        }
        let text = "---\n" + yaml + (yaml.isEmpty || yaml.hasSuffix("\n") ? "" : "\n") + "---\nBody\n"
        if let (a, b) = bothWays(text, path: path) {
            #expect(a.0 == b.0, "\(yaml.debugDescription)", sourceLocation: sourceLocation)
            #expect(a.1 == b.1, "\(yaml.debugDescription)", sourceLocation: sourceLocation)
        }
        return fast != nil
    }

    /// Seeded choices over SplitMix64.
    struct Seeded {
        var source: SplitMix64
        init(state: UInt64) { source = SplitMix64(seed: state) }
        mutating func int(_ n: Int) -> Int { Int(source.next() % UInt64(n)) }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
        mutating func chance(_ percent: Int) -> Bool { int(100) < percent }
    }

    static let keys = FrontMatterParser.knownKeys + ["titel", "Title", "categories", "x_y", "weight", "on", "null", "_k", "a-b"]
    static let quotedTexts = ["Insight 0: Pilot yield", "电池供应链 2027 展望", "a # not a comment", "it's fine", "",
                              "  padded  ", "[not] {a} list, really", "Ünïcödé — “quotes”", "emoji 🚗 ok", "~", "null", "yes",
                              "2026-04-18", "x: y: z", "tab-free\\slash"]
    static let plainTexts = ["Jane Doe", "Jane  Doe", "a#b", "https://example.com/x?y=1", "~", "null", "Null", "NULL", "true",
                             "yes", "No", "on", "OFF", "2026-04-18", "2026-4-1", "2026-13-45", "18.04.2026", "2026-02-30",
                             "en", "zh-CN", "fr", "EN", "42", "3.14", ".5", "1_000", "0x1F", "电池", "中文：标题", "Ünïcode",
                             "trueish", "(draft)", "$100", "/path/to", "_private", "a, b", "a [b] c", "it's", "say \"hi\"",
                             "x:y", "l'été", "~tilde", "yes please"]
    static let listItems = ["automotive", "data", "mes", "supply-chain", "5g", "cx", "电池", "a b", "v1.2", "c++", "x/y",
                            "_u", "\"quoted\"", "'single'", "\"电池\"", "true", "~", "null", "2026-01-01"]

    static func generatedValue(_ r: inout Seeded) -> String {
        switch r.int(10) {
        case 0...2: return "\"\(r.pick(quotedTexts))\""
        case 3: return "'\(r.pick(quotedTexts).replacingOccurrences(of: "'", with: ""))'"
        case 4...5:
            let count = r.int(4)
            let items = (0..<count).map { _ in r.pick(listItems) }
            let separator = r.pick([", ", ",", " , ", ",  "])
            let pad = r.pick(["", " ", "  "])
            return "[" + pad + items.joined(separator: separator) + pad + "]"
        case 6: return ""
        default: return r.pick(plainTexts)
        }
    }

    static func generated(_ r: inout Seeded) -> String {
        var lines: [String] = []
        var used: [String] = []
        for _ in 0..<(1 + r.int(9)) {
            var key = r.pick(keys)
            if used.contains(key) && !r.chance(10) { key = r.pick(keys) }   // duplicates now and then
            used.append(key)
            let value = generatedValue(&r)
            let gap = value.isEmpty ? "" : r.pick([" ", " ", " ", "  "])
            let trailing = r.pick(["", "", "", " ", "   "])
            lines.append("\(key):\(gap)\(value)\(trailing)")
            if r.chance(10) { lines.append(r.pick(["", "   ", "# a comment: with [stuff]"])) }
        }
        if r.chance(40) {   // make sure the required keys are often there
            lines.insert("date: \(r.pick(["2026-04-18", "2026-01-01", "2026-13-45", "\"2026-04-18\""]))", at: r.int(lines.count + 1))
            lines.insert("title: \(r.pick(["\"A title\"", "Plain title", "\"\"", "~", ""]))", at: r.int(lines.count + 1))
        }
        let newline = r.chance(25) ? "\r\n" : "\n"
        return lines.joined(separator: newline) + (r.chance(90) ? newline : "")
    }

    // MARK: Tests

    @Test func theCommonShapeTakesTheFastPath() throws {
        let map = try #require(SimpleFrontMatter.mapping(Self.sample))
        #expect(map.count == 8)
        #expect(SimpleFrontMatter.mapping(Self.sample.replacingOccurrences(of: "\n", with: "\r\n")) != nil)
        let chinese = """
            title: "决策链Solution 415"
            date: 2026-07-13
            summary: "新能源汽车，解决方案，客户体验，全球与中国市场。"
            industries: [banking]
            tags: [security, supply-chain]
            lang: zh-CN

            """
        #expect(SimpleFrontMatter.mapping(chinese) != nil)
        #expect(Self.check(Self.sample))
        #expect(Self.check(chinese))
        #expect(Self.readsClean(Self.sample))
        #expect(Self.readsClean(chinese))
        #expect(Self.readsClean(Self.sample + "sme: Li Wei\n"))
        // A problem anywhere sends the text to the node reader, which reports it.
        #expect(!Self.readsClean(Self.sample + "titel: typo\n"))
        #expect(!Self.readsClean(Self.sample.replacingOccurrences(of: "draft: false", with: "draft: maybe")))
        #expect(!Self.readsClean(Self.sample.replacingOccurrences(of: "lang: en", with: "lang: fr")))
        #expect(!Self.readsClean(Self.sample.replacingOccurrences(of: "date: 2026-04-18", with: "date: soon")))
        #expect(!Self.readsClean(Self.sample.replacingOccurrences(of: "title: \"Insight 0: Pilot yield\"", with: "title: \"  \"")))
        #expect(!Self.readsClean(Self.sample + "sme:\n"))
        #expect(!Self.readsClean(Self.sample + "sme: [a, b]\n"))
    }

    /// Front matter with known keys only, mostly well formed: the typed reading must give the same page and
    /// diagnostics as Yams, and must take a good share of the texts (or the comparison proves nothing).
    @Test func cleanFrontMatterMatchesYams() {
        var r = Seeded(state: 42)
        let values: [String: [String]] = [
            "title": ["\"A title\"", "Plain title", "'Single'", "\"\"", "~", "", "\"  padded  \"", "[a]", "2026", "yes", "null"],
            "date": ["2026-04-18", "\"2026-04-18\"", "'2026-01-01'", "2026-13-45", "", "[2026-01-01]", "soon", "~"],
            "summary": ["\"Sum: mary\"", "plain summary", "\"\"", "", "~", "[a, b]", "'it''s'"],
            "industries": ["[automotive]", "[automotive, banking]", "[]", "automotive", "\"\"", "", "[\"电池\", x]"],
            "tags": ["[a, b, c]", "[]", "solo", "", "[\"x y\", 'z']", "~"],
            "lang": ["en", "zh-CN", "fr", "", "\"en\"", "EN", "[en]"],
            "draft": ["false", "true", "yes", "No", "maybe", "", "[true]", "\"true\"", "1"],
            "author": ["Jane Doe", "\"李 伟\"", "", "~", "[a]"],
            "sme": ["Li Wei", "\"SME 0\"", "", "[x]", "~"],
        ]
        var clean = 0
        let total = 3000
        for _ in 0..<total {
            var lines = ["title: \"A title\"", "date: 2026-04-18"]
            for key in FrontMatterParser.knownKeys where r.chance(45) {
                let line = "\(key): \(r.pick(values[key]!))"
                if let at = lines.firstIndex(where: { $0.hasPrefix(key + ":") }) { lines[at] = line } else { lines.insert(line, at: r.int(lines.count + 1)) }
            }
            let yaml = lines.map { $0.hasSuffix(" ") ? String($0.dropLast()) : $0 }.joined(separator: "\n") + "\n"
            if Self.readsClean(yaml) { clean += 1 }
            Self.check(yaml, path: r.chance(10) ? "library/insights/Odd Name.md" : "library/insights/x.md")
        }
        #expect(clean > total / 5 && clean < total, "typed reading took \(clean) of \(total)")
    }

    @Test func theSampleReadsTheSameBothWays() throws {
        let (fast, yams) = try #require(Self.bothWays("---\n" + Self.sample + "---\n\nBody\n"))
        let page = try #require(fast.0)
        #expect(fast.0 == yams.0)
        #expect(fast.1 == yams.1)
        #expect(page.title == "Insight 0: Pilot yield")
        #expect(page.tags == ["data", "mes", "supply-chain"])
        #expect(page.author == "Jane Doe")
        #expect(fast.1.isEmpty)
    }

    @Test func handWrittenCasesMatchYams() {
        let cases: [(String, Bool)] = [
            // (yaml, whether the fast path should take it)
            ("title: \"a: b # c 'd'\"\ndate: 2026-04-18\n", true),
            ("title: 电池供应链 2027 展望\ndate: 2026-04-18\nsummary: \"中文摘要，带标点。\"\ntags: [电池, 供应链]\n", true),
            ("title: x   \ndate: 2026-04-18   \ntags: [a, b]   \nlang: en  \n", true),
            ("title: \"x\"\r\ndate: 2026-04-18\r\nlang: zh-CN\r\n", true),
            ("title:\ndate: 2026-04-18\n", true),                         // empty title: an error at the right column
            ("title:    \ndate: 2026-04-18\n", true),
            ("title: ~\ndate: 2026-04-18\nauthor: null\nsummary: NULL\n", true),
            ("title: \"\"\ndate: 2026-04-18\n", true),
            ("title: ''\ndate: 2026-04-18\nsme: 'li-na'\n", true),
            ("title: t\ndate: 2026-04-18\ndraft: yes\n", true),
            ("title: t\ndate: 2026-04-18\ndraft: maybe\n", true),        // bad-draft
            ("title: t\ndate: 2026-13-45\n", true),                      // bad-date
            ("title: t\ndate: \"2026-04-18\"\n", true),
            ("title: t\ndate: 18.04.2026\n", true),
            ("title: t\ndate: 2026-04-18\nlang: fr\n", true),            // bad-lang
            ("title: t\ndate: 2026-04-18\ntitel: typo\nweight: 3\n", true), // unknown keys, located
            ("date: 2026-04-18\n", true),                                // missing title
            ("title: t\n", true),                                        // missing date
            ("title: t\ndate: 2026-04-18\ntags: []\nindustries: [ ]\n", true),
            ("title: t\ndate: 2026-04-18\ntags: single\n", true),
            ("title: t\ndate: 2026-04-18\ntags: [\"a b\", 'c', d e]\n", true),
            ("title: t\ndate: 2026-04-18\ntags: [中文, 电池, x]\n", true),
            ("\n\ntitle: t\n\n# a comment\ndate: 2026-04-18\n\n", true),
            ("title: a#b\ndate: 2026-04-18\n", true),
            ("title: https://example.com/a?b=c\ndate: 2026-04-18\n", true),
            ("title: t\ndate: 2026-04-18\nsme: li-na\n", true),
            ("title: t\ndate: 2026-04-18\nauthor: true\n", true),
            ("title: 42\ndate: 2026-04-18\nlang: EN\n", true),
            ("title: \"Ünïcode 🚗 “x”\"\ndate: 2026-04-18\n", true),
            ("title: t\ndate: 2026-04-18\ndraft: false", true),           // no final line break
            // Outside the subset: Yams reads these (or reports them) as before.
            ("title: t\ntitle: u\ndate: 2026-04-18\n", false),           // duplicate key
            ("title: t\nTitle: u\ndate: 2026-04-18\n", false),
            ("title: a: b\ndate: 2026-04-18\n", false),
            ("title: t # comment\ndate: 2026-04-18\n", false),
            ("title: t\ndate: 2026-04-18\ntags:\n  - a\n  - b\n", false),
            ("title: t\ndate: 2026-04-18\ntags:\n- a\n", false),
            ("title: >\n  folded\ndate: 2026-04-18\n", false),
            ("title: |\n  literal\ndate: 2026-04-18\n", false),
            ("title: plain\n  continued\ndate: 2026-04-18\n", false),
            ("title: \"two\n  lines\"\ndate: 2026-04-18\n", false),
            ("title: &a t\ndate: 2026-04-18\nauthor: *a\n", false),
            ("title: !!str t\ndate: 2026-04-18\n", false),
            ("title: \"esc\\\"aped\"\ndate: 2026-04-18\n", false),
            ("title: 'it''s'\ndate: 2026-04-18\n", false),
            ("title: t\ndate: 2026-04-18\ntags: {a: b}\n", false),
            ("title: t\ndate: 2026-04-18\ntags: [a, [b]]\n", false),
            ("title: t\ndate: 2026-04-18\ntags: [a, b,]\n", false),
            ("title: t\ndate: 2026-04-18\ntags: [a, b\n", false),
            ("title:\tt\ndate: 2026-04-18\n", false),
            ("title: t\r\ndate: 2026-04-18\rlang: en\n", false),
            ("  title: t\n  date: 2026-04-18\n", false),
            ("\"title\": t\ndate: 2026-04-18\n", false),
            ("title : t\ndate: 2026-04-18\n", false),
            ("title:t\ndate: 2026-04-18\n", false),
            ("title: -t\ndate: 2026-04-18\n", false),
            ("title: - t\ndate: 2026-04-18\n", false),
            ("title: @t\ndate: 2026-04-18\n", false),
            ("title: `t`\ndate: 2026-04-18\n", false),
            ("title: %t\ndate: 2026-04-18\n", false),
            ("title: ? t\ndate: 2026-04-18\n", false),
            ("title: t:\ndate: 2026-04-18\n", false),
            ("title: \"t\" x\ndate: 2026-04-18\n", false),
            ("title: t\u{2028}u\ndate: 2026-04-18\n", false),
            ("title: t\u{85}u\ndate: 2026-04-18\n", false),
            ("title: t\u{FEFF}\ndate: 2026-04-18\n", false),
            ("title: t\u{7}\ndate: 2026-04-18\n", false),
            ("title: t\ndate: 2026-04-18\n---\nmore: x\n", false),
            ("- a\n- b\n", false),
            ("just text\n", false),
            ("", false),
            ("# only a comment\n", false),
        ]
        for (yaml, fast) in cases {
            let took = Self.check(yaml)
            #expect(took == fast, "\(yaml.debugDescription) should \(fast ? "" : "not ")take the fast path")
        }
    }

    @Test func generatedFrontMatterMatchesYams() {
        var r = Seeded(state: 20261120)
        var taken = 0
        let total = 3000
        for _ in 0..<total {
            let yaml = Self.generated(&r)
            let path = r.chance(10) ? "library/insights/Odd Name.md" : "library/insights/x.md"
            if Self.check(yaml, path: path) { taken += 1 }
        }
        // The generator mostly stays inside the subset: the comparison must not be vacuous.
        #expect(taken > total / 2, "fast path took \(taken) of \(total)")
    }

    /// Single-character edits of valid front matter: whenever the fast path still takes the text, Yams must agree.
    @Test func mutatedFrontMatterNeverMisleads() {
        var r = Seeded(state: 7)
        let inserts = [":", ": ", "#", " #", "\"", "'", "\\", "[", "]", ",", " ", "  ", "\t", "-", "- ", "&", "*", "!", "|", ">",
                       "{", "}", "%", "@", "`", "?", "\r", "\n", "\n  ", "\r\n", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{A0}", "é",
                       "中", "~", "=", "<<", "0", ".", "x", "\u{0}", "\u{7F}", "---", "..."]
        var taken = 0
        for _ in 0..<3000 {
            var scalars = Array((r.chance(50) ? Self.sample : Self.generated(&r)).unicodeScalars)
            for _ in 0..<(1 + r.int(2)) {
                let at = r.int(scalars.count + 1)
                if r.chance(20) && at < scalars.count {
                    scalars.remove(at: at)
                } else {
                    scalars.insert(contentsOf: r.pick(inserts).unicodeScalars, at: at)
                }
            }
            var yaml = ""
            yaml.unicodeScalars.append(contentsOf: scalars)
            if Self.check(yaml) { taken += 1 }
        }
        #expect(taken > 300, "fast path took \(taken) mutated texts")
    }

    /// Every page of the fixtures and of the demo content reads the same both ways.
    @Test func fixtureAndDemoPagesMatchYams() throws {
        let roots = [Fixtures.root, Fixtures.root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("content")]
        var pages = 0
        for root in roots {
            guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in files where url.pathExtension == "md" {
                let text = try String(contentsOf: url, encoding: .utf8)
                guard let (a, b) = Self.bothWays(text, path: url.lastPathComponent) else { continue }
                #expect(a.0 == b.0, "\(url.path)")
                #expect(a.1 == b.1, "\(url.path)")
                pages += 1
            }
        }
        #expect(pages > 20)
    }
}
