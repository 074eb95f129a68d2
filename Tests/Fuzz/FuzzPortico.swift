import Foundation

// libFuzzer entry point: compiled by scripts/fuzz.sh together with the PorticoCore sources it exercises (so
// their internals are in reach and instrumented). The first byte picks a target, the rest is its input.
//   0: a Markdown file through front matter parsing (typed fast path, Yams fallback, diagnostics)
//   1: a body through cmark-gfm and every post-pass (heading ids, raw HTML, alignment, task labels, figures), every link
//      rewritten, and the reference-definition and leading-title passes around it
//   2: the byte-level post-passes alone, on arbitrary bytes (not only what cmark writes)
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    let text = String(decoding: bytes, as: UTF8.self)
    switch data[0] % 3 {
    case 0: frontMatter(text)
    case 1: markdown(text)
    default: postPasses(bytes)
    }
    return 0
}

func frontMatter(_ text: String) {
    let (page, diagnostics) = FrontMatterParser.parse(text, sourcePath: "library/insights/fuzz.md", origin: .library, kind: .insights)
    precondition(page != nil || diagnostics.contains { $0.severity == .error }, "no page and no error")
    for diagnostic in diagnostics {
        if let line = diagnostic.location.line { precondition(line >= 1, "line \(line) in \(diagnostic)") }
        if let column = diagnostic.location.column { precondition(column >= 1, "column \(column) in \(diagnostic)") }
    }
}

func markdown(_ text: String) {
    let (body, _) = LeadingTitle.strip(text, title: "Fuzz", file: "fuzz.md", bodyStartLine: 4)
    precondition(body.utf8.count <= text.utf8.count)
    let references = ReferenceDefinitions.scan(body)
    // Lines as cmark-gfm counts them: "\n", "\r\n" (one Character) or a lone "\r" ends one.
    let lines = body.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }.count
    var seen = 0
    let rendered = MarkdownRenderer().render(body) { link in
        seen += 1
        precondition(link.line >= 1 && link.line <= lines + 1, "link line \(link.line) of \(lines)")
        precondition(link.column >= 1, "link column \(link.column)")
        _ = references?.definition(usedBy: link)
        let parts = LinkParts(link.url)
        // Every other link is rewritten, with text that must come out escaped.
        return seen % 2 == 0 ? nil : "../x/\"<&>/" + parts.query + parts.fragment
    }
    for entry in rendered.toc { precondition(!entry.id.isEmpty) }
}

func postPasses(_ bytes: [UInt8]) {
    _ = MarkdownRenderer.alignmentAsClasses(bytes)
    _ = MarkdownRenderer.labelTaskItems(bytes, ["a \"label\" <b>", nil, ""])
    _ = MarkdownRenderer.figures(bytes)
    let columns = CharacterColumns(String(decoding: bytes, as: UTF8.self))
    for line in 1...3 { precondition(columns.column(line: line, byteColumn: bytes.count + 1) <= bytes.count + 1) }
}
