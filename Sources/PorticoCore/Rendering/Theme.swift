import Foundation
import Yams

/// The templates, UI strings and static assets of a build: a portal's own folder layered over the default theme.
public struct Theme: Sendable {
    public let templates: [String: Template]
    public let strings: [Language: [String: String]]
    /// Static files for `site/_portico/`, by file name.
    public let assets: [String: URL]
    /// Where each template came from, for error messages.
    public let sources: [String: String]
    /// The literal element ids of the templates an article page is made of (`main`, `pt-toc-title` …).
    public let articlePageIDs: Set<String>

    public static let requiredTemplates = ["layout", "home", "list", "article", "search", "index", "gate"]

    /// Loads `folders` in order; a file in an earlier folder overrides the same file in a later one.
    public init(folders: [URL], log: DiagnosticLog) {
        var templates: [String: Template] = [:]
        var sources: [String: String] = [:]
        var ids: [String: Set<String>] = [:]
        var strings: [Language: [String: String]] = [:]
        var assets: [String: URL] = [:]
        let fileManager = FileManager.default
        for folder in folders.reversed() {
            for (name, url) in Self.templateFiles(in: folder) {
                let path = url.path
                do {
                    let text = try String(contentsOf: url, encoding: .utf8)
                    templates[name] = try Template(text)
                    sources[name] = path
                    ids[name] = LayoutIDs.otherPages.contains(name) ? [] : LayoutIDs.literalIDs(in: text)
                } catch let error as TemplateSyntaxError {
                    log.report(.error("template", at: SourceLocation(file: path, line: error.line, column: error.column),
                                      "template `\(name)`: \(error.message)", hint: error.hint))
                } catch {
                    log.report(.error("template", at: SourceLocation(file: path), "template `\(name)` cannot be read: \(error.localizedDescription)",
                                      hint: "check that the file is UTF-8 text"))
                }
            }
            let stringsURL = folder.appendingPathComponent("strings.yml")
            if let text = try? String(contentsOf: stringsURL, encoding: .utf8) {
                Self.mergeStrings(text, file: stringsURL.path, into: &strings, log: log)
            }
            let assetFolder = folder.appendingPathComponent("assets")
            for name in ((try? fileManager.contentsOfDirectory(atPath: assetFolder.path)) ?? []).sorted() where !name.hasPrefix(".") {
                assets[name] = assetFolder.appendingPathComponent(name)
            }
        }
        for name in Self.requiredTemplates where sources[name] == nil {
            log.report(.error("missing-template", at: SourceLocation(file: folders.first?.path ?? "templates"),
                              "template `\(name).mustache` is missing", hint: "add it, or remove --templates to use the default theme"))
        }
        for (name, template) in templates.sorted(by: { $0.key < $1.key }) {
            for reference in template.partialReferences where templates[reference.name] == nil {
                log.report(.error("missing-partial", at: SourceLocation(file: sources[name] ?? name, line: reference.line, column: reference.column),
                                  "template `\(name)` includes the partial `\(reference.name)`, which does not exist",
                                  hint: "add partials/\(reference.name).mustache, or fix the name"))
            }
        }
        self.templates = templates
        self.sources = sources
        self.articlePageIDs = ids.values.reduce(into: Set<String>()) { $0.formUnion($1) }
        self.strings = strings
        self.assets = assets
    }

    static func templateFiles(in folder: URL) -> [(String, URL)] {
        var result: [(String, URL)] = []
        for sub in ["", "partials"] {
            let dir = sub.isEmpty ? folder : folder.appendingPathComponent(sub)
            let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
            for name in names where name.hasSuffix(".mustache") {
                result.append((String(name.dropLast(".mustache".count)), dir.appendingPathComponent(name)))
            }
        }
        return result
    }

    public static func mergeStrings(_ text: String, file: String, into strings: inout [Language: [String: String]], log: DiagnosticLog) {
        var reader = YAMLReader(file: file)
        defer { log.report(contentsOf: reader.diagnostics) }
        guard let top = reader.parseMapping(text, what: "strings.yml") else { return }
        for (key, value) in top {
            guard let tag = key.string, let language = Language(tag: tag), let map = value.mapping else {
                reader.error("strings", key, "strings.yml: `\(key.string ?? "")` is not a supported language map", hint: "use top-level keys en and zh-CN")
                continue
            }
            for (name, text) in map {
                guard let name = name.string, let text = text.scalar?.string else {
                    reader.error("strings", name, "strings.yml: every string must be text")
                    continue
                }
                strings[language, default: [:]][name] = text
            }
        }
    }

    /// Whether `template`, or a partial it includes at any depth, looks up any of `roots` (as `{{root}}`,
    /// `{{root.x}}` or `{{#root}}`).
    func reads(_ template: String, anyOf roots: Set<String>) -> Bool {
        var seen: Set<String> = [], pending = [template]
        while let name = pending.popLast() {
            guard seen.insert(name).inserted, let parsed = templates[name] else { continue }
            if !parsed.lookedUpRoots.isDisjoint(with: roots) { return true }
            pending.append(contentsOf: parsed.includedPartials)
        }
        return false
    }

    public func strings(for language: Language) -> [String: String] {
        strings[language] ?? strings[.en] ?? [:]
    }

    public func string(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let text = strings(for: language)[key] ?? strings(for: .en)[key] ?? key
        return values.isEmpty ? text : text.replacingAll(values.sorted { $0.key < $1.key }.map { ("{\($0.key)}", $0.value) })
    }

    public func render(_ template: String, _ context: TemplateValue) -> String {
        templates[template]?.render(context, partials: templates) ?? ""
    }

    public func renderBytes(_ template: String, _ context: TemplateValue) -> [UInt8] {
        templates[template]?.renderBytes(context, partials: templates) ?? []
    }

    /// For contexts built rarely (the gate shell, the digest); the page renderer builds `TemplateValue`s directly.
    public func render(_ template: String, _ context: [String: Any]) -> String {
        render(template, TemplateValue(any: context) ?? [:])
    }
}
