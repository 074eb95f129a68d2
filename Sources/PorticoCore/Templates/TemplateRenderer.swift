/// Walks parsed nodes against a context stack. Output is UTF-8 bytes, appended straight from the
/// templates' and values' storage; it becomes a String once, at the end.
struct TemplateRenderer {
    let partials: [String: Template]
    var stack: [TemplateValue]
    private(set) var output: [UInt8] = []

    init(partials: [String: Template], stack: [TemplateValue]) {
        self.partials = partials
        self.stack = stack
        output.reserveCapacity(32 * 1024)
    }

    /// `indentation` is the accumulated indentation of the standalone partials being rendered. Like
    /// swift-mustache, it is added before a node's output when this call's output so far ends a line.
    mutating func render(_ nodes: [TemplateNode], indentation: String?, escapes: Bool) {
        var escapes = escapes
        let start = output.count
        for node in nodes {
            if case .contentType(let escaping) = node {
                escapes = escaping
                continue
            }
            guard let indentation, !indentation.isEmpty, endsWithLineFeed(since: start) else {
                render(node, indentation: indentation, escapes: escapes)
                continue
            }
            Self.append(indentation, to: &output)
            let before = output.count
            render(node, indentation: indentation, escapes: escapes)
            if output.count == before { output.removeLast(indentation.utf8.count) }
        }
    }

    private mutating func render(_ node: TemplateNode, indentation: String?, escapes: Bool) {
        switch node {
        case .text(let text):
            Self.append(text, to: &output)
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
            var index = stack.count - 1
            while index >= 0 {
                if case .map(let map) = stack[index], let found = map[first] {
                    return name.path.count == 1 ? found : resolve(name.path.dropFirst(), in: found)
                }
                index -= 1
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
        let count = output.count
        guard count > start, output[count - 1] == UInt8(ascii: "\n") else { return false }
        return !(count - 2 >= start && output[count - 2] == UInt8(ascii: "\r"))
    }

    private mutating func append(_ text: String, escaped: Bool) {
        if escaped { Self.appendEscapingHTML(text, to: &output) } else { Self.append(text, to: &output) }
    }

    static func append(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { output.append(contentsOf: $0) }
    }

    private static let entities: [[UInt8]?] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "&"): Array("&amp;".utf8)
        case UInt8(ascii: "<"): Array("&lt;".utf8)
        case UInt8(ascii: ">"): Array("&gt;".utf8)
        case UInt8(ascii: "\""): Array("&quot;".utf8)
        case UInt8(ascii: "'"): Array("&#39;".utf8)
        default: nil
        }
    }

    /// `{{name}}`'s escaping: & < > " ' become entities; runs without them are copied whole.
    static func appendEscapingHTML(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            var runStart = 0
            for index in 0..<bytes.count {
                guard let entity = entities[Int(bytes[index])] else { continue }
                if runStart < index { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                output.append(contentsOf: entity)
                runStart = index + 1
            }
            if runStart < bytes.count { output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        }
    }
}
