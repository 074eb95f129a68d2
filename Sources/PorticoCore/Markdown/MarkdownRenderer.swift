import CCmarkGFM
import Foundation

/// A link or image destination found in Markdown, with its position in the Markdown text (1-based; the column
/// counts characters, see `CharacterColumns`).
public struct MarkdownLink: Sendable, Equatable {
    public var url: String
    public var isImage: Bool
    public var line: Int
    public var column: Int
    /// The image's alt text (its description), empty for links.
    public var text: String = ""
}

public struct TocEntry: Sendable, Equatable {
    public var level: Int
    public var id: String
    public var text: String
}

public struct RenderedMarkdown: Sendable {
    public var html: String
    public var toc: [TocEntry]
    /// The visible text, for search and reading time.
    public var text: String
}

/// Stage 3a: Markdown to HTML through Debian's libcmark-gfm with the GFM extensions and footnotes.
/// Destinations pass through `rewrite` (return nil to keep one as written).
public struct MarkdownRenderer: Sendable {
    public static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    public var unsafeHTML: Bool
    public var headingIDs: Bool
    public var themeFriendlyHTML: Bool
    public var extensions: [String]

    public init(unsafeHTML: Bool = false, headingIDs: Bool = true, themeFriendlyHTML: Bool = true,
                extensions: [String] = MarkdownRenderer.extensionNames) {
        self.extensions = extensions
        self.unsafeHTML = unsafeHTML
        self.headingIDs = headingIDs
        self.themeFriendlyHTML = themeFriendlyHTML
        Self.registerExtensions
    }

    private static let registerExtensions: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    private static let parseLock = NSLock()

    var options: Int32 {
        var options = CMARK_OPT_FOOTNOTES
        if unsafeHTML { options |= CMARK_OPT_UNSAFE }
        return options
    }

