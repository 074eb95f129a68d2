import Crypto
import Foundation
import GRDB
import PorticoCore

/// Whole tables in and out of a store, for `portico db copy`: rows travel as GRDB rows holding SQLite's values
/// (integers, text, blobs, timestamps as `yyyy-MM-dd HH:mm:ss.SSS` text), which each backend reads and writes.
public protocol StoreTables: Sendable {
    /// Every row of `table` (one of `StoreSchema.tables`).
    func allRows(_ table: String) async throws -> [Row]
    /// Inserts the rows, table by table, in one transaction, keeping their ids (later inserts continue after them).
    func insertAll(_ tables: [(table: String, rows: [Row])]) async throws
}

/// Row counts and a checksum per table: what `db copy` compares between source and destination.
public struct TableDigest: Sendable, Equatable, CustomStringConvertible {
    public var table: String
    public var rows: Int
    /// SHA-256 over the rows, each written as `column=value` by column name, sorted (so neither column nor row order
    /// matters); timestamps count to the millisecond, SQLite's precision.
    public var checksum: String

    public init(table: String, rows: [Row]) {
        self.table = table
        self.rows = rows.count
        let lines = rows.map { row in
            row.columnNames.sorted().map { name -> String in
                let value: DatabaseValue = row[name]
                switch value.storage {
                case .null: return "\(name)=null"
                case .int64(let number): return "\(name)=i\(number)"
                case .double(let number): return "\(name)=d\(number)"
                case .string(let text): return "\(name)=t\(text.debugDescription)"
                case .blob(let data): return "\(name)=b\(data.base64EncodedString())"
                }
            }.joined(separator: ",")
        }.sorted()
        checksum = Hex.encode(SHA256.hash(data: Data(lines.joined(separator: "\n").utf8)))
    }

    public var description: String { "\(table): \(rows) rows, sha256 \(checksum.prefix(16))" }

    public static func of(_ store: any StoreTables) async throws -> [TableDigest] {
        var digests: [TableDigest] = []
        for table in StoreSchema.tables { digests.append(TableDigest(table: table, rows: try await store.allRows(table))) }
        return digests
    }
}

public enum StoreCopyError: Error, CustomStringConvertible {
    case destinationNotEmpty(table: String, rows: Int)
    case mismatch(source: [TableDigest], destination: [TableDigest])
    case versions(source: [String], destination: [String])

    public var description: String {
        switch self {
        case .destinationNotEmpty(let table, let rows):
            "the destination is not empty (\(table) has \(rows) rows); copy into a new, empty database"
        case .versions(let source, let destination):
            "the two databases are at different schema versions (\(source.count) and \(destination.count)); run `portico db migrate` on both"
        case .mismatch(let source, let destination):
            "the copy differs from the source: " + zip(source, destination).filter { $0 != $1 }
                .map { "\($0.table): \($0.rows) rows → \($1.rows) rows, checksums \($0.checksum.prefix(12)) → \($1.checksum.prefix(12))" }
                .joined(separator: "; ")
        }
    }
}

/// `portico db copy`: every table from one store into an empty one of the same schema version, then both digested
/// and compared; any difference throws `StoreCopyError.mismatch`.
public enum StoreCopy {
    @discardableResult
    public static func copy(from source: any PorticoStore, to destination: any PorticoStore) async throws -> [TableDigest] {
        let sourceVersions = try await source.schemaVersions(), destinationVersions = try await destination.schemaVersions()
        guard sourceVersions == destinationVersions else { throw StoreCopyError.versions(source: sourceVersions, destination: destinationVersions) }
        for table in StoreSchema.tables {
            let count = try await destination.allRows(table).count
            if count > 0 { throw StoreCopyError.destinationNotEmpty(table: table, rows: count) }
        }
        var tables: [(table: String, rows: [Row])] = []
        for table in StoreSchema.tables { tables.append((table, try await source.allRows(table))) }
        try await destination.insertAll(tables)
        let before = tables.map { TableDigest(table: $0.table, rows: $0.rows) }
        let after = try await TableDigest.of(destination)
        guard before == after else { throw StoreCopyError.mismatch(source: before, destination: after) }
        return after
    }
}
