import Foundation
import Yams

/// Splits a Markdown file into YAML front matter and body, and reads the front matter into a `SourcePage`.
public enum FrontMatterParser {
    public static let knownKeys = ["title", "date", "summary", "industries", "tags", "lang", "draft", "author", "sme"]

    public static func parse(_ text: String, sourcePath: String, origin: PageOrigin, kind: PageKind) -> (SourcePage?, [Diagnostic]) {
        let file = sourcePath
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        guard lines.first == "---" else {
            return (nil, [.error("missing-front-matter", at: SourceLocation(file: file, line: 1, column: 1),
                                 "the page has no front matter",
                                 hint: "start the file with a `---` line, then `title: …` and `date: YYYY-MM-DD`, then `---`")])
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0 == "---" || $0 == "..." }) else {
            return (nil, [.error("unclosed-front-matter", at: SourceLocation(file: file, line: 1, column: 1),
                                 "the front matter is never closed", hint: "add a `---` line after the last front matter key")])
        }
        let yaml = lines[1..<end].joined(separator: "\n")
        let body = lines[(end + 1)...].joined(separator: "\n")
        var reader = YAMLReader(file: file, lineOffset: 1)
        guard let map = reader.parseMapping(yaml, what: "front matter") else { return (nil, reader.diagnostics) }
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
        let slug = (sourcePath as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: "")
        if !Identifier.isFileSlug(slug) {
            reader.diagnostics.append(.warning("slug", at: top, "the file name `\(slug).md` makes an unusual URL",
                                               hint: "use lowercase letters, digits and hyphens in file names"))
        }
        let page = SourcePage(
            sourcePath: sourcePath, origin: origin, kind: kind, slug: slug, title: title, date: date,
            summary: reader.string(map, "summary", what: "the page"),
            industries: reader.stringList(map, "industries", what: "the page") ?? [],
            tags: reader.stringList(map, "tags", what: "the page") ?? [],
            lang: lang,
            draft: reader.bool(map, "draft", what: "the page") ?? false,
            author: reader.string(map, "author", what: "the page"),
            sme: reader.string(map, "sme", what: "the page"),
            smeLocation: smeEntry.map { reader.location(of: $0.value) },
            body: body, bodyStartLine: end + 2)
        return (page, reader.diagnostics)
    }
}