    public func render(_ markdown: String, rewrite: (MarkdownLink) -> String? = { _ in nil }) -> RenderedMarkdown {
        // libcmark-gfm 0.29 keeps the inline parser's table of special characters in a process-wide array
        // that every parser with extensions rewrites while it parses, so concurrent parses corrupt each
        // other (strikethrough or autolinks silently missing). Parsing is serialised; walking the tree and
        // rendering HTML, most of the work, run in parallel.
        Self.parseLock.lock()
        let parser = cmark_parser_new(options)!
        defer { cmark_parser_free(parser) }
        for name in extensions {
            if let ext = cmark_find_syntax_extension(name) { cmark_parser_attach_syntax_extension(parser, ext) }
        }
        markdown.withCString { cmark_parser_feed(parser, $0, strlen($0)) }
        let root = cmark_parser_finish(parser)!
        Self.parseLock.unlock()
        defer { cmark_node_free(root) }

        var toc: [TocEntry] = []
        var text: [UInt8] = []   // the visible text, as bytes: one String is made of it at the end
        var usedIDs: [String: Int] = [:]
        var columns: CharacterColumns? = nil   // made at the first link
        let iterator = cmark_iter_new(root)!
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            let node = cmark_iter_get_node(iterator)!
            let type = cmark_node_get_type(node)
            if event == CMARK_EVENT_ENTER {
                if type == CMARK_NODE_LINK || type == CMARK_NODE_IMAGE {
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    let (line, byteColumn) = Self.position(of: node)
                    if columns == nil { columns = CharacterColumns(markdown) }
                    let column = columns!.column(line: line, byteColumn: byteColumn)
                    let isImage = type == CMARK_NODE_IMAGE
                    let link = MarkdownLink(url: url, isImage: isImage, line: line, column: column, text: isImage ? Self.plainText(of: node) : "")
                    if let replacement = rewrite(link) {
                        cmark_node_set_url(node, replacement)
                    }
                } else if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE {
                    if let literal = cmark_node_get_literal(node) { Self.append(literal, to: &text) }
                } else if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                    text.append(0x20)  // a line break inside a paragraph still separates two words
                } else if type == CMARK_NODE_HEADING, headingIDs {
                    let title = Self.plainText(of: node)
                    var id = Slug.make(title)
                    if id.isEmpty { id = "section" }
                    if let count = usedIDs[id] { usedIDs[id] = count + 1; id += "-\(count + 1)" } else { usedIDs[id] = 1 }
                    toc.append(TocEntry(level: Int(cmark_node_get_heading_level(node)), id: id, text: title))
                }
            } else if type == CMARK_NODE_PARAGRAPH || type == CMARK_NODE_HEADING || type == CMARK_NODE_ITEM || type == CMARK_NODE_CODE_BLOCK {
                text.append(0x0A)
            } else if let name = cmark_node_get_type_string(node) {
                // Table cells and rows are extension nodes: separate cells with a space, rows with a line.
                if strcmp(name, "table_cell") == 0 { text.append(0x20) } else if strcmp(name, "table_row") == 0 || strcmp(name, "table_header") == 0 { text.append(0x0A) }
            }
            if event == CMARK_EVENT_ENTER, type == CMARK_NODE_CODE_BLOCK, let literal = cmark_node_get_literal(node) {
                Self.append(literal, to: &text)
            }
        }
        let rendered = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser))!
        // The HTML stays bytes through the passes below and is validated as UTF-8 once, at the end.
        var html = [UInt8](UnsafeRawBufferPointer(start: rendered, count: strlen(rendered)))
        free(rendered)
        if headingIDs, !toc.isEmpty { html = Self.addHeadingIDs(html, toc) }
        if themeFriendlyHTML {
            if html.containsBytes(" align=\"") { html = Self.alignmentAsClasses(html) }
            if html.containsBytes("<input type=\"checkbox\"") { html = Self.labelTaskItems(html) }
            if html.containsBytes("<p><img ") { html = Self.figures(html) }
        }
        return RenderedMarkdown(html: String(decoding: html, as: UTF8.self), toc: toc, text: String(decoding: text, as: UTF8.self))
    }

    private static func append(_ literal: UnsafePointer<CChar>, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: literal, count: strlen(literal)))
    }

    /// Inline nodes may carry no position in cmark; use the nearest ancestor that has one.
    static func position(of node: OpaquePointer) -> (Int, Int) {
        var current: OpaquePointer? = node
        while let n = current {
            let line = Int(cmark_node_get_start_line(n))
            if line > 0 { return (line, max(1, Int(cmark_node_get_start_column(n)))) }
            current = cmark_node_parent(n)
        }
        return (1, 1)
    }

    static func plainText(of node: OpaquePointer) -> String {
        var result = ""
        var child = cmark_node_first_child(node)
        while let c = child {
            let type = cmark_node_get_type(c)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(c) {
                result += String(cString: literal)
            } else {
                result += plainText(of: c)
            }
            child = cmark_node_next(c)
        }
        return result
    }

    /// cmark-gfm writes table alignment as the obsolete `align` attribute (and the alternative, inline
    /// `style`, is blocked by the pages' Content-Security-Policy): use classes the theme styles.
    static func alignmentAsClasses(_ html: [UInt8]) -> [UInt8] {
        html.replacingAll(alignments)
    }

    private static let alignments = ["th", "td"].flatMap { cell in
        ["left", "center", "right"].map { side in (Array("<\(cell) align=\"\(side)\">".utf8), Array("<\(cell) class=\"align-\(side)\">".utf8)) }
    }

    /// A paragraph holding only an image with a title (`![alt](x.png "Caption")`) becomes a figure with that caption.
    static func figures(_ bytes: [UInt8]) -> [UInt8] {
        let open = Array("<p><img ".utf8), close = Array(" /></p>".utf8), titleKey = Array(" title=\"".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 128)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x3C, bytes[i...].starts(with: open),
               let end = (i + open.count..<bytes.count).first(where: { bytes[$0] == 0x3C || bytes[$0...].starts(with: close) }),
               bytes[end...].starts(with: close) {
                let tag = Array(bytes[(i + 3)..<end])  // `<img … ` without ` />`
                if let t = (0..<tag.count).first(where: { tag[$0...].starts(with: titleKey) }),
                   let q = (t + titleKey.count..<tag.count).first(where: { tag[$0] == 0x22 }) {
                    let caption = tag[(t + titleKey.count)..<q]
                    out.append(contentsOf: "<figure class=\"pt-figure\">".utf8)
                    out.append(contentsOf: tag[..<t])
                    out.append(contentsOf: tag[(q + 1)...])
                    out.append(contentsOf: " /><figcaption>".utf8)
                    out.append(contentsOf: caption)
                    out.append(contentsOf: "</figcaption></figure>".utf8)
                    i = end + close.count
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// cmark-gfm's task-list checkboxes have no accessible name; name each after its item's text.
    static func labelTaskItems(_ bytes: [UInt8]) -> [UInt8] {
        let marker = Array("<input type=\"checkbox\"".utf8)
        let close = Array(" disabled=\"\" /> ".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 256)
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x3C, bytes[i...].starts(with: marker),
                  let end = (i..<bytes.count).first(where: { bytes[$0] == 0x20 && bytes[$0...].starts(with: close) }) else {
                out.append(bytes[i])
                i += 1
                continue
            }
            let textStart = end + close.count
            var textEnd = textStart
            while textEnd < bytes.count, bytes[textEnd] != 0x3C, bytes[textEnd] != 0x0A { textEnd += 1 }
            out.append(contentsOf: bytes[i..<end])
            out.append(contentsOf: " disabled=\"\" aria-label=\"".utf8)
            out.append(contentsOf: bytes[textStart..<textEnd])
            out.append(contentsOf: "\" /> ".utf8)
            i = textStart
        }
        return out
    }

    /// cmark writes bare `<hN>` tags; give the n-th heading of the document the n-th id.
    static func addHeadingIDs(_ html: [UInt8], _ toc: [TocEntry]) -> [UInt8] {
        html.withUnsafeBufferPointer { bytes in
            var output = [UInt8]()
            output.reserveCapacity(bytes.count + toc.count * 24)
            var position = 0
            for entry in toc {
                let tag = Array("<h\(entry.level)>".utf8)
                guard let start = ByteSearch.firstIndex(of: tag, in: bytes, from: position) else { break }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position..<start]))
                output.append(contentsOf: "<h\(entry.level) id=\"\(entry.id)\">".utf8)
                position = start + tag.count
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[position...]))
            return output
        }
    }
}

/// URL-safe identifiers from titles: lowercase ASCII words joined by hyphens; CJK characters kept as they are.
public enum Slug {
    public static func make(_ text: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in text.lowercased().unicodeScalars {
            let isASCIIWord = (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9")
            let isCJK = (0x4E00...0x9FFF).contains(scalar.value) || (0x3400...0x4DBF).contains(scalar.value)
            if isASCIIWord || isCJK {
                if pendingHyphen && !result.isEmpty { result += "-" }
                pendingHyphen = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return result
    }
}
