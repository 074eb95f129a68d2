import Foundation
import Yams

/// Parses portal.yml and account.yml text into configs, collecting located diagnostics.
public enum ConfigParser {
    public static let portalKeys = ["title", "base_url", "languages", "feedback", "markdown", "engagement", "staff"]
    public static let accountKeys = ["name", "industry", "locale", "brand", "generation", "path", "gate", "include", "viewers", "smes"]
    public static let includeKeys = ["industries", "tags", "pages"]
    public static let viewerKeys = ["id", "serial", "name", "email", "expires", "revoked"]
    public static let smeKeys = ["name", "email", "topics"]

    public static func portal(_ text: String, file: String = "portal.yml") -> (PortalConfig, [Diagnostic]) {
        var reader = YAMLReader(file: file)
        var config = PortalConfig()
        guard let map = reader.parseMapping(text, what: file) else { return (config, reader.diagnostics) }
        reader.checkKeys(map, allowed: portalKeys, what: file)
        if let title = reader.string(map, "title", required: true, what: file) { config.title = title }
        if let url = reader.string(map, "base_url", required: true, what: file) {
            if URL(string: url)?.scheme?.hasPrefix("http") == true {
                config.baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
            } else {
                reader.error("bad-base_url", reader.entry(map, "base_url")?.value, "`base_url` must be an http(s) URL, not \(url)",
                             hint: "write e.g. `base_url: https://portals.example.com`")
            }
        }
        if let tags = reader.stringList(map, "languages", what: file) {
            var languages: [Language] = []
            for tag in tags {
                if let language = Language(tag: tag) { languages.append(language) } else {
                    reader.error("bad-language", reader.entry(map, "languages")?.value, "unsupported language `\(tag)`",
                                 hint: "Portico ships UI strings for: en, zh-CN")
                }
            }
            if !languages.isEmpty { config.languages = languages }
        }
        if let (_, node) = reader.entry(map, "markdown") {
            if let markdown = node.mapping {
                reader.checkKeys(markdown, allowed: ["unsafe_html"], what: "markdown")
                config.unsafeHTML = reader.bool(markdown, "unsafe_html", what: "markdown") ?? false
            } else {
                reader.error("bad-markdown", node, "`markdown` must be a mapping", hint: "write `markdown:\\n  unsafe_html: false`")
            }
        }
        if let (_, node) = reader.entry(map, "feedback") {
            if let feedback = node.mapping {
                config.feedback = parseFeedback(feedback, reader: &reader)
            } else {
                reader.error("bad-feedback", node, "`feedback` must be a mapping with `endpoint`")
            }
        }
        if let (_, node) = reader.entry(map, "engagement") {
            if let engagement = node.mapping {
                config.engagement = parseEngagement(engagement, reader: &reader)
            } else {
                reader.error("bad-engagement", node, "`engagement` must be a mapping",
                             hint: "write `engagement:\n  reading: true\n  retention_days: 365`")
            }
        }
        if let (_, node) = reader.entry(map, "staff") {
            config.staff = parseStaff(node, reader: &reader)
        }
        return (config, reader.diagnostics)
    }

    private static func parseEngagement(_ map: Node.Mapping, reader: inout YAMLReader) -> EngagementConfig {
        var engagement = EngagementConfig()
        reader.checkKeys(map, allowed: ["reading", "retention_days"], what: "engagement", severity: .error)
        engagement.reading = reader.bool(map, "reading", what: "engagement") ?? false
        if let days = reader.int(map, "retention_days", what: "engagement") {
            if (1...3650).contains(days) { engagement.retentionDays = days } else {
                reader.error("bad-retention_days", reader.entry(map, "retention_days")?.value,
                             "`engagement.retention_days` must be between 1 and 3650, not \(days)",
                             hint: "write the number of days reading events are kept, e.g. `retention_days: 365`")
            }
        }
        return engagement
    }

