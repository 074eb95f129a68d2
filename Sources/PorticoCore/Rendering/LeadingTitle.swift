/// A body that opens with `# Heading` gives the page a second `<h1>` under the one the theme writes from the
/// front matter `title`. When the heading repeats the title it is dropped (the line is blanked, so later lines
/// keep their numbers); when it says something else it is kept, with a warning.
enum LeadingTitle {
    static func strip(_ body: String, title: String, file: String, bodyStartLine: Int) -> (body: String, warning: Diagnostic?) {
        // Lines are cut on the scalar "\n": a "\r\n" is one Character, which a Character search would not find.
        let scalars = body.unicodeScalars
        var lineIndex = 0
        var lineStart = scalars.startIndex
        while lineStart < scalars.endIndex {
            let lineEnd = scalars[lineStart...].firstIndex(of: "\n") ?? scalars.endIndex
            let line = Substring(scalars[lineStart..<lineEnd])
            if !line.unicodeScalars.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                guard let found = atxLevelOne(line) else { return (body, nil) }
                let (heading, indent) = found
                if collapse(heading) == collapse(title) {
                    return (String(scalars[..<lineStart]) + String(scalars[lineEnd...]), nil)
                }
                let location = SourceLocation(file: file, line: bodyStartLine + lineIndex, column: indent + 1)
                return (body, .warning("second-h1", at: location,
                                       "the body starts with the heading `# \(heading)`, a second <h1> under the page title `\(title)`",
                                       hint: "remove the line (the front matter `title` is the page's heading), or make it `## \(heading)`"))
            }
            lineIndex += 1
            lineStart = lineEnd < scalars.endIndex ? scalars.index(after: lineEnd) : lineEnd
        }
        return (body, nil)
    }

    /// The text of an ATX level-1 heading line (`# Text #`), and its indent; nil for any other line.
    static func atxLevelOne(_ line: Substring) -> (String, Int)? {
        let indent = line.prefix { $0 == " " }.count
        guard indent < 4 else { return nil }
        var rest = line.dropFirst(indent)
        guard rest.first == "#" else { return nil }
        rest = rest.dropFirst()
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" || rest.first == "\r" else { return nil }
        var text = rest.trimmingWhitespace()
        // An optional closing sequence of #s, after a space.
        let closing = text.reversed().prefix { $0 == "#" }.count
        if closing > 0 {
            let before = text.dropLast(closing)
            if before.isEmpty || before.last == " " || before.last == "\t" { text = before.trimmingWhitespace() }
        }
        return (String(text), indent)
    }

    static func collapse(_ text: some StringProtocol) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).joined(separator: " ")
    }
}

private extension Substring {
    func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return self[endIndex...] }
        return self[first...last]
    }
}
