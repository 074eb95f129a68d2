/// The link reference definitions of a Markdown text (`[label]: destination`), where each is written, and which
/// links use one. cmark resolves them away, so without this a broken destination would be reported at every use
/// and never where it is written.
struct ReferenceDefinitions {
    struct Definition: Hashable {
        /// Normalised as CommonMark matches labels: case-folded, inner whitespace collapsed.
        var label: String
        /// Where the destination is written (1-based; the column counts characters).
        var line: Int
        var column: Int
    }

    private(set) var byLabel: [String: Definition] = [:]
    private let lines: [[Unicode.Scalar]]

    /// Nil when the text has no definition, which is most pages: they pay for one search.
    static func scan(_ markdown: String) -> ReferenceDefinitions? {
        var copy = markdown
        let needle = Array("]:".utf8)
        guard copy.withUTF8({ ByteSearch.firstIndex(of: needle, in: $0, from: 0) != nil }) else { return nil }
        let found = ReferenceDefinitions(markdown)
        return found.byLabel.isEmpty ? nil : found
    }

    init(_ markdown: String) {
        // Split on the scalar: "\r\n" is one Character, so a Character split would miss it.
        lines = markdown.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            Array(line.last == "\r" ? line.dropLast() : line)
        }
        var fence: (mark: Unicode.Scalar, count: Int)? = nil
        var mayStart = true   // a definition cannot interrupt a paragraph
        for (index, line) in lines.enumerated() {
            let indent = line.prefix { $0 == " " }.count
            let rest = line.dropFirst(indent)
            if indent < 4, let mark = rest.first, mark == "`" || mark == "~" {
                let count = rest.prefix { $0 == mark }.count
                if count >= 3 {
                    if let open = fence {
                        if mark == open.mark, count >= open.count, rest.dropFirst(count).allSatisfy({ $0 == " " || $0 == "\t" }) { fence = nil }
                    } else {
                        fence = (mark, count)
                    }
                    mayStart = true
                    continue
                }
            }
            if fence != nil { continue }
            if rest.allSatisfy({ $0 == " " || $0 == "\t" }) { mayStart = true; continue }
            if mayStart, indent < 4, let definition = Self.definition(in: line, at: index, next: index + 1 < lines.count ? lines[index + 1] : nil) {
                if byLabel[definition.label] == nil { byLabel[definition.label] = definition }   // the first one wins
                continue
            }
            mayStart = rest.first == "#"   // after an ATX heading a definition may start; after paragraph text not
        }
    }

    /// `[label]: destination` on line `index` (0-based), the destination there or alone on the next line.
    private static func definition(in line: [Unicode.Scalar], at index: Int, next: [Unicode.Scalar]?) -> Definition? {
        var i = line.prefix { $0 == " " }.count
        guard i < line.count, line[i] == "[", let close = closingBracket(line, from: i), close + 1 < line.count, line[close + 1] == ":" else { return nil }
        let label = normalize(line[(i + 1)..<close])
        guard !label.isEmpty, !label.hasPrefix("^") else { return nil }   // `[^1]: …` is a footnote
        i = close + 2
        while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
        if i < line.count { return Definition(label: label, line: index + 1, column: i + 1) }
        guard let next, let start = next.firstIndex(where: { $0 != " " && $0 != "\t" }) else { return nil }
        return Definition(label: label, line: index + 2, column: start + 1)
    }

    /// The index of the `]` closing the `[` at `open`, on the same line (backslash escapes skipped, brackets nested).
    private static func closingBracket(_ line: [Unicode.Scalar], from open: Int) -> Int? {
        var depth = 0
        var i = open
        while i < line.count {
            switch line[i] {
            case "\\": i += 1
            case "[": depth += 1
            case "]":
                depth -= 1
                if depth == 0 { return i }
            default: break
            }
            i += 1
        }
        return nil
    }

    static func normalize(_ label: some Collection<Unicode.Scalar>) -> String {
        var text = String.UnicodeScalarView()
        text.append(contentsOf: label)
        return String(text).lowercased().split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// The definition a link or image uses, or nil when it is written inline (`[text](url)`) or is an autolink.
    /// `link.line` and `link.column` (characters) point at its `[` (or the `!` of an image).
    func definition(usedBy link: MarkdownLink) -> Definition? {
        guard link.line >= 1, link.line <= lines.count else { return nil }
        let line = lines[link.line - 1]
        var open = link.column - 1
        if link.isImage { open += 1 }
        guard open >= 0, open < line.count, line[open] == "[", let close = Self.closingBracket(line, from: open) else { return nil }
        let text = line[(open + 1)..<close]
        var label = Self.normalize(text)
        if close + 1 < line.count {
            if line[close + 1] == "(" { return nil }
            if line[close + 1] == "[", let end = Self.closingBracket(line, from: close + 1) {
                let written = Self.normalize(line[(close + 2)..<end])
                if !written.isEmpty { label = written }
            }
        }
        return byLabel[label]
    }
}
