/// Reads Mustache text into nodes. Standalone tags (a section, comment, partial or delimiter tag alone on
/// its line) take their line with them, and a standalone partial remembers its indentation, exactly as
/// swift-mustache does.
struct TemplateParser {
    private let bytes: [UInt8]
    private var position = 0
    private(set) var partialReferences: [(name: String, line: Int, column: Int)] = []

    private struct State {
        var section: (name: String, offset: Int)?
        var newLine = true
        var start: [UInt8] = Array("{{".utf8)
        var end: [UInt8] = Array("}}".utf8)
    }

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    mutating func parseTemplate() throws(TemplateSyntaxError) -> [TemplateNode] {
        try parse(State())
    }

    private mutating func parse(_ initial: State) throws(TemplateSyntaxError) -> [TemplateNode] {
        var nodes: [TemplateNode] = []
        var state = initial
        var whitespace: [UInt8] = []
        while position < bytes.count {
            if state.newLine { whitespace = read(while: { $0 == .space || $0 == .tab }) }
            let (text, foundTag) = readText(until: state.start)
            if !foundTag, let newline = newlineLength(at: position) {
                nodes.append(.text(String(decoding: whitespace + text + bytes[position..<position + newline], as: UTF8.self)))
                position += newline
                state.newLine = true
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(String(decoding: whitespace + text, as: UTF8.self)))
                whitespace = []
                state.newLine = false
            }
            if !foundTag { break }
            let tagOffset = position - state.start.count
            guard position < bytes.count else {
                throw error(at: tagOffset, "the tag is not closed", hint: "end it with \(String(decoding: state.end, as: UTF8.self))")
            }
            var standalone = false
            switch bytes[position] {
            case UInt8(ascii: "#"), UInt8(ascii: "^"):
                let inverted = bytes[position] == UInt8(ascii: "^")
                position += 1
                let name = try readName(state)
                standalone = isStandalone(state)
                if !standalone, !whitespace.isEmpty {
                    nodes.append(.text(String(decoding: whitespace, as: UTF8.self)))
                    whitespace = []
                }
                var inner = state
                inner.section = (name, tagOffset)
                if !standalone { inner.newLine = false }
                let children = try parse(inner)
                nodes.append(inverted ? .invertedSection(TemplateName(name), children) : .section(TemplateName(name), children))

            case UInt8(ascii: "/"):
                position += 1
                let nameOffset = position
                let name = try readName(state)
                guard let open = state.section else {
                    throw error(at: tagOffset, "`{{/\(name)}}` closes a section that was never opened", hint: "remove it, or open the section with {{#\(name)}}")
                }
                guard name == open.name else {
                    let (line, column) = lineAndColumn(of: open.offset)
                    throw error(at: nameOffset, "`{{/\(name)}}` does not match `{{#\(open.name)}}` opened at line \(line), column \(column)",
                                hint: "close the innermost open section first: {{/\(open.name)}}")
                }
                if !isStandalone(state), !whitespace.isEmpty { nodes.append(.text(String(decoding: whitespace, as: UTF8.self))) }
                return nodes

            case UInt8(ascii: "!"):
                position += 1
                guard let close = find(state.end, from: position) else {
                    throw error(at: tagOffset, "the comment is not closed", hint: "end it with \(String(decoding: state.end, as: UTF8.self))")
                }
                position = close + state.end.count
                standalone = isStandalone(state)

            case UInt8(ascii: "{"), UInt8(ascii: "&"):
                let triple = bytes[position] == UInt8(ascii: "{")
                if !whitespace.isEmpty {
                    nodes.append(.text(String(decoding: whitespace, as: UTF8.self)))
                    whitespace = []
                }
                position += 1
                let name = try readName(state)
                if triple {
                    guard position < bytes.count, bytes[position] == UInt8(ascii: "}") else {
                        throw error(at: tagOffset, "`{{{\(name)` needs three closing braces", hint: "write {{{\(name)}}}")
                    }
                    position += 1
                }
                nodes.append(.variable(TemplateName(name), escaped: false))

            case UInt8(ascii: ">"):
                position += 1
                _ = read(while: Self.isWhitespace)
                if position < bytes.count, bytes[position] == UInt8(ascii: "*") {
                    throw error(at: tagOffset, "dynamic partials (`{{>*name}}`) are not supported", hint: "name the partial directly: {{> name}}")
                }
                let name = try readName(state, allowed: Self.partialNameBytes)
                let (line, column) = lineAndColumn(of: tagOffset)
                partialReferences.append((name, line, column))
                if !whitespace.isEmpty { nodes.append(.text(String(decoding: whitespace, as: UTF8.self))) }
                standalone = isStandalone(state)
                nodes.append(.partial(name, indentation: standalone ? String(decoding: whitespace, as: UTF8.self) : nil))
                whitespace = []

            case UInt8(ascii: "<"), UInt8(ascii: "$"):
                throw error(at: tagOffset, "template inheritance (`{{<parent}}`, `{{$block}}`) is not supported",
                            hint: "use partials ({{> name}}) and sections instead")

            case UInt8(ascii: "="):
                position += 1
                (state.start, state.end) = try readDelimiters(state, tagOffset: tagOffset)
                standalone = isStandalone(state)

            case UInt8(ascii: "%"):
                position += 1
                nodes.append(try readPragma(state, tagOffset: tagOffset))
                standalone = isStandalone(state)

            default:
                if !whitespace.isEmpty {
                    nodes.append(.text(String(decoding: whitespace, as: UTF8.self)))
                    whitespace = []
                }
                nodes.append(.variable(TemplateName(try readName(state)), escaped: true))
            }
            state.newLine = standalone
        }
        if let open = state.section {
            throw error(at: open.offset, "`{{#\(open.name)}}` is never closed", hint: "add {{/\(open.name)}} where the section ends")
        }
        return nodes
    }

    // MARK: Pieces of a tag

    private static let nameBytes = Set(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*".utf8))
    private static let partialNameBytes = nameBytes.union(Array("/".utf8))

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == .space || byte == .tab || byte == .newline || byte == .carriageReturn || byte == 0x0B || byte == 0x0C
    }

    private mutating func readName(_ state: State, allowed: Set<UInt8> = nameBytes) throws(TemplateSyntaxError) -> String {
        _ = read(while: Self.isWhitespace)
        let start = position
        let name = String(decoding: read(while: { allowed.contains($0) }), as: UTF8.self)
        _ = read(while: Self.isWhitespace)
        guard starts(with: state.end, at: position) else {
            if position < bytes.count, bytes[position] == UInt8(ascii: "(") {
                throw error(at: start, "transforms such as `\(name)(…)` are not supported", hint: "compute the value before rendering")
            }
            throw error(at: position, "unexpected character in the tag `\(name)`",
                        hint: "tag names use letters, digits and . - _ ? *; end the tag with \(String(decoding: state.end, as: UTF8.self))")
        }
        position += state.end.count
        return name
    }

    private mutating func readDelimiters(_ state: State, tagOffset: Int) throws(TemplateSyntaxError) -> ([UInt8], [UInt8]) {
        _ = read(while: Self.isWhitespace)
        let start = read(while: { !Self.isWhitespace($0) })
        _ = read(while: Self.isWhitespace)
        let end = read(while: { !Self.isWhitespace($0) && $0 != UInt8(ascii: "=") })
        _ = read(while: Self.isWhitespace)
        guard !start.isEmpty, !end.isEmpty, position < bytes.count, bytes[position] == UInt8(ascii: "="),
              starts(with: state.end, at: position + 1) else {
            throw error(at: tagOffset, "a delimiter tag must look like {{=<% %>=}}", hint: "give the new opening and closing delimiters, separated by a space")
        }
        position += 1 + state.end.count
        return (start, end)
    }

    private mutating func readPragma(_ state: State, tagOffset: Int) throws(TemplateSyntaxError) -> TemplateNode {
        _ = read(while: Self.isWhitespace)
        let name = String(decoding: read(while: { Self.nameBytes.contains($0) }), as: UTF8.self)
        _ = read(while: Self.isWhitespace)
        var value = ""
        if position < bytes.count, bytes[position] == UInt8(ascii: ":") {
            position += 1
            _ = read(while: Self.isWhitespace)
            value = String(decoding: read(while: { Self.nameBytes.contains($0) }), as: UTF8.self)
            _ = read(while: Self.isWhitespace)
        }
        guard name == "CONTENT_TYPE", value == "TEXT" || value == "HTML", starts(with: state.end, at: position) else {
            throw error(at: tagOffset, "unknown pragma `\(name)`", hint: "the only pragma is {{% CONTENT_TYPE: TEXT}} (or HTML)")
        }
        position += state.end.count
        return .contentType(escapes: value == "HTML")
    }

    // MARK: Reading

    /// Text up to the next opening delimiter (consumed; `foundTag`) or line break (not consumed).
    private mutating func readText(until delimiter: [UInt8]) -> ([UInt8], foundTag: Bool) {
        let start = position
        let first = delimiter[0]
        while position < bytes.count {
            let byte = bytes[position]
            if byte == .newline || (byte == .carriageReturn && position + 1 < bytes.count && bytes[position + 1] == .newline) {
                return (Array(bytes[start..<position]), false)
            }
            if byte == first, starts(with: delimiter, at: position) {
                let text = Array(bytes[start..<position])
                position += delimiter.count
                return (text, true)
            }
            position += 1
        }
        return (Array(bytes[start..<position]), false)
    }

    /// A tag is standalone when only whitespace precedes it on its line and only whitespace follows it;
    /// the rest of the line, line break included, is then consumed.
    private mutating func isStandalone(_ state: State) -> Bool {
        guard state.newLine else { return false }
        if position >= bytes.count { return true }
        var end = position
        while end < bytes.count, bytes[end] == .space || bytes[end] == .tab { end += 1 }
        guard let newline = newlineLength(at: end) else { return false }
        position = end + newline
        return true
    }

    private func newlineLength(at offset: Int) -> Int? {
        guard offset < bytes.count else { return nil }
        if bytes[offset] == .newline { return 1 }
        if bytes[offset] == .carriageReturn, offset + 1 < bytes.count, bytes[offset + 1] == .newline { return 2 }
        return nil
    }

    private mutating func read(while predicate: (UInt8) -> Bool) -> [UInt8] {
        let start = position
        while position < bytes.count, predicate(bytes[position]) { position += 1 }
        return Array(bytes[start..<position])
    }

    private func starts(with prefix: [UInt8], at offset: Int) -> Bool {
        guard offset + prefix.count <= bytes.count else { return false }
        for index in 0..<prefix.count where bytes[offset + index] != prefix[index] { return false }
        return true
    }

    private func find(_ needle: [UInt8], from offset: Int) -> Int? {
        var index = offset
        while index + needle.count <= bytes.count {
            if starts(with: needle, at: index) { return index }
            index += 1
        }
        return nil
    }

    private func lineAndColumn(of offset: Int) -> (Int, Int) {
        var line = 1
        var lineStart = 0
        for index in 0..<min(offset, bytes.count) where bytes[index] == .newline {
            line += 1
            lineStart = index + 1
        }
        let column = String(decoding: bytes[lineStart..<min(offset, bytes.count)], as: UTF8.self).count + 1
        return (line, column)
    }

    private func error(at offset: Int, _ message: String, hint: String) -> TemplateSyntaxError {
        let (line, column) = lineAndColumn(of: offset)
        return TemplateSyntaxError(line: line, column: column, message: message, hint: hint)
    }
}

extension UInt8 {
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
}
