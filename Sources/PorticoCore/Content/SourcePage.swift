import Foundation

/// The three kinds of piece; a page's kind is the folder it sits in.
public enum PageKind: String, Sendable, CaseIterable, Comparable {
    case insights
    case solutions
    case caseStudies = "case-studies"

    /// `insight`, `solution`, `case-study`.
    public var singular: String {
        switch self {
        case .insights: "insight"
        case .solutions: "solution"
        case .caseStudies: "case-study"
        }
    }

    public static func < (a: PageKind, b: PageKind) -> Bool { a.order < b.order }

    /// Position in `allCases` (sorting compares kinds often enough that searching `allCases` showed).
    private var order: Int {
        switch self {
        case .insights: 0
        case .solutions: 1
        case .caseStudies: 2
        }
    }
}

/// Where a page lives: the shared library or one account's own folder.
public enum PageOrigin: Hashable, Sendable {
    case library
    case account(String)
}

/// A Markdown file as written: front matter and body, before any account sees it.
public struct SourcePage: Sendable, Equatable {
    /// Path relative to the content folder, e.g. `library/insights/ev-batteries.md`.
    public var sourcePath: String
    public var origin: PageOrigin
    public var kind: PageKind
    public var slug: String
    public var title: String
    public var date: Day
    public var summary: String?
    public var industries: [String]
    public var tags: [String]
    public var lang: Language?
    public var draft: Bool
    public var author: String?
    public var sme: String?
    public var smeLocation: SourceLocation?
    public var body: String
    /// Line in the file where `body` starts (1-based), so Markdown positions map back to the file.
    public var bodyStartLine: Int

    public init(sourcePath: String, origin: PageOrigin, kind: PageKind, slug: String, title: String, date: Day,
                summary: String? = nil, industries: [String] = [], tags: [String] = [], lang: Language? = nil,
                draft: Bool = false, author: String? = nil, sme: String? = nil, smeLocation: SourceLocation? = nil,
                body: String, bodyStartLine: Int = 1) {
        self.sourcePath = sourcePath
        self.origin = origin
        self.kind = kind
        self.slug = slug
        self.title = title
        self.date = date
        self.summary = summary
        self.industries = industries
        self.tags = tags
        self.lang = lang
        self.draft = draft
        self.author = author
        self.sme = sme
        self.smeLocation = smeLocation
        self.body = body
        self.bodyStartLine = bodyStartLine
    }

    /// Path under `library/` (`insights/x.md`) for library pages, as include rules name them.
    public var libraryPath: String? {
        guard origin == .library else { return nil }
        return String(sourcePath.dropFirst("library/".count))
    }

    /// Output path relative to the account root.
    public var outputPath: String { "\(kind.rawValue)/\(slug)/index.html" }

    public func isFuture(relativeTo today: Day) -> Bool { date > today }
}
