/// Walks parsed nodes against a context stack. Output is appended as strings and slices of strings,
/// never rebuilt from bytes, so nothing is validated as UTF-8 a second time.
struct TemplateRenderer {
    let partials: [String: Template]
    var stack: [TemplateValue]
    private(set) var output = ""

    init(partials: [String: Template], stack: [TemplateValue]) {
        self.partials = partials
        self.stack = stack
        output.reserveCapacity(32 * 1024)
    }

    /// `indentation` is the accumulated indentation of the standalone partials being rendered. Like
    /// swift-mustache, it is added before a node's output when this call's output so far ends a line.
    mutating func render(_ nodes: [TemplateNode], indentation: String?, escapes: Bool) {
        var escapes = escapes
        let start = output.utf8.count
        for node in nodes {
            if case .contentType(let escaping) = node {
                escapes = escaping
                continue
            }
            guard let indentation, !indentation.isEmpty, endsWithLineFeed(since: start) else {
                render(node, indentation: indentation, escapes: escapes)
                continue
            }
            output += indentation
            let before = output.utf8.count
            render(node, indentation: indentation, escapes: escapes)
            if output.utf8.count == before { output.unicodeScalars.removeLast(indentation.unicodeScalars.count) }
        }
    }

    private mutating func render(_ node: TemplateNode, indentation: String?, escapes: Bool) {
        switch node {
        case .text(let text):
            output += text
        case .variable(let name, let escaped):
            switch lookup(name) {
            case .string(let text)?: append(text, escaped: escaped && escapes)
            case .int(let number)?: append(String(number), escaped: false)
            case .bool(let flag)?: append(flag ? "true" : "false", escaped: false)
            case .list?, .map?, nil: break
            }
        case .section(let name, let children):
            switch lookup(name) {
            case nil: break
            case .bool(let flag)?:
                if flag { render(children, indentation: indentation, escapes: escapes) }
            case .list(let items)?:
                for item in items { renderPushing(item, children, indentation: indentation, escapes: escapes) }
            case let value?:
                renderPushing(value, children, indentation: indentation, escapes: escapes)
            }
        case .invertedSection(let name, let children):
            switch lookup(name) {
            case nil: render(children, indentation: indentation, escapes: escapes)
            case .bool(let flag)?:
                if !flag { render(children, indentation: indentation, escapes: escapes) }
            case .list(let items)? where items.isEmpty:
                renderPushing(.list(items), children, indentation: indentation, escapes: escapes)
            case _?: break
            }
        case .partial(let name, let extra):
            guard let template = partials[name] else { return }
            let nested = extra.map { (indentation ?? "") + $0 } ?? indentation
            render(template.nodes, indentation: nested, escapes: true)
        case .contentType:
            break
        }
    }

    private mutating func renderPushing(_ value: TemplateValue, _ nodes: [TemplateNode], indentation: String?, escapes: Bool) {
        stack.append(value)
        render(nodes, indentation: indentation, escapes: escapes)
        stack.removeLast()
    }

    private func lookup(_ name: TemplateName) -> TemplateValue? {
        switch name.scope {
        case .current:
            return stack.last
        case .top:
            return stack.last.flatMap { resolve(name.path[...], in: $0) }
        case .stack:
            guard let first = name.path.first else { return nil }
            for value in stack.reversed() {
                if let found = value[first] { return resolve(name.path.dropFirst(), in: found) }
            }
            return nil
        }
    }

    private func resolve(_ path: ArraySlice<String>, in value: TemplateValue) -> TemplateValue? {
        var current = value
        for key in path {
            guard let next = current[key] else { return nil }
            current = next
        }
        return current
    }

    /// Whether this call's output ends with a bare "\n" (a "\r\n" counts as a different line end, as in swift-mustache).
    private func endsWithLineFeed(since start: Int) -> Bool {
        let utf8 = output.utf8
        let count = utf8.count
        guard count > start, utf8.last == .newline else { return false }
        return !(count - 2 >= start && utf8[utf8.index(utf8.endIndex, offsetBy: -2)] == .carriageReturn)
    }

    private mutating func append(_ text: String, escaped: Bool) {
        if escaped { Self.appendEscapingHTML(text, to: &output) } else { output += text }
    }

    /// `{{name}}`'s escaping: & < > " ' become entities; runs without them are appended as slices.
    static func appendEscapingHTML(_ text: String, to output: inout String) {
        var copy = text
        copy.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                let entity: String
                switch bytes[index] {
                case UInt8(ascii: "&"): entity = "&amp;"
                case UInt8(ascii: "<"): entity = "&lt;"
                case UInt8(ascii: ">"): entity = "&gt;"
                case UInt8(ascii: "\""): entity = "&quot;"
                case UInt8(ascii: "'"): entity = "&#39;"
                default: continue
                }
                if runStart < index { output += text.slice(runStart, index) }
                output += entity
                runStart = index + 1
            }
            if runStart < bytes.count { output += text.slice(runStart, bytes.count) }
        }
    }
}
