import Foundation
import Yams

/// A fast path for the front matter almost every page has: a few `key: value` lines. It reads the YAML line by
/// line and, only when every line is in a small subset whose meaning it knows exactly, builds the `Node.Mapping`
/// Yams would build: the same keys in the same order, the same scalar strings, styles and tags (as far as the
/// reader can tell: a tag is resolved by Yams itself whenever it is not plainly `str` or `null`), the same
/// sequence items, and the same marks on every node. Anything else returns nil, and the caller hands the text to
/// Yams, so an error or an unusual shape is reported exactly as before.
///
/// The subset, line by line (`\n` or `\r\n` line ends, no tabs, no control characters, no Unicode line breaks):
/// - an empty line, a line of spaces, or a comment line starting with `#` in the first column;
/// - `key:` at the start of the line, the key a plain identifier (`[A-Za-z_][A-Za-z0-9_-]*`), no key twice
///   (compared without case), followed by nothing (a null value) or by one or more spaces and then one of:
///   - a double-quoted string on the line with no `"` or `\` inside;
///   - a single-quoted string on the line with no `'` inside;
///   - a flow list `[a, b]` on the line whose items are such quoted strings (without `,`) or plain words
///     (letters, digits, non-ASCII characters, `-`, `_`, `.`, `/`, `+` and inner spaces; starting with a letter,
///     digit, `_` or non-ASCII character);
///   - a plain scalar starting with a letter, digit, `_`, `.`, `/`, `(`, `$`, `~` or non-ASCII character, with no
///     ` #` (a comment) and no `:` followed by a space or the end of the line;
///   and then only trailing spaces.
enum SimpleFrontMatter {
    /// A scalar of the subset where it is written (1-based, columns in Unicode scalars as libyaml counts them).
    /// A plain scalar with empty text is the null value of a `key:` line.
    struct Scalar {
        let text: String
        let style: Node.Scalar.Style
        let line: Int
        let column: Int
    }

    enum Value {
        case scalar(Scalar)
        case list([Scalar], line: Int, column: Int)
    }

    /// One `key: value` line.
    struct Field {
        let key: Scalar
        let value: Value
    }

    /// The lines of `yaml`, in order, when every one is in the subset and there is at least one; nil otherwise.
    /// Every position in them is one `YAMLMarks` covers, so `mapping` can always be built from them.
    static func fields(_ yaml: String) -> [Field]? {
        var yaml = yaml
        return yaml.withUTF8 { Scanner(bytes: $0).fields() }
    }

    /// The `Node.Mapping` Yams would compose from the same text.
    static func mapping(_ yaml: String) -> Node.Mapping? {
        fields(yaml).flatMap(mapping(_:))
    }

    /// The `Node.Mapping` Yams would compose from the text these fields were read from.
    static func mapping(_ fields: [Field]) -> Node.Mapping? {
        var pairs: [(Node, Node)] = []
        pairs.reserveCapacity(fields.count)
        for field in fields {
            guard let key = node(field.key) else { return nil }
            switch field.value {
            case .scalar(let scalar):
                guard let value = node(scalar) else { return nil }
                pairs.append((key, value))
            case .list(let items, let line, let column):
                var nodes: [Node] = []
                for item in items {
                    guard let node = node(item) else { return nil }
                    nodes.append(node)
                }
                guard let mark = YAMLMarks.mark(line: line, column: column) else { return nil }
                pairs.append((key, .sequence(.init(nodes, Tag(.implicit), .any, mark))))
            }
        }
        return Node.Mapping(pairs, Tag(.implicit), .any, pairs[0].0.mark)
    }