    private static func parseStaff(_ node: Node, reader: inout YAMLReader) -> [StaffMember] {
        guard let list = node.sequence else {
            reader.error("bad-staff", node, "`staff` must be a list of people",
                         hint: "write `staff:\n  - id: jlee\n    name: Jo Lee\n    role: sme\n    accounts: [acme]`")
            return []
        }
        var staff: [StaffMember] = []
        for item in list {
            guard let entry = item.mapping else { reader.error("bad-staff-entry", item, "a staff entry must be a mapping with `id`, `name`, `role` and `accounts`"); continue }
            reader.checkKeys(entry, allowed: ["id", "name", "email", "role", "accounts"], what: "staff entry", severity: .error)
            guard let id = reader.string(entry, "id", required: true, at: item, what: "staff entry") else { continue }
            guard Identifier.isViewerID(id) else {
                reader.error("bad-staff-id", reader.entry(entry, "id")?.value, "staff id `\(id)` is not allowed",
                             hint: "use lowercase letters, digits, - and _ (like viewer ids)")
                continue
            }
            let name = reader.string(entry, "name", required: true, at: item, what: "staff entry \(id)") ?? id
            let email = reader.string(entry, "email", what: "staff entry \(id)")
            var role = StaffMember.Role.sme
            if let text = reader.string(entry, "role", required: true, at: item, what: "staff entry \(id)") {
                if let parsed = StaffMember.Role(rawValue: text) { role = parsed } else {
                    reader.error("bad-staff-role", reader.entry(entry, "role")?.value, "staff role `\(text)` is not one of sme, manager, admin",
                                 hint: Spelling.closest(to: text, in: StaffMember.Role.allCases.map(\.rawValue)).map { "did you mean `\($0)`?" }
                                    ?? "use sme, manager or admin")
                }
            }
            var accounts = StaffMember.Accounts.only([])
            if let (_, value) = reader.entry(entry, "accounts") {
                if value.scalar?.string == "all" {
                    accounts = .all
                } else if let slugs = reader.stringList(entry, "accounts", what: "staff entry \(id)") {
                    accounts = .only(slugs)
                }
            } else {
                reader.missing("accounts", owner: item, what: "staff entry \(id)", example: "[acme] (or all)")
            }
            if staff.contains(where: { $0.id == id }) {
                reader.error("duplicate-staff", reader.entry(entry, "id")?.value, "staff id `\(id)` is listed twice", hint: "give each person one entry")
                continue
            }
            staff.append(StaffMember(id: id, name: name, email: email, role: role, accounts: accounts, location: reader.location(of: item)))
        }
        return staff
    }

    private static func parseFeedback(_ map: Node.Mapping, reader: inout YAMLReader) -> FeedbackConfig {
        var feedback = FeedbackConfig()
        reader.checkKeys(map, allowed: ["endpoint", "webhook", "fields"], what: "feedback")
        if let endpoint = reader.string(map, "endpoint", what: "feedback") { feedback.endpoint = endpoint }
        feedback.webhook = reader.string(map, "webhook", what: "feedback")
        guard let (_, node) = reader.entry(map, "fields") else { return feedback }
        guard let list = node.sequence else {
            reader.error("bad-fields", node, "`feedback.fields` must be a list of fields")
            return feedback
        }
        var fields: [FeedbackField] = []
        for item in list {
            guard let field = item.mapping else { reader.error("bad-field", item, "a feedback field must be a mapping"); continue }
            reader.checkKeys(field, allowed: ["name", "type", "required", "label", "max", "options"], what: "feedback field", severity: .error)
            guard let name = reader.string(field, "name", required: true, at: item, what: "feedback field"),
                  let type = reader.string(field, "type", required: true, at: item, what: "feedback field \(name)") else { continue }
            guard Identifier.isFieldName(name) else {
                reader.error("bad-field-name", reader.entry(field, "name")?.value, "feedback field name `\(name)` is not allowed",
                             hint: "use lowercase letters, digits and _")
                continue
            }
            let label = localized(field, "label", reader: &reader) ?? LocalizedText(name)
            let required = reader.bool(field, "required", what: "feedback field \(name)") ?? false
            let kind: FeedbackField.Kind
            switch type {
            case "rating": kind = .rating
            case "checkbox": kind = .checkbox
            case "text": kind = .text(max: reader.int(field, "max", what: "feedback field \(name)") ?? 2000)
            case "choice":
                var options: [FeedbackField.Option] = []
                if let (_, optionsNode) = reader.entry(field, "options"), let seq = optionsNode.sequence {
                    for option in seq {
                        if let value = option.scalar?.string {
                            options.append(.init(value: value, label: LocalizedText(value)))
                        } else if let m = option.mapping, let value = reader.string(m, "value", required: true, at: option, what: "option") {
                            options.append(.init(value: value, label: localized(m, "label", reader: &reader) ?? LocalizedText(value)))
                        }
                    }
                }
                if options.isEmpty {
                    reader.error("bad-options", item, "choice field `\(name)` has no options", hint: "add `options: [a, b]`")
                    continue
                }
                kind = .choice(options: options)
            default:
                reader.error("bad-field-type", reader.entry(field, "type")?.value, "unknown feedback field type `\(type)`",
                             hint: "use rating, text, choice or checkbox")
                continue
            }
            fields.append(FeedbackField(name: name, kind: kind, required: required, label: label))
        }
        if Set(fields.map(\.name)).count != fields.count {
            reader.error("duplicate-field", node, "feedback field names must be unique")
        }
        if !fields.isEmpty { feedback.fields = fields }
        return feedback
    }

