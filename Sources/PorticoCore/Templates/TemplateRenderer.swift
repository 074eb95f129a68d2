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

    /// Renders `program`'s operations in `range`. `indentation` is the accumulated indentation of the standalone
    /// partials being rendered. Like swift-mustache, it is added before an operation's output when this call's
    /// output so far ends a line.
    mutating func render(_ program: TemplateProgram, _ range: Range<Int>, indentation: String?, escapes: Bool) {
        var escapes = escapes
        let start = output.count
        var index = range.lowerBound
        while index < range.upperBound {
            let operation = program.operations[index]
            if case .contentType(let escaping) = operation {
                escapes = escaping
                index += 1
                continue
            }
            guard let indentation, !indentation.isEmpty, endsWithLineFeed(since: start) else {
                index = render(program, at: index, operation, indentation: indentation, escapes: escapes)
                continue
            }
            Self.append(indentation, to: &output)
            let before = output.count
            index = render(program, at: index, operation, indentation: indentation, escapes: escapes)
            if output.count == before { output.removeLast(indentation.utf8.count) }
        }
    }

    /// Renders the operation at `index` (with its section's operations) and returns the index after it.
    private mutating func render(_ program: TemplateProgram, at index: Int, _ operation: TemplateProgram.Operation,
                                 indentation: String?, escapes: Bool) -> Int {
        switch operation {
        case .text(let start, let end):
            program.bytes.withUnsafeBufferPointer { output.append(contentsOf: UnsafeBufferPointer(rebasing: $0[start..<end])) }
        case .variable(let name, let escaped):
            switch lookup(program.names[name]) {
            case .string(let text)?: append(text, escaped: escaped && escapes)
            case .int(let number)?: append(String(number), escaped: false)
            case .double(let number)?: append(number.description, escaped: false)
            case .bool(let flag)?: append(flag ? "true" : "false", escaped: false)
            case .list?, .map?, nil: break
            }
        case .section(let name, let end):
            let children = index + 1..<end
            switch lookup(program.names[name]) {
            case nil: break
            case .bool(let flag)?:
                if flag { render(program, children, indentation: indentation, escapes: escapes) }
            case .list(let items)?:
                for item in items { renderPushing(item, program, children, indentation: indentation, escapes: escapes) }
            case let value?:
                renderPushing(value, program, children, indentation: indentation, escapes: escapes)
            }
            return end
        case .invertedSection(let name, let end):
            let children = index + 1..<end
            switch lookup(program.names[name]) {
            case nil: render(program, children, indentation: indentation, escapes: escapes)
            case .bool(let flag)?:
                if !flag { render(program, children, indentation: indentation, escapes: escapes) }
            case .list(let items)? where items.isEmpty:
                renderPushing(.list(items), program, children, indentation: indentation, escapes: escapes)
            case _?: break
            }
            return end
        case .partial(let name, let extra):
            guard let template = partials[program.partialNames[name]] else { break }
            let nested = extra < 0 ? indentation : (indentation ?? "") + program.indentations[extra]
            render(template.program, 0..<template.program.operations.count, indentation: nested, escapes: true)
        case .contentType:
            break
        }
        return index + 1
    }

    private mutating func renderPushing(_ value: TemplateValue, _ program: TemplateProgram, _ range: Range<Int>, indentation: String?, escapes: Bool) {
        stack.append(value)
        render(program, range, indentation: indentation, escapes: escapes)
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

    private func resolve(_ path: ArraySlice<TemplateMap.HashedKey>, in value: TemplateValue) -> TemplateValue? {
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
