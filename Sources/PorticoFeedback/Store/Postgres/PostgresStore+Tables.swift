import Foundation
import GRDB
import PostgresNIO

/// Whole tables of the PostgreSQL store, for `portico db copy`.
extension PostgresStore {
    public func page(of table: String, after: [DatabaseValue]?, limit: Int) async throws -> [Row] {
        let key = try (after ?? []).map { value -> PostgresArgument in
            switch value.storage {
            case .int64(let number): return .int64(number)
            case .string(let text): return .text(text)
            default: throw CopyValueError(column: "key of \(table)", value: value, type: "a key")
            }
        }
        return try await rows(StoreSchema.pageQuery(table, afterAKey: after != nil), key + [.int(limit)])
    }

    /// One transaction: the pages are inserted as they are read, and committed together.
    public func filling(_ fill: (_ insert: (_ table: String, _ rows: [Row]) async throws -> Void) async throws -> Void) async throws {
        try await transaction { db in
            var columnTypes: [String: [String: String]] = [:]
            try await fill { table, rows in
                guard let first = rows.first else { return }
                if columnTypes[table] == nil {
                    columnTypes[table] = Dictionary(uniqueKeysWithValues: try await self.rows("""
                        SELECT column_name::text AS column_name, data_type::text AS data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ?
                        """, [.text(table)], on: db).map { ($0["column_name"] as String, $0["data_type"] as String) })
                }
                let types = columnTypes[table]!
                let columns = Array(first.columnNames)
                // Under PostgreSQL's 65,535 parameters per statement.
                let perStatement = max(1, 30_000 / columns.count)
                for start in stride(from: 0, to: rows.count, by: perStatement) {
                    let chunk = rows[start..<min(rows.count, start + perStatement)]
                    var arguments: [PostgresArgument] = []
                    for row in chunk {
                        for column in columns { arguments.append(try Self.argument(row[column], type: types[column] ?? "text", column: column)) }
                    }
                    let tuple = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
                    try await self.execute("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES "
                                           + Array(repeating: tuple, count: chunk.count).joined(separator: ", "), arguments, on: db)
                }
            }
            for (table, types) in columnTypes where types["id"] != nil {
                // Identities continue after the copied ids.
                try await self.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), (SELECT MAX(id) FROM \(table)))", on: db)
            }
        }
    }

    static func argument(_ value: DatabaseValue, type: String, column: String) throws -> PostgresArgument {
        switch type {
        case "bigint", "integer", "smallint":
            if value.isNull { return .int(nil) }
            guard let number = Int.fromDatabaseValue(value) else { throw CopyValueError(column: column, value: value, type: type) }
            return .int(number)
        case "timestamp with time zone":
            if value.isNull { return .date(nil) }
            guard let date = Date.fromDatabaseValue(value) else { throw CopyValueError(column: column, value: value, type: type) }
            return .date(date)
        case "bytea":
            if value.isNull { return .bytes(nil) }
            guard let data = Data.fromDatabaseValue(value) else { throw CopyValueError(column: column, value: value, type: type) }
            return .bytes(data)
        default:
            if value.isNull { return .text(nil) }
            guard let text = String.fromDatabaseValue(value) else { throw CopyValueError(column: column, value: value, type: type) }
            return .text(text)
        }
    }
}

struct CopyValueError: Error, CustomStringConvertible {
    var column: String
    var value: DatabaseValue
    var type: String
    var description: String { "\(column): \(value) does not fit PostgreSQL's \(type)" }
}
