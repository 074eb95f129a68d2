import Foundation
import Testing
@testable import PorticoCore

/// The Markdown stage against the GFM spec examples in ../shared/spec (cmark-gfm's own test files).
/// The counts match what Debian's cmark-gfm 0.29.0.gfm.6 program reaches (shared/spec/README.md);
/// expected failures are listed by example number, so a new failure or an unexpected pass both show up.
@Suite struct GFMSpecTests {
    struct Example { let number: Int; let section: String; let extensions: [String]; let markdown: String; let html: String }

    static let specFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/spec")

    /// extensions.txt example 23 (footnotes): the newer spec text renders back-references differently from 0.29.0.gfm.6.
    static let expectedFailures: [String: Set<Int>] = ["spec.txt": [], "extensions.txt": [23]]

    static func examples(_ file: String) throws -> [Example] {
        let text = try String(contentsOf: specFolder.appendingPathComponent(file), encoding: .utf8)
        let fence = String(repeating: "`", count: 32)
        var examples: [Example] = []
        var section = ""
        var lines = text.components(separatedBy: "\n")[...]
        while let line = lines.popFirst() {
            if line.hasPrefix("#") { section = line.trimmingCharacters(in: CharacterSet(charactersIn: "# ")) }
            guard line.hasPrefix(fence + " example") else { continue }
            var markdown: [String] = [], html: [String] = []
            var inHTML = false
            while let inner = lines.popFirst(), inner != fence {
                if inner == "." && !inHTML { inHTML = true; continue }
                if inHTML { html.append(inner) } else { markdown.append(inner) }
            }
            func clean(_ lines: [String]) -> String { lines.map { $0 + "\n" }.joined().replacingOccurrences(of: "→", with: "\t") }
            let info = line.dropFirst((fence + " example").count).split(separator: " ").map(String.init)
            examples.append(Example(number: examples.count + 1, section: section, extensions: info, markdown: clean(markdown), html: clean(html)))
        }
        return examples
    }

    /// Whitespace between tags and inside text runs is not significant for this comparison (as cmark's normalize.py).
    static func normalize(_ html: String) -> String {
        var text = html.replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\s*(<[^>]+>)\\s*", with: "$1", options: .regularExpression)
        return text.replacingOccurrences(of: " />", with: ">").trimmingCharacters(in: .whitespaces)
    }

    /// As cmark-gfm's own suite: a spec.txt example runs with the extensions its fence names (`example table`),
    /// `disabled` ones are not run; extensions.txt runs with every extension on.
    static func run(_ file: String, allExtensions: Bool) throws -> (passed: Int, failed: Set<Int>) {
        var failed = Set<Int>()
        let examples = try examples(file).filter { !$0.extensions.contains("disabled") }
        for example in examples {
            let renderer = MarkdownRenderer(unsafeHTML: true, headingIDs: false, themeFriendlyHTML: false,
                                            extensions: allExtensions ? MarkdownRenderer.extensionNames : example.extensions)
            let html = renderer.render(example.markdown).html
            // `<IGNORE>` examples only check that rendering does not crash.
            if example.html == "<IGNORE>\n" || normalize(html) == normalize(example.html) { continue }
            failed.insert(example.number)
        }
        return (examples.count - failed.count, failed)
    }

    @Test func specExamples() throws {
        let (passed, failed) = try Self.run("spec.txt", allExtensions: false)
        #expect(passed == 671)
        #expect(failed == Self.expectedFailures["spec.txt"])
    }

    @Test func extensionExamples() throws {
        let (passed, failed) = try Self.run("extensions.txt", allExtensions: true)
        #expect(passed == 27)
        #expect(failed == Self.expectedFailures["extensions.txt"])
    }
}
