import Foundation
import PorticoCore
import PorticoTheme

/// The console's templates, strings and stylesheet: `console/` in the theme, each file overridable by a
/// `console/` folder in `--templates` (as the site's templates are).
public struct ConsoleTheme: Sendable {
    public static let pages = ["layout", "sign-in", "accounts", "account", "inbox", "item", "message", "report", "report.txt"]

    let templates: [String: Template]
    let strings: [Language: [String: String]]
    let stylesheet: Data

    public enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        case syntax(file: String, TemplateSyntaxError)
        case strings(file: String, String)

        public var description: String {
            switch self {
            case .missing(let name): "the console template `console/\(name).mustache` is missing from the theme"
            case .syntax(let file, let error): "\(file):\(error.line):\(error.column): \(error.message) (\(error.hint))"
            case .strings(let file, let problem): "\(file): \(problem)"
            }
        }
    }

    /// `folders`: override folders first; the default theme is always last.
    public init(overrides folders: [URL] = []) throws(LoadError) {
        let search = folders.map { $0.appendingPathComponent("console") } + [PorticoTheme.directory.appendingPathComponent("console")]
        func file(_ name: String) -> URL? {
            search.map { $0.appendingPathComponent(name) }.first { FileManager.default.fileExists(atPath: $0.path) }
        }
        var templates: [String: Template] = [:]
        let names = Self.pages + Self.partials(in: search)
        for name in names {
            guard let url = file(name + ".mustache"), let text = try? String(contentsOf: url, encoding: .utf8) else { throw .missing(name) }
            do { templates[name] = try Template(text) } catch { throw .syntax(file: url.path, error) }
        }
        self.templates = templates
        // The default strings first, then each override's on top: an override may translate a few keys only.
        var strings: [Language: [String: String]] = [:]
        for url in search.reversed().map({ $0.appendingPathComponent("strings.yml") }) {
            guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
            let log = DiagnosticLog()
            Theme.mergeStrings(text, file: url.path, into: &strings, log: log)
            if let problem = log.errors.first { throw .strings(file: url.path, problem.message) }
        }
        if strings.isEmpty { throw .missing("strings.yml") }
        self.strings = strings
        guard let css = file("console.css").flatMap({ try? Data(contentsOf: $0) }) else { throw .missing("console.css") }
        stylesheet = css
    }

    /// `partial-*.mustache` files, included as `{{> partial-name}}`.
    static func partials(in folders: [URL]) -> [String] {
        let names = folders.flatMap { (try? FileManager.default.contentsOfDirectory(atPath: $0.path)) ?? [] }
        return Set(names.filter { $0.hasPrefix("partial-") && $0.hasSuffix(".mustache") }.map { String($0.dropLast(".mustache".count)) }).sorted()
    }

    public func strings(_ language: Language) -> [String: String] { strings[language] ?? strings[.en] ?? [:] }

    /// `template` alone (the report's e-mail pages have no console layout).
    func renderAlone(_ template: String, _ context: TemplateMap) -> String {
        templates[template]?.render(.map(context), partials: templates) ?? ""
    }

    /// `page` rendered with `context`, inside the layout.
    func render(_ page: String, _ context: TemplateMap) -> String {
        var context = context
        context["body"] = .string(templates[page]?.render(.map(context), partials: templates) ?? "")
        return templates["layout"]?.render(.map(context), partials: templates) ?? ""
    }
}