    static func localized(_ map: Node.Mapping, _ key: String, reader: inout YAMLReader) -> LocalizedText? {
        guard let (_, node) = reader.entry(map, key) else { return nil }
        if let text = node.scalar?.string { return LocalizedText(text) }
        guard let per = node.mapping else {
            reader.error("bad-\(key)", node, "`\(key)` must be text or a map of language to text")
            return nil
        }
        var values: [Language: String] = [:]
        for (k, v) in per {
            guard let tag = k.string, let language = Language(tag: tag) else {
                reader.error("bad-language", k, "unsupported language `\(k.string ?? "")` in `\(key)`", hint: "use en or zh-CN")
                continue
            }
            values[language] = v.scalar?.string ?? ""
        }
        return LocalizedText(values: values)
    }

    public static func account(_ text: String, slug: String, file: String) -> (AccountConfig, [Diagnostic]) {
        var reader = YAMLReader(file: file)
        var config = AccountConfig(slug: slug, name: LocalizedText(slug))
        guard let map = reader.parseMapping(text, what: file) else { return (config, reader.diagnostics) }
        reader.checkKeys(map, allowed: accountKeys, what: file)
        if reader.entry(map, "name") == nil {
            reader.diagnostics.append(.error("missing-name", at: SourceLocation(file: file, line: 1), "\(file) has no `name`", hint: "add `name: Client Name`"))
        } else if let name = localized(map, "name", reader: &reader) { config.name = name }
        config.industry = reader.string(map, "industry", what: file) ?? ""
        if let locale = reader.string(map, "locale", what: file) {
            if let language = Language(tag: locale) { config.locale = language } else {
                reader.error("bad-locale", reader.entry(map, "locale")?.value, "unsupported locale `\(locale)`", hint: "use en or zh-CN")
            }
        }
        if let (_, node) = reader.entry(map, "brand") {
            if let brand = node.mapping {
                reader.checkKeys(brand, allowed: ["color", "logo"], what: "brand")
                if let color = reader.string(brand, "color", what: "brand") {
                    if Color(hex: color) != nil { config.brand.color = color.lowercased() } else {
                        reader.error("bad-color", reader.entry(brand, "color")?.value, "brand colour `\(color)` is not a #rrggbb colour",
                                     hint: "quote it: `color: \"#c8102e\"`")
                    }
                }
                config.brand.logo = reader.string(brand, "logo", what: "brand")
            } else {
                reader.error("bad-brand", node, "`brand` must be a mapping with `color` and `logo`")
            }
        }
        if let generation = reader.int(map, "generation", what: file) {
            config.generationLocation = reader.location(of: reader.entry(map, "generation")?.key)
            if generation >= 1 { config.generation = generation } else {
                reader.error("bad-generation", reader.entry(map, "generation")?.value, "`generation` must be 1 or more")
            }
        }
        if let path = reader.string(map, "path", what: file) {
            if path == "slug" { config.readablePath = true } else if path != "opaque" {
                reader.error("bad-path", reader.entry(map, "path")?.value, "`path` must be `opaque` or `slug`, not `\(path)`")
            }
        }
        if let (_, node) = reader.entry(map, "gate"), let gate = node.mapping {
            reader.checkKeys(gate, allowed: ["show_name"], what: "gate")
            config.gateShowsName = reader.bool(gate, "show_name", what: "gate") ?? false
        }
        config.include = parseList(map, "include", reader: &reader) { rule, node, reader in
            reader.checkKeys(rule, allowed: includeKeys, what: "include rule", severity: .error)
            let parsed = IncludeRule(industries: reader.stringList(rule, "industries", what: "include rule"),
                                     tags: reader.stringList(rule, "tags", what: "include rule"),
                                     pages: reader.stringList(rule, "pages", what: "include rule"),
                                     location: reader.location(of: node))
            if parsed.industries == nil && parsed.tags == nil && parsed.pages == nil {
                reader.error("empty-rule", node, "this include rule names no key", hint: "give it `industries`, `tags` or `pages`")
                return nil
            }
            return parsed
        }
        config.viewers = parseList(map, "viewers", reader: &reader) { viewer, node, reader in
            reader.checkKeys(viewer, allowed: viewerKeys, what: "viewer")
            guard let id = reader.string(viewer, "id", required: true, at: node, what: "viewer") else { return nil }
            guard Identifier.isViewerID(id) else {
                reader.error("bad-viewer-id", reader.entry(viewer, "id")?.value, "viewer id `\(id)` has characters Portico does not allow",
                             hint: "use letters, digits, '.', '_', '-' or '@' (at most 64)")
                return nil
            }
            var serial = reader.string(viewer, "serial", what: "viewer \(id)")
            if let text = serial, !Identifier.isSerial(text) {
                reader.error("bad-serial", reader.entry(viewer, "serial")?.value, "serial `\(text)` of viewer `\(id)` has characters Portico does not allow",
                             hint: "use 1 to 32 letters, digits, '_' or '-'; `portico token issue <account> \(id) --new-serial` writes a fresh one")
                serial = nil
            }
            return Viewer(id: id, serial: serial, name: reader.string(viewer, "name", what: "viewer \(id)"),
                          email: reader.string(viewer, "email", what: "viewer \(id)"),
                          expires: reader.date(viewer, "expires", what: "viewer \(id)"),
                          revoked: reader.bool(viewer, "revoked", what: "viewer \(id)") ?? false,
                          location: reader.location(of: node))
        }
        var seen = Set<String>()
        for viewer in config.viewers where !seen.insert(viewer.id).inserted {
            reader.diagnostics.append(.error("duplicate-viewer", at: viewer.location, "viewer id `\(viewer.id)` is used twice",
                                             hint: "give every viewer of an account its own id"))
        }
        config.smes = parseList(map, "smes", reader: &reader) { sme, node, reader in
            reader.checkKeys(sme, allowed: smeKeys, what: "SME")
            guard let name = reader.string(sme, "name", required: true, at: node, what: "SME") else { return nil }
            return SME(name: name, email: reader.string(sme, "email", what: "SME \(name)"),
                       topics: reader.stringList(sme, "topics", what: "SME \(name)") ?? [], location: reader.location(of: node))
        }
        return (config, reader.diagnostics)
    }

    private static func parseList<T>(_ map: Node.Mapping, _ key: String, reader: inout YAMLReader,
                                     _ item: (Node.Mapping, Node, inout YAMLReader) -> T?) -> [T] {
        guard let (_, node) = reader.entry(map, key) else { return [] }
        if node.scalar?.string == "" || node.scalar?.string == "null" { return [] }
        guard let sequence = node.sequence else {
            reader.error("bad-\(key)", node, "`\(key)` must be a list", hint: "start each item with `- `")
            return []
        }
        return sequence.compactMap { element in
            guard let mapping = element.mapping else {
                reader.error("bad-\(key)", element, "each item of `\(key)` must be a mapping")
                return nil
            }
            return item(mapping, element, &reader)
        }
    }
}
