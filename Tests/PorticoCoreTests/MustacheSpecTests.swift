import Foundation
import Testing
@testable import PorticoCore

/// The template engine against the official Mustache specification's tests in ../shared/spec/mustache
/// (mustache/spec's JSON files, unchanged). Every core test must pass; each run prints the pass count per
/// file and names every failure. The optional modules (files starting with `~`) the engine does not support
/// are printed as unsupported, and their tests must be refused with a syntax error, never rendered wrongly.
@Suite struct MustacheSpecTests {
    static let specFolder = GFMSpecTests.specFolder.appendingPathComponent("mustache")

    /// The six core files and how many tests each holds (136 in all, as the spec's README counts them).
    static let coreFiles: [String: Int] = [
        "comments.json": 12, "delimiters.json": 14, "interpolation.json": 42,
        "inverted.json": 22, "partials.json": 12, "sections.json": 34,
    ]

    /// Core tests known to fail, by file and test name; empty, so any failure shows up by name.
    static let expectedFailures: [String: Set<String>] = [:]

    /// Optional modules and why the engine does not support them.
    static let unsupported: [String: String] = [
        "~inheritance.json": "template inheritance ({{<parent}}, {{$block}}) is refused at parse time",
        "~dynamic-names.json": "dynamic partial names ({{>*name}}) are refused at parse time: a theme's partials are "
            + "checked to exist when it loads, which a name read from the context at render time would escape",
        "~lambdas.json": "TemplateValue holds no functions, so a context cannot carry a lambda",
    ]

    struct Spec: Decodable {
        struct Case: Decodable {
            let name: String
            let data: SpecValue
            let template: String
            let partials: [String: String]?
            let expected: String
        }
        let tests: [Case]
    }

    /// A JSON value as a template context: `null` is no value, so a key holding it reads as missing.
    struct SpecValue: Decodable {
        let value: TemplateValue?

        init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                value = nil
            } else if let flag = try? container.decode(Bool.self) {
                value = .bool(flag)
            } else if let number = try? container.decode(Int.self) {
                value = .int(number)
            } else if let number = try? container.decode(Double.self) {
                value = .double(number)
            } else if let text = try? container.decode(String.self) {
                value = .string(text)
            } else if let list = try? container.decode([SpecValue].self) {
                value = .list(list.compactMap(\.value))
            } else {
                value = .map(TemplateMap(try container.decode([String: SpecValue].self).compactMapValues(\.value)))
            }
        }
    }

    enum Outcome: Equatable { case passed, failed(String), refused(String) }

    struct MissingSpec: Error, CustomStringConvertible {
        let path: String
        var description: String { "no Mustache spec file at \(path): the spec tests read ../shared/spec/mustache beside the clone" }
    }

    static func cases(_ file: String) throws -> [Spec.Case] {
        let url = specFolder.appendingPathComponent(file)
        guard FileManager.default.fileExists(atPath: url.path) else { throw MissingSpec(path: url.path) }
        return try JSONDecoder().decode(Spec.self, from: Data(contentsOf: url)).tests
    }

    /// Renders one test with its partials given as parsed templates (the engine takes partials by name, so no
    /// file is written).
    static func run(_ test: Spec.Case) -> Outcome {
        do {
            var partials: [String: Template] = [:]
            for (name, text) in test.partials ?? [:] { partials[name] = try Template(text) }
            let rendered = try Template(test.template).render(test.data.value ?? [:], partials: partials)
            if rendered == test.expected { return .passed }
            return .failed("expected \(test.expected.debugDescription), rendered \(rendered.debugDescription)")
        } catch {
            return .refused(error.description)
        }
    }

    /// Runs a file and returns each test that did not pass, by name.
    static func notPassed(_ file: String) throws -> (count: Int, notPassed: [String: Outcome]) {
        let tests = try cases(file)
        var notPassed: [String: Outcome] = [:]
        for test in tests {
            let outcome = run(test)
            if outcome != .passed { notPassed[test.name] = outcome }
        }
        return (tests.count, notPassed)
    }

    @Test(arguments: coreFiles.keys.sorted()) func coreModule(_ file: String) throws {
        let (count, notPassed) = try Self.notPassed(file)
        print("Mustache spec \(file): \(count - notPassed.count) of \(count) passed")
        for (name, outcome) in notPassed.sorted(by: { $0.key < $1.key }) { print("  not passed: \(name): \(outcome)") }
        #expect(count == Self.coreFiles[file], "\(file) holds \(count) tests; the spec's README counts \(Self.coreFiles[file] ?? 0)")
        #expect(Set(notPassed.keys) == Self.expectedFailures[file, default: []], "\(file): \(notPassed)")
    }

    /// Every file in the spec folder is a core module or a known optional one, and each optional one is
    /// printed as unsupported with its test count.
    @Test func everySpecFileIsCoreOrKnownUnsupported() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.specFolder.path).filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.coreFiles.keys).union(Self.unsupported.keys))
        for (file, reason) in Self.unsupported.sorted(by: { $0.key < $1.key }) {
            print("Mustache spec \(file): unsupported (\(try Self.cases(file).count) tests): \(reason)")
        }
    }

    /// Inheritance and dynamic names: each test either renders as expected (one whose templates do not use
    /// the feature) or is refused with a syntax error; none renders a wrong page silently.
    @Test(arguments: ["~inheritance.json", "~dynamic-names.json"]) func unsupportedModuleIsRefused(_ file: String) throws {
        let (count, notPassed) = try Self.notPassed(file)
        let wrong = notPassed.filter { if case .failed = $0.value { true } else { false } }
        print("Mustache spec \(file): \(notPassed.count - wrong.count) of \(count) refused, \(count - notPassed.count) passed, \(wrong.count) wrong")
        #expect(wrong.isEmpty, "rendered wrongly instead of refused: \(wrong)")
    }
}
