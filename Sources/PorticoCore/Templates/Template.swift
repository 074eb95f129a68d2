/// A parsed Mustache template.
///
/// Portico renders its pages with this small engine rather than a general one: contexts are typed
/// (`TemplateValue`), names are split once at parse time and output is written as bytes, which made the
/// template stage of a 14,000-page build several times cheaper (see bench/RESULTS.md). Its output matches
/// swift-mustache's, tag for tag and whitespace for whitespace; the test suite checks both engines against
/// each other and runs the Mustache specification's core tests. Lambdas, transforms, template inheritance and
/// dynamic partials are not supported and are reported as errors.
public struct Template: Sendable {
    let program: TemplateProgram
    /// Partials this template includes, with where, for checking that they exist.
    public let partialReferences: [(name: String, line: Int, column: Int)]

    public init(_ text: String) throws(TemplateSyntaxError) {
        var parser = TemplateParser(text)
        program = TemplateProgram(try parser.parseTemplate())
        partialReferences = parser.partialReferences
    }

    /// The first part of every name a tag looks up (`page` for `{{page.summary}}`), in this template only.
    /// A name inside a section may still resolve at the root, so these are the root keys it might read.
    var lookedUpRoots: Set<String> {
        Set(program.names.compactMap { $0.path.first?.name })
    }

    /// The partials this template includes by name.
    var includedPartials: [String] { program.partialNames }

    /// Renders with `context` at the bottom of the context stack; `partials` resolves `{{> name}}`.
    public func render(_ context: TemplateValue, partials: [String: Template] = [:]) -> String {
        String(decoding: renderBytes(context, partials: partials), as: UTF8.self)
    }

    /// The output as UTF-8, for callers that splice or seal it rather than read it.
    public func renderBytes(_ context: TemplateValue, partials: [String: Template] = [:]) -> [UInt8] {
        var renderer = TemplateRenderer(partials: partials, stack: [context])
        renderer.render(program, 0..<program.operations.count, indentation: nil, escapes: true)
        return renderer.output
    }
}

public struct TemplateSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let message: String
    public let hint: String

    public var description: String { "\(line):\(column): \(message)" }
}

indirect enum TemplateNode: Sendable {
    case text(String)
    case variable(TemplateName, escaped: Bool)
    case section(TemplateName, [TemplateNode])
    case invertedSection(TemplateName, [TemplateNode])
    /// `indentation` is set for a partial tag that stands alone on its line.
    case partial(String, indentation: String?)
    case contentType(escapes: Bool)
}

/// A tag's name, split at the dots once.
struct TemplateName: Sendable {
    enum Scope: Sendable {
        /// `{{.}}`: the top of the stack.
        case current
        /// `{{.name}}`: looked up in the top of the stack only.
        case top
        /// `{{a.b}}`: `a` is looked up from the top of the stack down, `b` inside it.
        case stack
    }

    let scope: Scope
    /// The parts between the dots, hashed for `TemplateMap`.
    let path: [TemplateMap.HashedKey]

    init(_ name: String) {
        if name == "." {
            scope = .current
        } else {
            scope = name.first == "." ? .top : .stack
        }
        path = name.split(separator: ".").map { TemplateMap.HashedKey(String($0)) }
    }
}
