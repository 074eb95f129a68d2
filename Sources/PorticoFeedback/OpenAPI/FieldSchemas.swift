import OpenAPIKit
import PorticoCore

/// JSON Schemas for the submission body, built from the same `FieldRule`s and `Envelope` limits the server checks.
enum FieldSchemas {
    static func schema(for rule: FieldRule) -> JSONSchema {
        let description = rule.label.values.isEmpty ? rule.label.fallback
            : Language.all.compactMap { language in rule.label.values[language].map { "\(language.rawValue): \($0)" } }.joined(separator: " / ")
        switch rule.value {
        case .rating(let range):
            return .integer(required: rule.required, description: description,
                            maximum: (range.upperBound, exclusive: false), minimum: (range.lowerBound, exclusive: false))
        case .text(let minLength, let maxLength):
            return .string(required: rule.required, description: description, minLength: minLength == 0 ? nil : minLength, maxLength: maxLength,
                           pattern: FieldValidator.noNULPattern)
        case .choice(let allowed):
            return .string(required: rule.required, description: description, allowedValues: allowed.map { AnyCodable($0) })
        case .checkbox(let mustBeTrue):
            return .boolean(required: rule.required, description: description, allowedValues: mustBeTrue ? [AnyCodable(true)] : nil)
        }
    }

    static func fields(_ rules: [FieldRule], description: String = "The form's answers, one property per field of portal.yml's `feedback.fields`.") -> JSONSchema {
        var properties = OrderedDictionary<String, JSONSchema>()
        for rule in rules { properties[rule.name] = schema(for: rule) }
        return .object(description: description, properties: properties, additionalProperties: .a(false))
    }

    static func submission(_ rules: [FieldRule]) -> JSONSchema {
        envelope(fields: fields(rules), pagePattern: Envelope.pagePattern, pageDescription: "The page path relative to the account root.")
    }

    static var workshopRequest: JSONSchema {
        envelope(fields: fields(WorkshopForm.rules, description: "The \"Request a workshop\" form's answers."),
                 pagePattern: Envelope.workshopPagePattern,
                 pageDescription: "The page the form was on, relative to the account root: an article or a home page.")
    }

    private static func envelope(fields: JSONSchema, pagePattern: String, pageDescription: String) -> JSONSchema {
        .object(
            description: "Signed with `X-Portico-Proof` over the exact bytes of this body.",
            properties: [
                "account": .string(description: "The account path: the site folder the page is published in.",
                                   maxLength: Envelope.accountMaxLength, pattern: Envelope.accountPattern),
                "page": .string(description: pageDescription, maxLength: Envelope.pageMaxLength, pattern: pagePattern),
                "viewer": .string(description: "The reader's viewer id.", maxLength: Envelope.viewerMaxLength, pattern: Envelope.viewerPattern),
                "timestamp": .integer(format: .int64, description: "Unix seconds when the reader sent it; must be within \(Envelope.defaultClockSkew) s of the server's clock.",
                                      maximum: (Int(Envelope.timestampRange.upperBound), exclusive: false),
                                      minimum: (Int(Envelope.timestampRange.lowerBound), exclusive: false)),
                "nonce": .string(description: "Random, never reused: a repeated nonce is a replay.",
                                 minLength: Envelope.nonceMinLength, maxLength: Envelope.nonceMaxLength, pattern: Envelope.noncePattern),
                "fields": fields,
            ],
            additionalProperties: .a(false))
    }

    static let receipt: JSONSchema = .object(properties: [
        "id": .integer(format: .int64, description: "The stored submission's id.", minimum: (1, exclusive: false)),
        "status": .string(allowedValues: [AnyCodable("received")]),
    ])

    /// RFC 9457 problem details, with `field` naming what failed.
    static let problem: JSONSchema = .object(properties: [
        "type": .string(format: .uriReference),
        "title": .string,
        "status": .integer(maximum: (599, exclusive: false), minimum: (400, exclusive: false)),
        "detail": .string(required: false),
        "field": .string(required: false, description: "The body property (`fields.<name>`), header or part that failed."),
    ])

    static let health: JSONSchema = .object(properties: ["status": .string(allowedValues: [AnyCodable("ok")])])
}
