/// What a template sees: text, numbers, flags, lists and maps, typed so that rendering never casts.
public enum TemplateValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    /// Rendered as Swift writes it (`1.21`), as swift-mustache does.
    case double(Double)
    case bool(Bool)
    case list([TemplateValue])
    case map(TemplateMap)

    public init(_ text: String) { self = .string(text) }
    public init(_ number: Int) { self = .int(number) }
    public init(_ number: Double) { self = .double(number) }
    public init(_ flag: Bool) { self = .bool(flag) }
    public init(_ texts: [String]) { self = .list(texts.map(TemplateValue.string)) }
    public init(_ strings: [String: String]) { self = .map(TemplateMap(strings.mapValues(TemplateValue.string))) }

    /// Converts loosely typed values (strings, integers, decimals, booleans, arrays and dictionaries of them).
    /// Anything else is dropped, so a key holding it reads as missing.
    public init?(any value: Any) {
        switch value {
        case let value as TemplateValue: self = value
        case let text as String: self = .string(text)
        case let flag as Bool: self = .bool(flag)
        case let number as Int: self = .int(number)
        case let number as Double: self = .double(number)
        case let map as [String: Any]: self = .map(TemplateMap(map.compactMapValues { TemplateValue(any: $0) }))
        case let list as [Any]: self = .list(list.compactMap { TemplateValue(any: $0) })
        default: return nil
        }
    }

    subscript(key: TemplateMap.HashedKey) -> TemplateValue? {
        if case .map(let map) = self { return map[key] }
        return nil
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .map(TemplateMap(pairs: elements))
    }
}
