import Crypto
import Foundation
import GRDB
import PorticoCore

/// Whole tables in and out of a store, for `portico db copy`, a page at a time so that a table of any size fits in
/// memory: rows travel as GRDB rows holding SQLite's values (integers, text, blobs, timestamps as
/// `yyyy-MM-dd HH:mm:ss.SSS` text), which each backend reads and writes.
public protocol StoreTables: Sendable {
    /// Up to `limit` rows of `table` (one of `StoreSchema.tables`) in key order, after the row whose key is `after`.
    func page(of table: String, after: [DatabaseValue]?, limit: Int) async throws -> [Row]
    /// Runs `fill`, whose `insert` adds rows to a table keeping their ids (later inserts continue after them). All or
    /// nothing: when `fill` throws, nothing it inserted is left.
    func filling(_ fill: (_ insert: (_ table: String, _ rows: [Row]) async throws -> Void) async throws -> Void) async throws
}

extension StoreTables {
    /// Every row of `table`, a page at a time.
    func forEachPage(of table: String, size: Int = 2_000, _ body: ([Row]) async throws -> Void) async throws {
        var after: [DatabaseValue]?
        while true {
            let rows = try await page(of: table, after: after, limit: size)
            guard let last = rows.last else { return }
            try await body(rows)
            after = StoreSchema.keys[table]!.map { last[$0] as DatabaseValue }
            if rows.count < size { return }
        }
    }
}

/// Row counts and a checksum per table: what `db copy` compares between source and destination.
public struct TableDigest: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    public private(set) var rows = 0
    /// The sum, modulo 2²⁵⁶, of each row's SHA-256, the row written as `column=value` by column name, sorted: neither
    /// column nor row order matters, and it is added up a page at a time. Timestamps count to the millisecond,
    /// SQLite's precision.
    private var sum = [UInt64](repeating: 0, count: 4)

    public init(table: String) { self.table = table }

    public init(table: String, rows: [Row]) {
        self.init(table: table)
        for row in rows { add(row) }
    }

    public var checksum: String { sum.map { String(format: "%016llx", $0) }.joined() }

    public mutating func add(_ row: Row) {
        let line = row.columnNames.sorted().map { name -> String in
            let value: DatabaseValue = row[name]
            switch value.storage {
            case .null: return "\(name)=null"
            case .int64(let number): return "\(name)=i\(number)"
            case .double(let number): return "\(name)=d\(number)"
            case .string(let text): return "\(name)=t\(text.debugDescription)"
            case .blob(let data): return "\(name)=b\(data.base64EncodedString())"
            }
        }.joined(separator: ",")
        let hash = Array(SHA256.hash(data: Data(line.utf8)))
        var carry: UInt64 = 0
        for lane in (0..<4).reversed() {
            let word = hash[(lane * 8)..<(lane * 8 + 8)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            let (partial, overflow1) = sum[lane].addingReportingOverflow(word)
            let (total, overflow2) = partial.addingReportingOverflow(carry)
            sum[lane] = total
            carry = (overflow1 ? 1 : 0) + (overflow2 ? 1 : 0)
        }
        rows += 1
    }

    public var description: String { "\(table): \(rows) rows, sum of sha256 \(checksum.prefix(16))" }

    public static func of(_ store: any StoreTables) async throws -> [TableDigest] {
        var digests: [TableDigest] = []
        for table in StoreSchema.tables {
            var digest = TableDigest(table: table)
            try await store.forEachPage(of: table) { rows in for row in rows { digest.add(row) } }
            digests.append(digest)
        }
        return digests
    }
}

public enum StoreCopyError: Error, CustomStringConvertible {
    case destinationNotEmpty(table: String)
    case mismatch(source: [TableDigest], destination: [TableDigest])
    case versions(source: [String], destination: [String])

    public var description: String {
        switch self {
        case .destinationNotEmpty(let table):
            "the destination is not empty (\(table) has rows); copy into a new, empty database"
        case .versions(let source, let destination):
            "the two databases are at different schema versions (\(source.count) and \(destination.count)); run `portico db migrate` on both"
        case .mismatch(let source, let destination):
            "the copy differs from the source: " + zip(source, destination).filter { $0 != $1 }
                .map { "\($0.table): \($0.rows) rows → \($1.rows) rows, checksums \($0.checksum.prefix(12)) → \($1.checksum.prefix(12))" }
                .joined(separator: "; ")
        }
    }
}

/// `portico db copy`: every table from one store into an empty one of the same schema version, a page at a time, then
/// the destination digested and compared with what was read; any difference throws `StoreCopyError.mismatch`.
public enum StoreCopy {
    @discardableResult
    public static func copy(from source: any PorticoStore, to destination: any PorticoStore, pageSize: Int = 2_000) async throws -> [TableDigest] {
        let sourceVersions = try await source.schemaVersions(), destinationVersions = try await destination.schemaVersions()
        guard sourceVersions == destinationVersions else { throw StoreCopyError.versions(source: sourceVersions, destination: destinationVersions) }
        for table in StoreSchema.tables where try await !destination.page(of: table, after: nil, limit: 1).isEmpty {
            throw StoreCopyError.destinationNotEmpty(table: table)
        }
        var read: [TableDigest] = []
        try await destination.filling { insert in
            for table in StoreSchema.tables {
                var digest = TableDigest(table: table)
                try await source.forEachPage(of: table, size: pageSize) { rows in
                    for row in rows { digest.add(row) }
                    try await insert(table, rows)
                }
                read.append(digest)
            }
        }
        let written = try await TableDigest.of(destination)
        guard read == written else { throw StoreCopyError.mismatch(source: read, destination: written) }
        return written
    }
}
