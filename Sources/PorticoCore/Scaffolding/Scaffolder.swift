import Foundation

/// `portico new`: files from the content model with valid front matter, never overwriting anything.
public struct Scaffolder: Sendable {
    public let contentRoot: URL
    public let today: Day

    public init(contentRoot: URL, today: Day = .today()) {
        self.contentRoot = contentRoot
        self.today = today
    }

    public struct Plan: Sendable, Equatable {
        /// Paths relative to the content folder, with their text.
        public var files: [String: String]
        /// Things the user should know (a date-based slug, draft status).
        public var notes: [String]
    }

    public enum Failure: Error, CustomStringConvertible, Equatable {
        case exists(String)
        case invalid(String)

        public var description: String {
            switch self {
            case .exists(let path): "\(path) already exists; Portico never overwrites content"
            case .invalid(let why): why
            }
        }
    }

    public func account(slug: String, name: String, industry: String, locale: Language) throws -> Plan {
        guard Identifier.isSlug(slug) else {
            throw Failure.invalid("`\(slug)` is not a valid account slug: use lowercase letters, digits and hyphens")
        }
        let base = "accounts/\(slug)"
        guard !exists(base) else { throw Failure.exists("content/\(base)") }
        let yaml = """
        name: \(quoted(name))
        industry: \(quoted(industry))
        locale: \(locale.rawValue)
        brand:
          color: "#1f4e8c"
        # Which library pieces this account sees: a rule matches when every key it names matches,
        # e.g. `- industries: [\(industry)]` or `- pages: [insights/some-piece.md]`. Run `portico check`
        # after adding rules: a library piece linking to one the account does not include is an error.
        include: []
        viewers:
          - id: first-reader
            name: First Reader
            email: first.reader@example.com
            expires: \(Day(year: today.year + 1, month: today.month, day: min(today.day, 28)))
        smes:
          - name: Your Expert
            email: expert@example.com
            topics: [\(industry)]

        """
        var files = ["\(base)/account.yml": yaml]
        for kind in PageKind.allCases { files["\(base)/\(kind.rawValue)/.gitkeep"] = "" }
        files["\(base)/assets/.gitkeep"] = ""
        return Plan(files: files, notes: [
            "Edit \(base)/account.yml: set the real viewers and SMEs, brand colour and logo, then `portico token issue \(slug) first-reader`.",
        ])
    }

    /// `owner` is `library` or an account slug.
    public func page(kind: PageKind, owner: String, title: String) throws -> Plan {
        let base: String
        if owner == "library" { base = "library" } else {
            guard exists("accounts/\(owner)/account.yml") else {
                throw Failure.invalid("no account `\(owner)`: create it with `portico new account \(owner) --name …`, or use `library`")
            }
            base = "accounts/\(owner)"
        }
        let trimmed = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Failure.invalid("the title is empty") }
        var notes: [String] = []
        let isCJK = trimmed.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3400...0x4DBF).contains($0.value) }
        var slug = isCJK ? "" : String(Slug.make(trimmed).prefix(60)).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
        if slug.isEmpty || slug.unicodeScalars.contains(where: { $0.value > 127 }) {
            slug = "\(today)-\(kind.singular)"
            notes.append("The title is not Latin text, so the file name uses a stable date-based slug (\(slug)) rather than a transliteration; rename the file if you prefer another URL.")
        }
        var path = "\(base)/\(kind.rawValue)/\(slug).md"
        var counter = 2
        while exists(path) {
            if !isCJK { throw Failure.exists("content/\(path)") }
            path = "\(base)/\(kind.rawValue)/\(slug)-\(counter).md"
            counter += 1
        }
        let lang: Language = isCJK ? .zhCN : .en
        let text = """
        ---
        title: \(quoted(trimmed))
        date: \(today)
        summary: ""
        tags: []
        lang: \(lang.rawValue)
        draft: true
        ---

        \(isCJK ? "## 概述\n\n在此撰写正文。" : "## Overview\n\nWrite the piece here.")

        """
        notes.append("The page is a draft: preview it with `portico preview`, and remove `draft: true` to publish it.")
        return Plan(files: [path: text], notes: notes)
    }

    /// Writes a plan's files; fails before writing anything if one exists.
    public func write(_ plan: Plan) throws {
        for path in plan.files.keys where exists(path) { throw Failure.exists("content/\(path)") }
        for (path, text) in plan.files.sorted(by: { $0.key < $1.key }) {
            let url = contentRoot.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: contentRoot.appendingPathComponent(path).path) }

    func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
    }
}