    private static func node(_ scalar: Scalar) -> Node? {
        guard let mark = YAMLMarks.mark(line: scalar.line, column: scalar.column) else { return nil }
        return .scalar(.init(scalar.text, scalar.style == .plain ? plainTag(scalar.text) : Tag(.str), scalar.style, mark))
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>

        func fields() -> [Field]? {
            guard charactersAreSafe() else { return nil }
            var fields: [Field] = []
            var keys: [String] = []
            var start = 0
            var line = 0
            while start < bytes.count {
                line += 1
                var end = start
                while end < bytes.count && bytes[end] != 0x0A { end += 1 }
                let next = end < bytes.count ? end + 1 : end
                if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                while end > start && bytes[end - 1] == 0x20 { end -= 1 }
                defer { start = next }
                if end == start || bytes[start] == 0x23 { continue }   // blank, or a comment from the first column
                guard let field = entry(start, end, line) else { return nil }
                let folded = field.key.text.lowercased()
                guard !keys.contains(folded) else { return nil }
                keys.append(folded)
                fields.append(field)
            }
            return fields.isEmpty ? nil : fields
        }

        /// Every character is one libyaml takes as printable and not as a line break, `\r` only before `\n`,
        /// and there are no tabs: the line scanner below can then treat every byte from 0x80 up as text.
        func charactersAreSafe() -> Bool {
            var i = 0
            while i < bytes.count {
                let b = bytes[i]
                if b < 0x80 {
                    if b == 0x0D {
                        guard i + 1 < bytes.count, bytes[i + 1] == 0x0A else { return false }
                    } else if b != 0x0A {
                        guard b >= 0x20 && b != 0x7F else { return false }
                    }
                    i += 1
                    continue
                }
                let length: Int
                var value: UInt32
                switch b {
                case 0xC2...0xDF: length = 2; value = UInt32(b & 0x1F)
                case 0xE0...0xEF: length = 3; value = UInt32(b & 0x0F)
                case 0xF0...0xF4: length = 4; value = UInt32(b & 0x07)
                default: return false
                }
                guard i + length <= bytes.count else { return false }
                for j in 1..<length { value = value << 6 | UInt32(bytes[i + j] & 0x3F) }
                let printable = (0xA0...0xD7FF).contains(value) && value != 0x2028 && value != 0x2029
                    || (0xE000...0xFFFD).contains(value) && value != 0xFEFF
                    || (0x10000...0x10FFFF).contains(value)
                guard printable else { return false }
                i += length
            }
            return true
        }

        /// One `key: value` line, `start..<end` without its line break and trailing spaces.
        func entry(_ start: Int, _ end: Int, _ line: Int) -> Field? {
            guard isLetter(bytes[start]) || bytes[start] == 0x5F else { return nil }
            var colon = start + 1
            while colon < end && (isLetter(bytes[colon]) || isDigit(bytes[colon]) || bytes[colon] == 0x5F || bytes[colon] == 0x2D) { colon += 1 }
            guard colon < end, bytes[colon] == 0x3A, colon - start <= 64, YAMLMarks.covers(line: line, column: 1) else { return nil }
            let key = Scalar(text: text(start, colon), style: .plain, line: line, column: 1)
            if colon + 1 == end {
                // `key:` alone: libyaml gives an empty plain scalar marked just after the colon.
                guard YAMLMarks.covers(line: line, column: colon - start + 2) else { return nil }
                return Field(key: key, value: .scalar(Scalar(text: "", style: .plain, line: line, column: colon - start + 2)))
            }
            guard bytes[colon + 1] == 0x20 else { return nil }
            var from = colon + 1
            while bytes[from] == 0x20 { from += 1 }   // the line ends in a non-space, so this stops within it
            guard let value = value(from, end, lineStart: start, line: line) else { return nil }
            return Field(key: key, value: value)
        }

        func value(_ from: Int, _ end: Int, lineStart: Int, line: Int) -> Value? {
            switch bytes[from] {
            case 0x22, 0x27:   // a quoted string that is all of the rest of the line
                guard let (scalar, after) = quoted(from, end, lineStart: lineStart, line: line), after == end else { return nil }
                return .scalar(scalar)
            case 0x5B:         // [
                return flowList(from, end, lineStart: lineStart, line: line)
            default:
                let b = bytes[from]
                let column = column(of: from, lineStart: lineStart)
                guard isLetter(b) || isDigit(b) || b >= 0x80 || b == 0x5F || b == 0x2E || b == 0x2F || b == 0x28 || b == 0x24 || b == 0x7E,
                      YAMLMarks.covers(line: line, column: column) else { return nil }
                for i in from..<end {
                    if bytes[i] == 0x23 && bytes[i - 1] == 0x20 { return nil }                      // ` #` starts a comment
                    if bytes[i] == 0x3A && (i + 1 == end || bytes[i + 1] == 0x20) { return nil }   // `: ` or a final `:`
                }
                return .scalar(Scalar(text: text(from, end), style: .plain, line: line, column: column))
            }
        }

        /// A quoted string starting at `from` and closed before `end`, with nothing inside that needs unescaping.
        /// Returns the scalar and the index after the closing quote.
        func quoted(_ from: Int, _ end: Int, lineStart: Int, line: Int, inList: Bool = false) -> (Scalar, Int)? {
            let quote = bytes[from]
            var close = from + 1
            while close < end && bytes[close] != quote {
                if bytes[close] == 0x5C && quote == 0x22 { return nil }   // a backslash escape in a double-quoted string
                if inList && bytes[close] == 0x2C { return nil }
                close += 1
            }
            let column = column(of: from, lineStart: lineStart)
            guard close < end, YAMLMarks.covers(line: line, column: column) else { return nil }
            let style: Node.Scalar.Style = quote == 0x22 ? .doubleQuoted : .singleQuoted
            return (Scalar(text: text(from + 1, close), style: style, line: line, column: column), close + 1)
        }

        /// `[a, b]` as all of the rest of the line.
        func flowList(_ from: Int, _ end: Int, lineStart: Int, line: Int) -> Value? {
            let listColumn = column(of: from, lineStart: lineStart)
            guard bytes[end - 1] == 0x5D, YAMLMarks.covers(line: line, column: listColumn) else { return nil }
            let close = end - 1
            var items: [Scalar] = []
            var i = from + 1
            func skipSpaces() { while i < close && bytes[i] == 0x20 { i += 1 } }
            skipSpaces()
            if i < close {
                while true {
                    let b = bytes[i]
                    if b == 0x22 || b == 0x27 {
                        guard let (scalar, after) = quoted(i, close, lineStart: lineStart, line: line, inList: true) else { return nil }
                        items.append(scalar)
                        i = after
                    } else {
                        let itemColumn = column(of: i, lineStart: lineStart)
                        guard isLetter(b) || isDigit(b) || b >= 0x80 || b == 0x5F, YAMLMarks.covers(line: line, column: itemColumn) else { return nil }
                        let itemStart = i
                        while i < close && isFlowWord(bytes[i]) { i += 1 }
                        var itemEnd = i
                        while bytes[itemEnd - 1] == 0x20 { itemEnd -= 1 }
                        items.append(Scalar(text: text(itemStart, itemEnd), style: .plain, line: line, column: itemColumn))
                    }
                    skipSpaces()
                    if i == close { break }
                    guard bytes[i] == 0x2C else { return nil }   // only `,` between items
                    i += 1
                    skipSpaces()
                    guard i < close else { return nil }        // a trailing comma
                }
            }
            return .list(items, line: line, column: listColumn)
        }

        /// libyaml counts columns in Unicode scalars, from 1.
        func column(of index: Int, lineStart: Int) -> Int {
            var column = 1
            for i in lineStart..<index where bytes[i] & 0xC0 != 0x80 { column += 1 }
            return column
        }

        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[from..<to]), as: UTF8.self)
        }

        func isLetter(_ b: UInt8) -> Bool { Identifier.upper(b) || Identifier.lower(b) }
        func isDigit(_ b: UInt8) -> Bool { Identifier.digit(b) }
        func isFlowWord(_ b: UInt8) -> Bool {
            isLetter(b) || isDigit(b) || b >= 0x80 || b == 0x2D || b == 0x5F || b == 0x2E || b == 0x2F || b == 0x2B || b == 0x20
        }
    }

    static let boolWords: Set<String> = ["yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
                                         "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"]

    /// The tag of an untagged plain scalar. Yams resolves it lazily with `Resolver.default`'s regular expressions,
    /// in order: bool, int, float, merge, null, timestamp, value. Only the bool words, and strings starting with a
    /// digit or one of `+-.<=`, can match a rule other than null; those keep an implicit tag for Yams to resolve
    /// itself if anyone asks. The null strings match no earlier rule, and every other string resolves to `str`.
    static func plainTag(_ string: String) -> Tag {
        switch string {
        case "", "~", "null", "Null", "NULL": return Tag(.null)
        default: break
        }
        let first = string.utf8.first!
        if boolWords.contains(string) || (first >= 0x30 && first <= 0x39) || "+-.<=".utf8.contains(first) {
            return Tag(.implicit)
        }
        return Tag(.str)
    }
}

/// Yams' `Mark` has no public initializer, so the fast path borrows real ones: the mark of a one-character
/// document with `line - 1` line breaks and `column - 1` spaces before it, composed by Yams once per position
/// and kept. Front matter uses a few hundred positions at most.
enum YAMLMarks {
    private static let cache = Locked<[Int: Mark]>([:])

    /// The positions `mark` can give a mark for.
    static func covers(line: Int, column: Int) -> Bool { (1...4096).contains(line) && (1...4096).contains(column) }

    static func mark(line: Int, column: Int) -> Mark? {
        guard covers(line: line, column: column) else { return nil }
        let key = line << 16 | column
        if let mark = cache.withLock({ $0[key] }) { return mark }
        let yaml = String(repeating: "\n", count: line - 1) + String(repeating: " ", count: column - 1) + "x"
        guard let node = try? Yams.compose(yaml: yaml, .default, .default, .utf8), let mark = node.mark,
              mark.line == line, mark.column == column else { return nil }
        cache.withLock { $0[key] = mark }
        return mark
    }
}
