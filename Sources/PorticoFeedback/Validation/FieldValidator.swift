/// Checks a submission's `fields` against the form's rules.
public struct FieldValidator: Sendable {
    /// The text fields' JSON Schema pattern: anything but U+0000 (which the validator refuses).
    static let noNULPattern = "^[^\\u0000]*$"

    public let rules: [FieldRule]

    public init(rules: [FieldRule]) {
        self.rules = rules
    }

    public func validate(_ fields: [String: JSONValue]) throws(ValidationFailure) -> [String: JSONValue] {
        // One pass over the fields, each found among the rules by comparing names (a form has a handful): on every
        // submission's path, where a set, a lookup per rule and a new dictionary hashed every name three times.
        var values = [JSONValue?](repeating: nil, count: rules.count)
        var unknown: String?
        for (name, value) in fields {
            if let index = rules.firstIndex(where: { $0.name == name }) {
                values[index] = value
            } else {
                unknown = firstInSortedOrder(unknown, name)
            }
        }
        if let unknown {
            throw ValidationFailure(field: "fields.\(unknown)", "the form has no field `\(unknown)`; it has: \(rules.map(\.name).joined(separator: ", "))")
        }
        var valid = fields   // every name is the form's now; only a rating written `3.0` is stored otherwise
        for (index, rule) in rules.enumerated() {
            guard let value = values[index] else {
                if rule.required { throw ValidationFailure(field: "fields.\(rule.name)", "`\(rule.name)` is required") }
                continue
            }
            let checked = try check(value, against: rule)
            if checked != value { valid[rule.name] = checked }
        }
        return valid
    }

    private func check(_ value: JSONValue, against rule: FieldRule) throws(ValidationFailure) -> JSONValue {
        let field = "fields.\(rule.name)"
        switch rule.value {
        case .rating(let range):
            guard let number = value.integerValue, range.contains(Int(clamping: number)) else {
                throw ValidationFailure(field: field, "`\(rule.name)` must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return .integer(number)
        case .text(let minLength, let maxLength):
            guard case .string(let text) = value else {
                throw ValidationFailure(field: field, "`\(rule.name)` must be a string, not \(value.typeName)")
            }
            let length = text.unicodeScalars.count
            if length > maxLength {
                throw ValidationFailure(field: field, "`\(rule.name)` is \(length) characters long; the limit is \(maxLength)")
            }
            if length < minLength { throw ValidationFailure(field: field, "`\(rule.name)` is required and must not be empty") }
            // PostgreSQL's text cannot hold U+0000, and no reader types it: refused on every backend alike.
            if text.unicodeScalars.contains("\u{0}") {
                throw ValidationFailure(field: field, "`\(rule.name)` contains a NUL character (U+0000); remove it")
            }
            return value
        case .choice(let allowed):
            guard case .string(let text) = value, allowed.contains(text) else {
                let options = allowed.filter { !$0.isEmpty }.map { "`\($0)`" }.joined(separator: ", ")
                throw ValidationFailure(field: field, "`\(rule.name)` must be one of \(options)")
            }
            return value
        case .checkbox(let mustBeTrue):
            guard case .bool(let checked) = value else {
                throw ValidationFailure(field: field, "`\(rule.name)` must be true or false, not \(value.typeName)")
            }
            if mustBeTrue && !checked { throw ValidationFailure(field: field, "`\(rule.name)` must be ticked") }
            return value
        }
    }
}
