/// The keys and values of a template context map, in the order they were added.
///
/// Context maps are small (a card has ten keys, the UI strings about sixty) and are built and read for every
/// page: a `Dictionary` hashed each key with SipHash on every insert and on every lookup, on every level of the
/// context stack. Here each key carries a cheap fixed hash (FNV-1a of its UTF-8), computed once where the key is
/// written (a template tag's name is hashed when the template is parsed), and a lookup compares hashes in a
/// plain array before comparing one string.
public struct TemplateMap: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private var hashes: [UInt64] = []
    private var keys: [String] = []
    private(set) var values: [TemplateValue] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        reserveCapacity(elements.count)
        for (key, value) in elements { self[key] = value }   // a repeated key keeps its last value, as in a Dictionary
    }

    public init(_ dictionary: [String: TemplateValue]) {
        reserveCapacity(dictionary.count)
        for (key, value) in dictionary.sorted(by: { $0.key < $1.key }) { append(HashedKey(key), value) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The entries in the order they were added.
    public var entries: [(key: String, value: TemplateValue)] { zip(keys, values).map { (key: $0, value: $1) } }

    public subscript(key: String) -> TemplateValue? {
        get { self[HashedKey(key)] }
        set { self[HashedKey(key)] = newValue }
    }

    subscript(key: HashedKey) -> TemplateValue? {
        get { index(of: key).map { values[$0] } }
        set {
            switch (index(of: key), newValue) {
            case let (index?, value?): values[index] = value
            case let (index?, nil):
                hashes.remove(at: index)
                keys.remove(at: index)
                values.remove(at: index)
            case let (nil, value?): append(key, value)
            case (nil, nil): break
            }
        }
    }

    /// The text under `key`, or "" when it is missing or not text.
    func string(_ key: String) -> String {
        if case .string(let text)? = self[key] { return text }
        return ""
    }

    public mutating func reserveCapacity(_ capacity: Int) {
        hashes.reserveCapacity(capacity)
        keys.reserveCapacity(capacity)
        values.reserveCapacity(capacity)
    }

    private mutating func append(_ key: HashedKey, _ value: TemplateValue) {
        hashes.append(key.hash)
        keys.append(key.name)
        values.append(value)
    }

    private func index(of key: HashedKey) -> Int? {
        hashes.withUnsafeBufferPointer { hashes in
            for index in hashes.indices where hashes[index] == key.hash && keys[index] == key.name { return index }
            return nil
        }
    }

    /// The same keys with the same values, in any order.
    public static func == (lhs: TemplateMap, rhs: TemplateMap) -> Bool {
        guard lhs.count == rhs.count else { return false }
        for index in lhs.keys.indices where rhs[HashedKey(name: lhs.keys[index], hash: lhs.hashes[index])] != lhs.values[index] { return false }
        return true
    }

    /// A key with its hash.
    struct HashedKey: Sendable {
        let name: String
        let hash: UInt64

        init(_ name: String) {
            self.name = name
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            self.hash = hash
        }

        init(name: String, hash: UInt64) {
            self.name = name
            self.hash = hash
        }
    }
}
