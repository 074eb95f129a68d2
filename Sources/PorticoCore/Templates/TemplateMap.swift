/// The keys and values of a template context map, in the order they were added.
///
/// Context maps are small (a card has ten keys, the UI strings about sixty) and are built and read for every
/// page: a `Dictionary` hashed each key with SipHash on every insert and on every lookup, on every level of the
/// context stack. Here each key carries a cheap fixed hash (FNV-1a of its UTF-8), computed once where the key is
/// written (a template tag's name is hashed when the template is parsed), and a lookup compares hashes in a
/// plain array before comparing one string.
public struct TemplateMap: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    private struct Entry: Sendable {
        let hash: UInt64
        let key: String
        var value: TemplateValue
    }

    /// One array, so a map is one allocation, as a small `Dictionary` was.
    private var storage: [Entry] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self.init(pairs: elements)
    }

    /// The pairs in order; a repeated key keeps its last value, as in a `Dictionary` literal.
    init(pairs: [(String, TemplateValue)]) {
        storage.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public init(_ dictionary: [String: TemplateValue]) {
        storage = dictionary.sorted(by: { $0.key < $1.key }).map { Entry(hash: HashedKey($0.key).hash, key: $0.key, value: $0.value) }
    }

    public var count: Int { storage.count }
    public var isEmpty: Bool { storage.isEmpty }

    /// The entries in the order they were added.
    public var entries: [(key: String, value: TemplateValue)] { storage.map { (key: $0.key, value: $0.value) } }

    public subscript(key: String) -> TemplateValue? {
        get { self[HashedKey(key)] }
        set { self[HashedKey(key)] = newValue }
    }

    subscript(key: HashedKey) -> TemplateValue? {
        get { index(of: key).map { storage[$0].value } }
        set {
            switch (index(of: key), newValue) {
            case let (index?, value?): storage[index].value = value
            case let (index?, nil): storage.remove(at: index)
            case let (nil, value?): storage.append(Entry(hash: key.hash, key: key.name, value: value))
            case (nil, nil): break
            }
        }
    }

    /// The text under `key`, or "" when it is missing or not text.
    func string(_ key: String) -> String {
        if case .string(let text)? = self[key] { return text }
        return ""
    }

    public mutating func reserveCapacity(_ capacity: Int) { storage.reserveCapacity(capacity) }

    private func index(of key: HashedKey) -> Int? {
        storage.withUnsafeBufferPointer { entries in
            for index in entries.indices where entries[index].hash == key.hash && entries[index].key == key.name { return index }
            return nil
        }
    }

    /// The same keys with the same values, in any order.
    public static func == (lhs: TemplateMap, rhs: TemplateMap) -> Bool {
        lhs.count == rhs.count && lhs.storage.allSatisfy { rhs[HashedKey(name: $0.key, hash: $0.hash)] == $0.value }
    }

    /// A key with its hash.
    struct HashedKey: Sendable {
        let name: String
        let hash: UInt64

        init(_ name: String) {
            self.name = name
            var bytes = name
            hash = bytes.withUTF8 { utf8 in
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325
                for byte in utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
                return hash
            }
        }

        init(name: String, hash: UInt64) {
            self.name = name
            self.hash = hash
        }
    }
}
