import Foundation

/// Which output pages of a re-rendered account are made again. Each page has a fingerprint of what it is made
/// from: the account's `base` (theme, portal and account settings, keys, the account's list of pages, what links
/// may point at), the page's own source and the cards it shows. A page whose fingerprint the last build recorded
/// for this account, and whose file is still in the output, is neither rendered nor sealed (sealing is
/// deterministic, so it would come out the same); what rendering it reported then is reported again.
final class PageReuse: Sendable {
    /// What rendering one page reported, and the library assets it shows (published only where a page shows them).
    struct Record: Equatable, Sendable {
        var diagnostics: [Diagnostic] = []
        var assets: [AssetReference] = []
    }

    let base: String
    /// `SourcePage.inputFingerprint` of each source page, by source path.
    let pageHashes: [String: String]
    private let previous: PageRecords
    private let previousSet: Set<Substring>
    /// Keeps the page's file (path relative to the account's folder) as the last build left it, if it is there.
    private let keep: @Sendable (String, Record) -> Bool
    private let recorded = Locked<[String: Record]>([:])

    init(base: String, pageHashes: [String: String], previous: PageRecords, keep: @escaping @Sendable (String, Record) -> Bool) {
        self.base = base
        self.pageHashes = pageHashes
        self.previous = previous
        self.previousSet = previous.fingerprintSet
        self.keep = keep
    }

    /// What this build rendered or kept, for the next build.
    var records: PageRecords { PageRecords(recorded.current) }

    func fingerprint(_ fields: [String]) -> String {
        var hasher = FieldHasher()
        hasher.add(base)
        for field in fields { hasher.add(field) }
        return hasher.short()
    }

    func hash(of page: ResolvedPage) -> String { pageHashes[page.source.sourcePath] ?? page.source.inputFingerprint() }

    /// Everything a card shows: its context as the templates get it, so a field added to cards is covered here too.
    func cardKey(_ card: TemplateMap) -> String {
        var hasher = FieldHasher()
        hasher.add(TemplateValue.map(card))
        return hasher.short()
    }

    /// The last build's record of the page, when it can stay as it is.
    func kept(_ fingerprint: String, path: String) -> Record? {
        guard previousSet.contains(Substring(fingerprint)) else { return nil }
        let record = previous.notable[fingerprint] ?? Record()
        guard keep(path, record) else { return nil }
        recorded.withLock { $0[fingerprint] = record }
        return record
    }

    func record(_ fingerprint: String, _ record: Record) {
        recorded.withLock { $0[fingerprint] = record }
    }
}

/// The fingerprints of an account's output pages as a build left them, with what rendering reported for the few
/// pages that reported anything or show library assets. Stored in the build state as one string of fixed-width
/// fingerprints (a state holds one per page of the portal) and read into a set only for an account rendered again.
struct PageRecords: Equatable, Sendable {
    /// `FieldHasher.short()`.
    static let width = 16

    /// Sorted fingerprints, `width` characters each.
    var packed: String
    var notable: [String: PageReuse.Record]

    init(packed: String = "", notable: [String: PageReuse.Record] = [:]) {
        self.packed = packed
        self.notable = notable
    }

    init(_ records: [String: PageReuse.Record]) {
        self.init(packed: records.keys.sorted().joined(), notable: records.filter { $0.value != PageReuse.Record() })
    }

    var fingerprintSet: Set<Substring> {
        var set = Set<Substring>()
        var start = packed.startIndex
        while let end = packed.index(start, offsetBy: Self.width, limitedBy: packed.endIndex), end > start {
            set.insert(packed[start..<end])
            start = end
        }
        return set
    }
}

extension FieldHasher {
    /// A template value with its shape: each value is tagged with its case, lists and maps with their length.
    mutating func add(_ value: TemplateValue) {
        switch value {
        case .string(let text): add("s"); add(text)
        case .int(let number): add("i" + String(number))
        case .double(let number): add("d" + String(number))
        case .bool(let flag): add(flag ? "t" : "f")
        case .list(let items):
            add("l" + String(items.count))
            for item in items { add(item) }
        case .map(let map):
            add("m" + String(map.count))
            for (key, item) in map.entries { add(key); add(item) }
        }
    }
}
