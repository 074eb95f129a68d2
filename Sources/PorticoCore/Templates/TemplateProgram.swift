/// A parsed template laid out flat for rendering: operations that hold only integers, over one buffer of the
/// template's literal bytes. Walking it copies no strings and retains nothing per node, which walking the
/// node tree did for every text run and section of every page.
struct TemplateProgram: Sendable {
    enum Operation: Sendable {
        /// `bytes[start..<end]`.
        case text(start: Int, end: Int)
        case variable(name: Int, escaped: Bool)
        /// The section's own operations are the ones after it, up to `end`.
        case section(name: Int, end: Int)
        case invertedSection(name: Int, end: Int)
        /// `indentation` indexes `indentations`, or is -1 when the tag does not stand alone.
        case partial(name: Int, indentation: Int)
        case contentType(escapes: Bool)
    }

    private(set) var operations: [Operation] = []
    private(set) var bytes: [UInt8] = []
    private(set) var names: [TemplateName] = []
    private(set) var partialNames: [String] = []
    private(set) var indentations: [String] = []

    init(_ nodes: [TemplateNode]) {
        append(nodes)
    }

    private mutating func append(_ nodes: [TemplateNode]) {
        for node in nodes {
            switch node {
            case .text(let text):
                let start = bytes.count
                bytes.append(contentsOf: text.utf8)
                operations.append(.text(start: start, end: bytes.count))
            case .variable(let name, let escaped):
                operations.append(.variable(name: add(name), escaped: escaped))
            case .section(let name, let children), .invertedSection(let name, let children):
                let at = operations.count
                operations.append(.contentType(escapes: true))  // replaced once the section's end is known
                append(children)
                let name = add(name)
                if case .section = node {
                    operations[at] = .section(name: name, end: operations.count)
                } else {
                    operations[at] = .invertedSection(name: name, end: operations.count)
                }
            case .partial(let name, let indentation):
                partialNames.append(name)
                var index = -1
                if let indentation {
                    index = indentations.count
                    indentations.append(indentation)
                }
                operations.append(.partial(name: partialNames.count - 1, indentation: index))
            case .contentType(let escapes):
                operations.append(.contentType(escapes: escapes))
            }
        }
    }

    private mutating func add(_ name: TemplateName) -> Int {
        names.append(name)
        return names.count - 1
    }
}
