import Foundation

/// A piece of raw HTML that `unsafe_html: false` left out of the page, where it was in the Markdown.
public struct OmittedHTML: Sendable, Equatable {
    /// 1-based line in the Markdown text, and column counted in characters.
    public var line: Int
    public var column: Int
    /// The tag as written up to its name (`<img`, `</div`), or the first characters of what it is.
    public var tag: String
    /// What was dropped, up to 80 characters.
    public var snippet: String
    public var isBlock: Bool

    /// Why it matters and how to write it instead.
    public var hint: String {
        let name = tag.drop { $0 == "<" || $0 == "/" }.lowercased()
        if name == "img" || name == "a", let destination = RawHTML.destinations(in: Array(snippet.utf8)).first {
            return name == "img" ? "write it in Markdown: ![\(destination.alt.isEmpty ? "what it shows" : destination.alt)](\(destination.url))"
                                 : "write it in Markdown: [text](\(destination.url))"
        }
        if let markdown = Self.markdownEquivalents[name] { return "write it in Markdown: \(markdown)" }
        let trusted = "or set markdown.unsafe_html: true in portal.yml if every author is trusted"
        if Self.htmlElements.contains(name) {
            return "Markdown has no equivalent of `\(tag)>`: remove it, \(trusted)"
        }
        let text = snippet.count <= 40 && !snippet.contains("\n") ? snippet : tag + "…"
        return "to show `\(text)` as text, escape it: `\\\(text)`, or put it in backticks; \(trusted)"
    }

    static let markdownEquivalents: [String: String] = [
        "img": "![what it shows](../assets/picture.png)",
        "br": "end the line with a backslash `\\` for a line break, or leave a blank line for a new paragraph",
        "a": "[text](target.md) or <https://example.com>",
        "b": "**bold**", "strong": "**bold**", "i": "*italic*", "em": "*italic*",
        "code": "`code`", "pre": "a fenced code block (```)", "del": "~~struck~~", "s": "~~struck~~", "strike": "~~struck~~",
        "p": "a blank line between paragraphs", "hr": "a line of `---`",
        "h1": "`#` headings (start the body at `##`)", "h2": "## Heading", "h3": "### Heading", "h4": "#### Heading",
        "h5": "##### Heading", "h6": "###### Heading",
        "ul": "a list of `- item` lines", "ol": "a list of `1. item` lines", "li": "`- item`",
        "table": "a pipe table (| a | b |)", "blockquote": "`> quoted` lines",
    ]

    static let htmlElements: Set<String> = [
        "abbr", "address", "article", "aside", "audio", "caption", "center", "cite", "col", "colgroup", "dd", "details", "dfn",
        "div", "dl", "dt", "embed", "figcaption", "figure", "font", "footer", "form", "header", "iframe", "input", "ins", "kbd",
        "label", "main", "mark", "nav", "object", "picture", "q", "section", "small", "source", "span", "style", "sub",
        "summary", "sup", "svg", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "var", "video", "wbr", "script", "button",
        "select", "textarea", "canvas", "map", "area", "meta", "link", "title", "noscript", "template", "time", "data", "meter",
        "progress", "output", "fieldset", "legend", "option", "optgroup", "track", "object", "param", "samp", "bdi", "bdo", "ruby",
        "rt", "rp", "small", "big", "tt", "marquee", "frameset", "frame", "body", "head", "html",
    ]
}

/// Reading raw HTML as cmark-gfm hands it over: the tag a fragment starts with, and the `src`/`href` values in it.
enum RawHTML {
    /// `<img`, `</div`, `<!DOCTYPE`, `<?php`; nil for a comment (a note to editors, never shown: not reported).
    static func leadingTag(_ literal: String) -> String? {
        let text = literal.drop { $0 == " " || $0 == "\t" || $0 == "\n" }
        if text.hasPrefix("<!--") { return nil }
        guard text.hasPrefix("<") else { return String(text.prefix(12)) }
        var tag = "<"
        var rest = text.dropFirst()
        if rest.first == "/" || rest.first == "!" || rest.first == "?" { tag.append(rest.removeFirst()) }
        for character in rest {
            guard character.isLetter || character.isNumber || character == "-" || character == ":" || character == "_" else { break }
            tag.append(character)
        }
        return tag
    }

    /// A `src` of an `<img>` or `href` of an `<a>` in raw HTML: the value's byte range in the literal.
    struct Destination {
        let isImage: Bool
        /// The value as the browser reads it (character references decoded).
        let url: String
        let alt: String
        /// Bytes of the value, without its quotes; and of the tag's `<`, for the position.
        let range: Range<Int>
        let quoted: Bool
        let tagStart: Int
    }

    static func destinations(in literal: [UInt8]) -> [Destination] {
        var found: [Destination] = []
        var i = 0
        while i < literal.count {
            guard literal[i] == UInt8(ascii: "<") else { i += 1; continue }
            let tagStart = i
            var j = i + 1
            while j < literal.count, isNameByte(literal[j]) { j += 1 }
            let name = String(decoding: literal[(i + 1)..<j], as: UTF8.self).lowercased()
            i = j
            guard name == "img" || name == "a" else { continue }
            var wanted: (Range<Int>, String, Bool)?
            var alt = ""
            // Attributes up to the tag's end: name, optionally = and a quoted or bare value.
            while j < literal.count, literal[j] != UInt8(ascii: ">") {
                if isSpace(literal[j]) || literal[j] == UInt8(ascii: "/") { j += 1; continue }
                let nameStart = j
                while j < literal.count, !isSpace(literal[j]), literal[j] != UInt8(ascii: "="), literal[j] != UInt8(ascii: ">") { j += 1 }
                let attribute = String(decoding: literal[nameStart..<j], as: UTF8.self).lowercased()
                while j < literal.count, isSpace(literal[j]) { j += 1 }
                guard j < literal.count, literal[j] == UInt8(ascii: "=") else { continue }
                j += 1
                while j < literal.count, isSpace(literal[j]) { j += 1 }
                var valueRange = j..<j
                let quoted = j < literal.count && (literal[j] == UInt8(ascii: "\"") || literal[j] == UInt8(ascii: "'"))
                if j < literal.count, literal[j] == UInt8(ascii: "\"") || literal[j] == UInt8(ascii: "'") {
                    let quote = literal[j]
                    var end = j + 1
                    while end < literal.count, literal[end] != quote { end += 1 }
                    valueRange = (j + 1)..<end
                    j = min(end + 1, literal.count)
                } else {
                    while j < literal.count, !isSpace(literal[j]), literal[j] != UInt8(ascii: ">") { j += 1 }
                    valueRange = valueRange.lowerBound..<j
                }
                let value = decodeReferences(String(decoding: literal[valueRange], as: UTF8.self))
                if attribute == (name == "img" ? "src" : "href") { wanted = (valueRange, value, quoted) }
                if attribute == "alt" { alt = value }
            }
            if let (range, url, quoted) = wanted {
                found.append(Destination(isImage: name == "img", url: url, alt: alt, range: range, quoted: quoted, tagStart: tagStart))
            }
            i = j
        }
        return found
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39)
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }

    /// The character references a URL in an attribute commonly carries.
    static func decodeReferences(_ value: String) -> String {
        guard value.contains("&") else { return value }
        return value.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&amp;", with: "&")
    }

    static func escapeAttribute(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "&": result += "&amp;"
            case "\"": result += "&quot;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }
}
