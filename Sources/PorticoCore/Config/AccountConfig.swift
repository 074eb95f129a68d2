import Foundation

/// `accounts/<slug>/account.yml`: one client account.
public struct AccountConfig: Sendable, Equatable {
    public var slug: String
    public var name: LocalizedText
    public var industry: String
    public var locale: Language
    public var brand: Brand
    public var generation: Int
    /// Where `generation:` is written (nil when it is not).
    public var generationLocation: SourceLocation?
    public var readablePath: Bool
    public var gateShowsName: Bool
    public var include: [IncludeRule]
    public var viewers: [Viewer]
    public var smes: [SME]

    public init(slug: String, name: LocalizedText, industry: String = "", locale: Language = .en, brand: Brand = Brand(),
                generation: Int = 1, readablePath: Bool = false, gateShowsName: Bool = false,
                include: [IncludeRule] = [], viewers: [Viewer] = [], smes: [SME] = []) {
        self.slug = slug
        self.name = name
        self.industry = industry
        self.locale = locale
        self.brand = brand
        self.generation = generation
        self.readablePath = readablePath
        self.gateShowsName = gateShowsName
        self.include = include
        self.viewers = viewers
        self.smes = smes
    }

    public struct Brand: Sendable, Equatable {
        public var color: String
        /// Path of the logo under the account folder (`assets/logo.svg`).
        public var logo: String?
        public init(color: String = "#1f4e8c", logo: String? = nil) { self.color = color; self.logo = logo }
    }

    /// Viewers who get a key at a build on `day`: not revoked and not expired.
    public func activeViewers(on day: Day) -> [Viewer] {
        viewers.filter { $0.isActive(on: day) }
    }

    /// The SME named by a page's `sme:` (a name or an email), case-insensitively.
    public func sme(named reference: String) -> SME? {
        let key = reference.lowercased()
        return smes.first { $0.name.lowercased() == key || $0.email?.lowercased() == key }
    }
}

/// A rule selecting library pages; a page matches when it matches every key the rule names.
public struct IncludeRule: Sendable, Equatable {
    public var industries: [String]?
    public var tags: [String]?
    public var pages: [String]?
    public var location: SourceLocation

    public init(industries: [String]? = nil, tags: [String]? = nil, pages: [String]? = nil, location: SourceLocation) {
        self.industries = industries
        self.tags = tags
        self.pages = pages
        self.location = location
    }
}

public struct Viewer: Sendable, Equatable {
    public var id: String
    /// Mixed into the viewer's token: a new serial is a new link, and the old one stops working. Nil for viewers
    /// from before serials existed (their token is derived as it always was).
    public var serial: String?
    public var name: String?
    public var email: String?
    public var expires: Day?
    public var revoked: Bool
    public var location: SourceLocation

    public init(id: String, serial: String? = nil, name: String? = nil, email: String? = nil, expires: Day? = nil, revoked: Bool = false,
                location: SourceLocation = SourceLocation(file: "")) {
        self.id = id
        self.serial = serial
        self.name = name
        self.email = email
        self.expires = expires
        self.revoked = revoked
        self.location = location
    }

    public func isActive(on day: Day) -> Bool {
        !revoked && (expires.map { $0 >= day } ?? true)
    }

    public var displayName: String { name ?? id }
}

public struct SME: Sendable, Equatable {
    public var name: String
    public var email: String?
    public var topics: [String]
    public var location: SourceLocation

    public init(name: String, email: String? = nil, topics: [String] = [], location: SourceLocation = SourceLocation(file: "")) {
        self.name = name
        self.email = email
        self.topics = topics
        self.location = location
    }
}
