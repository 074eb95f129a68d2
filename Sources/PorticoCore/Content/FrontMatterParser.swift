import Foundation
import Yams

/// Splits a Markdown file into YAML front matter and body, and reads the front matter into a `SourcePage`.
public enum FrontMatterParser {
    /// Finds the front matter between the opening `---` line and the next `---` (or `...`) line by scanning
    /// bytes, without splitting the whole file into lines. Returns the YAML, the body and the body's first line.
    static func split(_ text: String) -> (String, String, Int)? {
        let bytes = Array(text.utf8)
        func line(_ start: Int) -> (end: Int, next: Int) {
            var end = start
            while end < bytes.count && bytes[end] != 0x0A { end += 1 }
            let next = end < bytes.count ? end + 1 : end
            return (end > start && bytes[end - 1] == 0x0D ? end - 1 : end, next)
        }
        func isFence(_ start: Int, _ end: Int) -> Bool {
            end - start == 3 && (bytes[start..<end].elementsEqual("---".utf8) || bytes[start..<end].elementsEqual("...".utf8))
        }
        let first = line(0)
        guard first.end == 3, bytes[0..<3].elementsEqual("---".utf8) else { return nil }
        var start = first.next
        var number = 2
        while start < bytes.count {
            let current = line(start)
            if isFence(start, current.end) {
                return (String(decoding: bytes[first.next..<start], as: UTF8.self),
                        String(decoding: bytes[current.next...], as: UTF8.self), number + 1)
            }
            start = current.next
            number += 1
        }
        return nil
    }

    public static let knownKeys = ["title", "date", "summary", "industries", "tags", "lang", "draft", "author", "sme"]

    public static func parse(_ text: String, sourcePath: String, origin: PageOrigin, kind: PageKind) -> (SourcePage?, [Diagnostic]) {
        let file = sourcePath
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        guard let split = split(text) else {
            if !(text.hasPrefix("---\n") || text.hasPrefix("---\r\n") || text == "---") {
                return (nil, [.error("missing-front-matter", at: SourceLocation(file: file, line: 1, column: 1),
                                     "the page has no front matter",
                                     hint: "start the file with a `---` line, then `title: …` and `date: YYYY-MM-DD`, then `---`")])
            }
            return (nil, [.error("unclosed-front-matter", at: SourceLocation(file: file, line: 1, column: 1),
                                 "the front matter is never closed", hint: "add a `---` line after the last front matter key")])
        }
        let (yaml, body, bodyLine) = split
        return parse(yaml: yaml, body: body, bodyLine: bodyLine, sourcePath: sourcePath, origin: origin, kind: kind)
    }

    /// What front matter says about a page, before the page is assembled.
    struct Fields: Equatable {
        var title: String
        var date: Day
        var summary: String?
        var industries: [String] = []
        var tags: [String] = []
        var lang: Language?
        var draft = false
        var author: String?
        var sme: String?
        var smeLocation: SourceLocation?
    }

    /// `fastPath: false` always reads the YAML with Yams (the tests compare both ways).
    static func parse(yaml: String, body: String, bodyLine: Int, sourcePath: String, origin: PageOrigin, kind: PageKind,
                      fastPath: Bool = true) -> (SourcePage?, [Diagnostic]) {
        let slug = String(sourcePath.split(separator: "/").last ?? "").replacing(".md", with: "")
        let slugWarning: Diagnostic? = Identifier.isFileSlug(slug) ? nil
            : .warning("slug", at: SourceLocation(file: sourcePath, line: 1, column: 1), "the file name `\(slug).md` makes an unusual URL",
                       hint: "use lowercase letters, digits and hyphens in file names")
        let fields: Fields, diagnostics: [Diagnostic]
        let lines = fastPath ? SimpleFrontMatter.fields(yaml) : nil
        if let lines, let clean = cleanFields(lines, file: sourcePath) {
            (fields, diagnostics) = (clean, slugWarning.map { [$0] } ?? [])
        } else {
            let read = readFields(yaml: yaml, lines: lines, sourcePath: sourcePath, slugWarning: slugWarning)
            guard let found = read.fields else { return (nil, read.diagnostics) }
            (fields, diagnostics) = (found, read.diagnostics)
        }
        let page = SourcePage(
            sourcePath: sourcePath, origin: origin, kind: kind, slug: slug, title: fields.title, date: fields.date,
            summary: fields.summary, industries: fields.industries, tags: fields.tags, lang: fields.lang, draft: fields.draft,
            author: fields.author, sme: fields.sme, smeLocation: fields.smeLocation, body: body, bodyStartLine: bodyLine)
        return (page, diagnostics)
    }

