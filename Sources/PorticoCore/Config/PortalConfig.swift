import Foundation

/// `content/portal.yml`: settings shared by every account's site.
public struct PortalConfig: Sendable, Equatable {
    public var title: String
    public var baseURL: String
    public var languages: [Language]
    public var feedback: FeedbackConfig
    public var unsafeHTML: Bool
    public var engagement: EngagementConfig
    public var staff: [StaffMember]

    public init(title: String = "Portico", baseURL: String = "http://localhost", languages: [Language] = Language.all,
                feedback: FeedbackConfig = FeedbackConfig(), unsafeHTML: Bool = false, engagement: EngagementConfig = EngagementConfig(),
                staff: [StaffMember] = []) {
        self.title = title
        self.baseURL = baseURL
        self.languages = languages
        self.feedback = feedback
        self.unsafeHTML = unsafeHTML
        self.engagement = engagement
        self.staff = staff
    }
}

/// The UI languages Portico ships strings for.
public enum Language: String, Sendable, CaseIterable, Comparable {
    case en
    case zhCN = "zh-CN"

    public static let all: [Language] = [.en, .zhCN]

    public init?(tag: String) {
        switch tag.lowercased() {
        case "en", "en-us", "en-gb": self = .en
        case "zh-cn", "zh", "zh-hans", "zh-hans-cn": self = .zhCN
        default: return nil
        }
    }

    public static func < (a: Language, b: Language) -> Bool { a.rawValue < b.rawValue }
}

/// Text given once or per language (`name: {en: …, zh-CN: …}`).
public struct LocalizedText: Sendable, Equatable {
    public var values: [Language: String]
    public var fallback: String

    public init(_ text: String) {
        values = [:]
        fallback = text
    }

    public init(values: [Language: String]) {
        self.values = values
        fallback = values[.en] ?? values.sorted { $0.key < $1.key }.first?.value ?? ""
    }

    public subscript(language: Language) -> String { values[language] ?? fallback }

    public var allValues: [String] { values.isEmpty ? [fallback] : values.keys.sorted().compactMap { values[$0] } }
}

/// `feedback:` in portal.yml: where the form posts and what it asks.
public struct FeedbackConfig: Sendable, Equatable {
    public var endpoint: String
    public var webhook: String?
    public var fields: [FeedbackField]

    public init(endpoint: String = "http://127.0.0.1:8099/v1/feedback", webhook: String? = nil,
                fields: [FeedbackField] = FeedbackField.defaults) {
        self.endpoint = endpoint
        self.webhook = webhook
        self.fields = fields
    }
}

public struct FeedbackField: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case rating
        case text(max: Int)
        case choice(options: [Option])
        case checkbox
    }

    public struct Option: Sendable, Equatable {
        public var value: String
        public var label: LocalizedText
        public init(value: String, label: LocalizedText) { self.value = value; self.label = label }
    }

    public var name: String
    public var kind: Kind
    public var required: Bool
    public var label: LocalizedText

    public init(name: String, kind: Kind, required: Bool, label: LocalizedText) {
        self.name = name
        self.kind = kind
        self.required = required
        self.label = label
    }

    public var typeName: String {
        switch kind {
        case .rating: "rating"
        case .text: "text"
        case .choice: "choice"
        case .checkbox: "checkbox"
        }
    }

    /// Applies when portal.yml names no fields.
    public static let defaults: [FeedbackField] = [
        FeedbackField(name: "rating", kind: .rating, required: false,
                      label: LocalizedText(values: [.en: "How useful was this piece?", .zhCN: "这篇内容对您有多大帮助？"])),
        FeedbackField(name: "message", kind: .text(max: 2000), required: true,
                      label: LocalizedText(values: [.en: "Your question or comment", .zhCN: "您的问题或意见"])),
        FeedbackField(name: "workshop", kind: .checkbox, required: false,
                      label: LocalizedText(values: [.en: "I'd like a workshop or POC on this topic", .zhCN: "我希望就此主题安排研讨会或概念验证（POC）"])),
    ]
}
