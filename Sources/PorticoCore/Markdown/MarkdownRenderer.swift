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
    /// Raw HTML left out because `unsafe_html` is off, in document order.
    public var omittedHTML: [OmittedHTML] = []
}

/// Stage 3a: Markdown to HTML through Debian's libcmark-gfm with the GFM extensions and footnotes.
/// Destinations pass through `rewrite` (return nil to keep one as written); with `unsafeHTML`, so do the
/// `src` of raw `<img>` and the `href` of raw `<a>` tags.
public struct MarkdownRenderer: Sendable {
    public static let extensionNames = ["table", "strikethrough", "autolink", "tagfilter", "tasklist"]

    public var unsafeHTML: Bool
    public var headingIDs: Bool
    public var themeFriendlyHTML: Bool
    public var extensions: [String]
    /// Ids the page's layout uses (`main` …): no heading gets one of them.
    public var reservedIDs: Set<String>

    public init(unsafeHTML: Bool = false, headingIDs: Bool = true, themeFriendlyHTML: Bool = true,
                extensions: [String] = MarkdownRenderer.extensionNames, reservedIDs: Set<String> = ["main"]) {
        self.extensions = extensions
        self.unsafeHTML = unsafeHTML
        self.headingIDs = headingIDs
        self.themeFriendlyHTML = themeFriendlyHTML
        self.reservedIDs = reservedIDs
        Self.registerExtensions
    }

    /// Everything besides the Markdown that the rendered HTML depends on.
    struct Settings: Equatable, Sendable {
        var unsafeHTML, headingIDs, themeFriendlyHTML: Bool
        var extensions: [String]
        var reservedIDs: Set<String>
    }

    var settings: Settings {
        Settings(unsafeHTML: unsafeHTML, headingIDs: headingIDs, themeFriendlyHTML: themeFriendlyHTML, extensions: extensions, reservedIDs: reservedIDs)
    }

    private static let registerExtensions: Void = { cmark_gfm_core_extensions_ensure_registered() }()
    private static let parseLock = NSLock()

    var options: Int32 {
        var options = CMARK_OPT_FOOTNOTES
        if unsafeHTML { options |= CMARK_OPT_UNSAFE }
        return options
    }

    static let taskMarkers = ["<input type=\"checkbox\" disabled=\"\" />", "<input type=\"checkbox\" checked=\"\" disabled=\"\" />"]