    /// The fields of front matter in the fast path's subset that `readFields` would read without a single
    /// diagnostic, read straight from its lines; nil for anything else (an unknown key, a missing or empty title,
    /// a value of the wrong type …), which `readFields` then reads and reports.
    static func cleanFields(_ lines: [SimpleFrontMatter.Field], file: String) -> Fields? {
        var values: [String: SimpleFrontMatter.Value] = [:]
        for line in lines {
            guard knownKeys.contains(line.key.text) else { return nil }
            values[line.key.text] = line.value
        }
        /// `YAMLReader.string`: any scalar but a null one, trimmed.
        func text(_ key: String) -> String?? {
            guard let value = values[key] else { return .some(nil) }
            guard case .scalar(let scalar) = value, !(scalar.style == .plain && scalar.text.isEmpty) else { return nil }
            return YAMLReader.trimmed(scalar.text)
        }
        /// `YAMLReader.stringList`: a scalar is a list of itself (none when empty), a list its items as written.
        func list(_ key: String) -> [String] {
            switch values[key] {
            case nil: []
            case .scalar(let scalar)?: scalar.text.isEmpty ? [] : [scalar.text]
            case .list(let items, _, _)?: items.map(\.text)
            }
        }
        guard let title = text("title"), let title, !title.isEmpty,
              case .scalar(let dateScalar)? = values["date"],
              let date = Day(dateScalar.text) ?? Day(dateScalar.text.trimmingCharacters(in: .whitespaces)),
              let summary = text("summary"), let author = text("author"), let sme = text("sme"), let lang = text("lang")
        else { return nil }
        var fields = Fields(title: title, date: date, summary: summary, industries: list("industries"), tags: list("tags"),
                            author: author, sme: sme)
        if let lang {
            guard let language = Language(tag: lang) else { return nil }
            fields.lang = language
        }
        if let draft = values["draft"] {
            guard case .scalar(let scalar) = draft else { return nil }
            switch scalar.text.lowercased() {
            case "true", "yes": fields.draft = true
            case "false", "no": fields.draft = false
            default: return nil
            }
        }
        if case .scalar(let scalar)? = values["sme"] {
            fields.smeLocation = SourceLocation(file: file, line: scalar.line + 1, column: scalar.column)
        }
        return fields
    }

    /// Front matter read through `Node`s, every problem reported: built from `lines` (the fast path's scan of
    /// `yaml`) when there are some, else composed by Yams. `slugWarning` goes where it always has: after the
    /// problems that stop the page, before the others.
    static func readFields(yaml: String, lines: [SimpleFrontMatter.Field]?, sourcePath: String,
                           slugWarning: Diagnostic?) -> (fields: Fields?, diagnostics: [Diagnostic]) {
        let file = sourcePath
        var reader = YAMLReader(file: file, lineOffset: 1)
        // The common `key: value` shape skips Yams; anything else, errors included, goes to Yams as before.
        guard let map = lines.flatMap(SimpleFrontMatter.mapping(_:)) ?? reader.parseMapping(yaml, what: "front matter") else {
            return (nil, reader.diagnostics)
        }
        reader.checkKeys(map, allowed: knownKeys, what: "front matter")
        let top = SourceLocation(file: file, line: 1, column: 1)
        let title = reader.string(map, "title", required: true, what: "the page")
        let date = reader.date(map, "date", required: true, what: "the page")
        if reader.entry(map, "title") == nil || reader.entry(map, "date") == nil {
            // Point missing-key errors at the opening `---`, which is where they belong.
            reader.diagnostics = reader.diagnostics.map { d in
                var d = d
                if d.code == "missing-title" || d.code == "missing-date", d.location.line == 1 || d.location.line == nil { d.location = top }
                return d
            }
        }
        var lang: Language?
        if let tag = reader.string(map, "lang", what: "the page") {
            lang = Language(tag: tag)
            if lang == nil {
                reader.error("bad-lang", reader.entry(map, "lang")?.value, "unsupported language `\(tag)`", hint: "use en or zh-CN")
            }
        }
        let smeEntry = reader.entry(map, "sme")
        guard let title, let date else { return (nil, reader.diagnostics) }
        if let slugWarning { reader.diagnostics.append(slugWarning) }
        let fields = Fields(
            title: title, date: date,
            summary: reader.string(map, "summary", what: "the page"),
            industries: reader.stringList(map, "industries", what: "the page") ?? [],
            tags: reader.stringList(map, "tags", what: "the page") ?? [],
            lang: lang,
            draft: reader.bool(map, "draft", what: "the page") ?? false,
            author: reader.string(map, "author", what: "the page"),
            sme: reader.string(map, "sme", what: "the page"),
            smeLocation: smeEntry.map { reader.location(of: $0.value) })
        return (fields, reader.diagnostics)
    }
}
