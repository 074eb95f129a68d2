import PorticoCore

/// What one form field accepts, derived once from portal.yml's `feedback.fields`.
/// The validator and the OpenAPI document both read these rules, so they cannot disagree.
public struct FieldRule: Sendable, Equatable {
    public enum Value: Sendable, Equatable {
        /// A whole number in the range (JSON numbers with no fraction count, as JSON Schema says).
        case rating(ClosedRange<Int>)
        /// A string whose length in Unicode code points (JSON Schema's measure) is in the range.
        case text(minLength: Int, maxLength: Int)
        /// One of the option values; an optional choice also allows `""` (the form's "choose…" entry).
        case choice([String])
        /// A boolean; a required checkbox must be ticked.
        case checkbox(mustBeTrue: Bool)
    }

    public var name: String
    public var required: Bool
    public var value: Value
    public var label: LocalizedText

    public init(_ field: FeedbackField) {
        name = field.name
        required = field.required
        label = field.label
        switch field.kind {
        case .rating: value = .rating(1...5)
        case .text(let max): value = .text(minLength: field.required ? 1 : 0, maxLength: max)
        case .choice(let options): value = .choice((field.required ? [] : [""]) + options.map(\.value))
        case .checkbox: value = .checkbox(mustBeTrue: field.required)
        }
    }

    public static func rules(for config: FeedbackConfig) -> [FieldRule] { config.fields.map(FieldRule.init) }
}