    public func render(_ markdown: String, rewrite: (MarkdownLink) -> String? = { _ in nil }) -> RenderedMarkdown {
        // Fed with its length: cmark-gfm turns U+0000 into U+FFFD itself (CommonMark 2.3) and keeps what follows.
        let source = SourceText(markdown)
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
        source.bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        let root = cmark_parser_finish(parser)!
        Self.parseLock.unlock()
        defer { cmark_node_free(root) }

        var toc: [TocEntry] = []
        var text: [UInt8] = []   // the visible text, as bytes: one String is made of it at the end
        var ids = HeadingIDs(reserved: reservedIDs)
        var headings: [(node: OpaquePointer, entry: TocEntry)] = []
        var omitted: [OmittedHTML] = []
        var omittedNames: Set<String> = []
        // Accessible names of the task-list checkboxes in document order; nil for a checkbox written in raw HTML.
        var taskLabels: [String?] = []
        var imageDepth = 0   // how many images the walk is inside (counting the one just entered)
        let iterator = cmark_iter_new(root)!
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            let node = cmark_iter_get_node(iterator)!
            let type = cmark_node_get_type(node)
            if type == CMARK_NODE_IMAGE { imageDepth += event == CMARK_EVENT_ENTER ? 1 : -1 }
            if event == CMARK_EVENT_ENTER {
                // Inside an image's description, links and images are only its alt text: no reader follows or
                // loads them, so they are neither checked nor rewritten (cmark-gfm renders them as text).
                if (type == CMARK_NODE_LINK && imageDepth == 0) || (type == CMARK_NODE_IMAGE && imageDepth == 1) {
                    let url = cmark_node_get_url(node).map { String(cString: $0) } ?? ""
                    let (line, byteColumn) = Self.position(of: node)
                    let column = source.characterColumn(line: line, byteColumn: byteColumn)
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
                    let entry = TocEntry(level: Int(cmark_node_get_heading_level(node)), id: ids.next(for: title), text: title)
                    toc.append(entry)
                    headings.append((node, entry))
                } else if type == CMARK_NODE_HTML_BLOCK || type == CMARK_NODE_HTML_INLINE {
                    let literal = cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
                    if unsafeHTML {
                        rewriteDestinations(of: node, literal: literal, source: source, rewrite: rewrite)
                        for marker in Self.taskMarkers { taskLabels += Array(repeating: nil, count: literal.occurrences(of: marker)) }
                    } else if let tag = RawHTML.leadingTag(literal) {
                        // A closing tag is reported only when its opening tag was not (`<b>x</b>` is one finding).
                        let name = tag.dropFirst(tag.hasPrefix("</") ? 2 : 1).lowercased()
                        if !tag.hasPrefix("</") || !omittedNames.contains(String(name)) {
                            omittedNames.insert(String(name))
                            let (line, column) = Self.position(of: node)
                            let indent = literal.prefix { $0 == " " || $0 == "\t" }.count
                            let snippet = literal.trimmingCharacters(in: .whitespacesAndNewlines)
                            omitted.append(OmittedHTML(line: line, column: source.characterColumn(line: line, byteColumn: column) + indent,
                                                       tag: tag, snippet: snippet.count > 80 ? String(snippet.prefix(79)) + "…" : snippet,
                                                       isBlock: type == CMARK_NODE_HTML_BLOCK))
                        }
                    }
                } else if type == CMARK_NODE_ITEM, Self.isTaskItem(node) {
                    taskLabels.append(Self.itemLabel(node))
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
        // The replaced headings are freed only after rendering: their text nodes' literals point into their buffers.
        let replaced = headings.map { Self.giveID($0.entry, to: $0.node) }
        let rendered = cmark_render_html(root, options, cmark_parser_get_syntax_extensions(parser))!
        replaced.forEach { cmark_node_free($0) }
        // The HTML stays bytes through the passes below and is validated as UTF-8 once, at the end.
        var html = [UInt8](UnsafeRawBufferPointer(start: rendered, count: strlen(rendered)))
        free(rendered)
        if themeFriendlyHTML {
            if html.containsBytes(" align=\"") { html = Self.alignmentAsClasses(html) }
            if !taskLabels.isEmpty { html = Self.labelTaskItems(html, taskLabels) }
            if html.containsBytes("<p><img ") { html = Self.figures(html) }
        }
        return RenderedMarkdown(html: String(decoding: html, as: UTF8.self), toc: toc, text: String(decoding: text, as: UTF8.self),
                                omittedHTML: omitted)
    }

    /// Raw `<img src>` and `<a href>` (trusted HTML) are checked and rewritten like Markdown destinations.
    private func rewriteDestinations(of node: OpaquePointer, literal: String, source: SourceText, rewrite: (MarkdownLink) -> String?) {
        let bytes = Array(literal.utf8)
        let destinations = RawHTML.destinations(in: bytes)
        guard !destinations.isEmpty else { return }
        let (nodeLine, nodeColumn) = Self.position(of: node)
        var output = [UInt8]()
        var copied = 0
        for destination in destinations {
            // The tag's own line and column: lines of an HTML block follow one another in the source.
            let before = bytes[..<destination.tagStart]
            let newlines = before.filter { $0 == 0x0A }.count
            let line = nodeLine + newlines
            let byteColumn = newlines == 0 ? nodeColumn + destination.tagStart : destination.tagStart - (before.lastIndex(of: 0x0A)! + 1) + 1
            let link = MarkdownLink(url: destination.url, isImage: destination.isImage, line: line,
                                    column: source.characterColumn(line: line, byteColumn: byteColumn), text: destination.alt)
            guard let replacement = rewrite(link) else { continue }
            output += bytes[copied..<destination.range.lowerBound]
            let escaped = RawHTML.escapeAttribute(replacement)
            output += (destination.quoted ? escaped : "\"\(escaped)\"").utf8
            copied = destination.range.upperBound
        }
        guard copied > 0 else { return }
        output += bytes[copied...]
        cmark_node_set_literal(node, String(decoding: output, as: UTF8.self))
    }

    /// cmark writes a bare `<hN>`, so a heading becomes what renders the same with its id: a custom block around a
    /// custom inline whose opening is `<hN id="…">`. (Finding the n-th `<hN>` in the output instead miscounts when
    /// trusted raw HTML has headings of its own.)
    /// Returns the heading, unlinked, for the caller to free.
    static func giveID(_ entry: TocEntry, to heading: OpaquePointer) -> OpaquePointer {
        let block = cmark_node_new(CMARK_NODE_CUSTOM_BLOCK)!
        cmark_node_set_on_enter(block, "")
        cmark_node_set_on_exit(block, "")
        let inline = cmark_node_new(CMARK_NODE_CUSTOM_INLINE)!
        cmark_node_set_on_enter(inline, "<h\(entry.level) id=\"\(RawHTML.escapeAttribute(entry.id))\">")
        cmark_node_set_on_exit(inline, "</h\(entry.level)>")
        while let child = cmark_node_first_child(heading) {
            cmark_node_unlink(child)
            cmark_node_append_child(inline, child)
        }
        cmark_node_append_child(block, inline)
        cmark_node_replace(heading, block)
        return heading
    }

    static func isTaskItem(_ node: OpaquePointer) -> Bool {
        guard let name = cmark_node_get_type_string(node) else { return false }
        return strcmp(name, "tasklist") == 0
    }

    /// A task's name: the text of its item without nested lists, inline markup flattened (`**Back up** the db` → `Back up the db`).
    static func itemLabel(_ item: OpaquePointer) -> String {
        var parts: [String] = []
        var child = cmark_node_first_child(item)
        while let block = child {
            if cmark_node_get_type(block) == CMARK_NODE_PARAGRAPH { parts.append(plainText(of: block, breaksAsSpaces: true)) }
            child = cmark_node_next(block)
        }
        return parts.joined(separator: " ").trimmingCharacters(in: .whitespaces)
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

    /// The text of `node`'s descendants, walked with cmark's iterator: nesting depth is the author's to choose
    /// (150,000 nested `**` is valid Markdown), so no recursion here.
    static func plainText(of node: OpaquePointer, breaksAsSpaces: Bool = false) -> String {
        var bytes: [UInt8] = []
        let iterator = cmark_iter_new(node)!
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard event == CMARK_EVENT_ENTER, let current = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(current)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE, let literal = cmark_node_get_literal(current) {
                append(literal, to: &bytes)
            } else if breaksAsSpaces, type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK {
                bytes.append(0x20)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
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

    /// cmark-gfm's task-list checkboxes have no accessible name: the n-th checkbox gets the n-th label (nil: one
    /// written in trusted raw HTML, left as it is).
    static func labelTaskItems(_ bytes: [UInt8], _ labels: [String?]) -> [UInt8] {
        let markers = taskMarkers.map { Array($0.utf8) }
        let close = Array(" />".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 256)
        var labels = labels.makeIterator()
        var i = 0
        while i < bytes.count {
            guard bytes[i] == 0x3C, let marker = markers.first(where: { bytes[i...].starts(with: $0) }), let label = labels.next() else {
                out.append(bytes[i])
                i += 1
                continue
            }
            out.append(contentsOf: marker.dropLast(close.count))
            if let label {
                out.append(contentsOf: " aria-label=\"".utf8)
                out.append(contentsOf: RawHTML.escapeAttribute(label).utf8)
                out.append(0x22)
            }
            out.append(contentsOf: close)
            i += marker.count
        }
        return out
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
