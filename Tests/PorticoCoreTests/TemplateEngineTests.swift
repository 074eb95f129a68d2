import Foundation
import PorticoTestSupport
import Mustache
import PorticoTheme
import Testing
@testable import PorticoCore

/// Portico's template engine must render exactly what swift-mustache renders (the golden site was made with
/// it, and theme authors read its documentation). Every case here is rendered by both and compared.
@Suite struct TemplateEngineTests {
    static let context: TemplateValue = [
        "a": "Tom & \"Jerry\" <b>'x'</b>", "n": 42, "d": 1.21, "zero": 0, "e": "", "t": true, "f": false,
        "m": ["a": "inner a", "b": "inner b", "deep": ["c": "deep c"]],
        "list": [["a": "first", "x": "1"], ["x": "2"], ["a": "third", "x": "3"]],
        "empty": [], "words": ["w<1>", "w2", "w3"],
        "mixed": ["plain", 7, 2.5, true, ["a": "in list"]],
    ]

    static let partials: [String: String] = [
        "p": "<p>{{a}}</p>\n  {{#t}}\n  yes {{n}}\n  {{/t}}\nend\n",
        "inline": "[{{x}}]",
        "nested": "outer\n  {{> p}}\n|{{> inline}}|\n",
        "crlf": "one\r\n{{a}}\r\ntwo\r\n",
    ]

    static let cases: [String] = [
        "plain text", "", "{{a}}", "{{{a}}}", "{{&a}}", "{{ a }}", "{{n}} {{zero}} {{t}} {{f}} [{{e}}] [{{missing}}]", "{{d}} {{{d}}} {{#d}}({{.}}){{/d}}{{^d}}!D{{/d}}",
        "{{m.a}} {{m.deep.c}} {{m.missing}} {{missing.a}}", "{{#m}}{{a}}/{{b}}/{{n}}{{/m}}", "{{#m}}{{.a}}|{{.n}}{{/m}}",
        "{{#list}}<{{a}}:{{x}}>{{/list}}", "{{#words}}{{.}},{{/words}}", "{{#mixed}}({{a}}){{/mixed}}", "{{#words}}({{.}}){{/words}}",
        "{{#t}}T{{/t}}{{#f}}F{{/f}}{{^t}}!T{{/t}}{{^f}}!F{{/f}}", "{{#e}}E[{{.}}]{{/e}}{{^e}}!E{{/e}}",
        "{{#zero}}Z{{.}}{{/zero}}{{^zero}}!Z{{/zero}}", "{{#empty}}E{{/empty}}{{^empty}}none{{/empty}}",
        "{{#missing}}M{{/missing}}{{^missing}}!M{{/missing}}", "{{^list}}L{{/list}}{{^m}}M{{/m}}",
        "{{#a}}in a: {{.}} {{n}}{{/a}}", "{{#m}}{{#deep}}{{c}} {{a}} {{n}}{{/deep}}{{/m}}",
        "begin\n{{#t}}\nline\n{{/t}}\nend\n", "  {{#t}}\n  indented\n  {{/t}}\n", "x {{#t}}\ny\n{{/t}} z\n",
        "{{! comment }}text", "a\n  {{! standalone comment }}\nb", "a {{! inline }} b\n", "{{!\nmulti\nline\n}}\nafter",
        "{{> inline}}", "  {{> p}}\n", "before\n    {{> nested}}\nafter", "{{#list}}\n  {{> inline}}\n{{/list}}\n",
        "{{> crlf}}", "  {{> crlf}}\r\n", "{{> nothing}}|", "text\r\n{{#t}}\r\nwin\r\n{{/t}}\r\n",
        "{{=<% %>=}}<% a %> {{a}} <%={{ }}=%>{{n}}", "  {{=| |=}}\n|a|\n", "{{#t}}{{=[ ]=}}[n][/t]{{n}}",
        "{{#list}}{{#a}}has {{.}}{{/a}}{{^a}}no a{{/a}};{{/list}}", "tail whitespace\n   ", "   {{a}}\n",
        "{{#t}}   {{/t}}\n", "\n\n{{#words}}\n\n{{.}}\n{{/words}}\n", "{{%CONTENT_TYPE: TEXT}}{{a}}{{> inline}}{{#m}}{{a}}{{/m}}",
        "{ {a} } {{a}}} {a}}", "中文 {{a}} ✓\n  {{#t}}\n  名称 {{m.a}}\n  {{/t}}\n",
    ]

    @Test(arguments: cases) func rendersLikeSwiftMustache(_ text: String) throws {
        try expectSame(text, context: Self.context, partials: Self.partials)
    }

    /// Randomly generated templates (a fixed seed, so failures reproduce) mixing every supported tag,
    /// standalone lines, indentation and nesting.
    @Test func generatedTemplatesRenderLikeSwiftMustache() throws {
        var generator = TemplateGenerator(seed: 0x5EED)
        var partials: [String: String] = [:]
        for name in ["g1", "g2"] { partials[name] = generator.template(depth: 2, partials: []) }
        for _ in 0..<600 {
            try expectSame(generator.template(depth: 3, partials: ["g1", "g2"]), context: Self.context, partials: partials)
        }
    }

