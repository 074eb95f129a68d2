import Crypto
import Foundation

/// The browser side of the gate, shipped as a resource, with its Subresource Integrity hash for the CSP.
public enum GateScript {
    /// The script as published (`_portico/gate.js`, and inline in every gate page): gate.js without its comment
    /// lines and indentation (`compact`).
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "gate", withExtension: "js"), let source = try? String(contentsOf: url, encoding: .utf8) else {
            fatalError("gate.js is missing from the PorticoGate bundle; rebuild Portico")
        }
        do {
            return Data(try compact(source).utf8)
        } catch {
            fatalError("gate.js: \(error)")
        }
    }()

    /// The script as the text of an inline `<script>` in the gate page: one fetch fewer before a page opens, and it
    /// runs while the page is parsed instead of after its first layout. The CSP's hash matches it as it matches the
    /// file (the same bytes).
    public static let inlineText: String = {
        let text = String(decoding: data, as: UTF8.self)
        if let bad = inlineBreaker(in: text) {
            fatalError("gate.js contains \"\(bad)\", which cannot be inside an inline <script>; rewrite that part of gate.js")
        }
        return text
    }()

    /// Text that would end or escape an inline script element (the HTML parser looks for these), if `text` has any.
    static func inlineBreaker(in text: String) -> String? {
        let lower = text.lowercased()
        return ["</script", "<!--", "<script"].first { lower.contains($0) }
    }

    /// `sha256-<base64>` of the script, used in both `integrity` and `script-src`.
    public static var integrity: String {
        "sha256-" + Data(SHA256.hash(data: data)).base64EncodedString()
    }

    /// A line of gate.js that `compact` cannot drop indentation from safely.
    struct UncompactableLine: Error, CustomStringConvertible {
        let line: Int
        var description: String {
            "line \(line) opens or closes a template literal that spans lines; keep each template literal on one line "
                + "(the published script drops every line's indentation)"
        }
    }

    /// `source` without blank lines, lines that are only a `//` comment, a `/* … */` comment that takes whole
    /// lines, and each line's leading and trailing blanks. Inline in every gated page, gate.js is a third of the
    /// bytes a gated build writes. Line ends stay, so automatic semicolon insertion reads the code as before; a
    /// string cannot span lines, so only a template literal could hold a line this changes, and one that spans
    /// lines is refused.
    static func compact(_ source: String) throws -> String {
        var kept: [Substring] = []
        var inBlockComment = false
        for (number, line) in source.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            var trimmed = line.drop { $0 == " " || $0 == "\t" }
            while let last = trimmed.last, last == " " || last == "\t" { trimmed.removeLast() }
            if inBlockComment {
                if trimmed.hasSuffix("*/") { inBlockComment = false } else if trimmed.contains("*/") { throw UncompactableLine(line: number + 1) }
                continue
            }
            if trimmed.isEmpty || trimmed.hasPrefix("//") { continue }
            if trimmed.hasPrefix("/*") {
                if trimmed.dropFirst(2).contains("*/") {
                    guard trimmed.hasSuffix("*/") else { kept.append(trimmed); continue }
                } else {
                    inBlockComment = true
                }
                continue
            }
            if trimmed.filter({ $0 == "`" }).count % 2 == 1 { throw UncompactableLine(line: number + 1) }
            kept.append(trimmed)
        }
        return kept.joined(separator: "\n") + "\n"
    }
}