    /// The default theme's templates parse, and each includes only partials that exist.
    @Test func defaultThemeParsesWithoutErrors() {
        let log = DiagnosticLog()
        let theme = Theme(folders: [PorticoTheme.directory], log: log)
        #expect(log.all.isEmpty, "\(log.all)")
        #expect(theme.templates.count >= Theme.requiredTemplates.count)
    }

    @Test func syntaxErrorsAreLocated() {
        func error(_ text: String) -> TemplateSyntaxError? {
            do { _ = try Template(text); return nil } catch { return error }
        }
        let unclosed = error("line 1\n  {{#open}} never closed")
        #expect(unclosed?.line == 2 && unclosed?.column == 3)
        #expect(unclosed?.message.contains("never closed") == true)
        let mismatch = error("{{#a}}\n{{#b}}\n{{/a}}")
        #expect(mismatch?.line == 3)
        #expect(mismatch?.message.contains("does not match `{{#b}}` opened at line 2") == true)
        #expect(error("{{/a}}")?.message.contains("never opened") == true)
        #expect(error("x\n{{<parent}}{{/parent}}")?.line == 2)
        #expect(error("{{upper(name)}}")?.message.contains("transforms") == true)
        #expect(error("{{name")?.line == 1)
        #expect(error("{{{name}}")?.message.contains("three closing braces") == true)
        #expect(error("{{=<% %>=}}<%a%>") == nil)
        #expect(error("{{=x=}}")?.message.contains("delimiter") == true)
        #expect(error("{{% FOO }}")?.message.contains("pragma") == true)
    }

    @Test func missingPartialIsALocatedThemeError() throws {
        let folder = Fixtures.temporaryFolder("theme")
        try "<main>\n  {{> nowhere}}\n</main>".write(to: folder.appendingPathComponent("home.mustache"), atomically: true, encoding: .utf8)
        let log = DiagnosticLog()
        _ = Theme(folders: [folder, PorticoTheme.directory], log: log)
        let error = log.errors.first { $0.code == "missing-partial" }
        #expect(error?.location.file.hasSuffix("home.mustache") == true)
        #expect(error?.location.line == 2 && error?.location.column == 3)
    }

    // MARK: Support

    func expectSame(_ text: String, context: TemplateValue, partials: [String: String],
                    sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        var library = MustacheLibrary()
        var ours: [String: Template] = [:]
        for (name, partial) in partials {
            library.register(try MustacheTemplate(string: partial), named: name)
            ours[name] = try Template(partial)
        }
        let reference = try MustacheTemplate(string: text).render(Self.any(context), library: library)
        let rendered = try Template(text).render(context, partials: ours)
        #expect(rendered == reference, "template: \(text.debugDescription)", sourceLocation: sourceLocation)
    }

    static func any(_ value: TemplateValue) -> Any {
        switch value {
        case .string(let text): text
        case .int(let number): number
        case .double(let number): number
        case .bool(let flag): flag
        case .list(let items): items.map(any)
        case .map(let map): Dictionary(uniqueKeysWithValues: map.entries.map { ($0.key, any($0.value)) })
        }
    }
}

/// Builds random but well-formed templates over the names in `TemplateEngineTests.context`.
struct TemplateGenerator {
    var source: SplitMix64

    init(seed: UInt64) { source = SplitMix64(seed: seed) }

    mutating func next(_ bound: Int) -> Int { Int(source.next() % UInt64(bound)) }

    mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }

    static let texts = ["x", "two words", " ", "  ", "\n", "\n", "\r\n", "<&>", "\"'", "中文", "}"]
    static let variables = ["a", "n", "d", "zero", "e", "t", "f", "missing", "m.a", "m.deep.c", "x", "b"]
    static let sections = ["t", "f", "m", "list", "empty", "missing", "a", "e", "zero", "n"]

    /// `inWords` marks the inside of `{{#words}}`, where `{{.}}` is a string.
    mutating func template(depth: Int, partials: [String], inWords: Bool = false) -> String {
        var out = ""
        for _ in 0..<(1 + next(6)) {
            let indent = pick(["", "", " ", "  "])
            let standalone = next(3) == 0
            let lineStart = standalone ? "\n" + indent : ""
            let lineEnd = standalone ? "\n" : ""
            switch next(10) {
            case 0, 1: out += pick(Self.texts)
            case 2: out += "{{\(pick(Self.variables))}}"
            case 3: out += next(2) == 0 ? "{{{\(pick(Self.variables))}}}" : "{{& \(pick(Self.variables)) }}"
            case 4: out += lineStart + "{{! note }}" + lineEnd
            case 5 where !partials.isEmpty: out += lineStart + "{{> \(pick(partials))}}" + lineEnd
            case 6 where inWords: out += "{{.}}"
            case 6 where depth > 0, 7 where depth > 0, 8 where depth > 0:
                let words = next(4) == 0
                let name = words ? "words" : pick(Self.sections)
                let open = next(3) == 0 ? "^" : "#"
                out += lineStart + "{{\(open)\(name)}}" + lineEnd
                out += template(depth: depth - 1, partials: partials, inWords: words && open == "#")
                out += (next(2) == 0 ? "\n" + indent : "") + "{{/\(name)}}" + lineEnd
            default: out += pick(Self.texts)
            }
        }
        return out
    }
}
