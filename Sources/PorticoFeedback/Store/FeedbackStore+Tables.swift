import Foundation
import GRDB

/// Whole tables of the SQLite store, for `portico db copy`.
extension FeedbackStore {
    public func allRows(_ table: String) async throws -> [Row] {
        precondition(StoreSchema.tables.contains(table), "not a store table: \(table)")
        return try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") }
    }

    public func insertAll(_ tables: [(table: String, rows: [Row])]) async throws {
        // GRDB rows are not Sendable; their values are.
        let inserts = tables.flatMap { table, rows in
            rows.map { row -> (sql: String, values: [DatabaseValue]) in
                let columns = Array(row.columnNames)
                return ("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                        columns.map { row[$0] as DatabaseValue })
            }
        }
        try await pool.write { db in
            for insert in inserts { try db.execute(sql: insert.sql, arguments: StatementArguments(insert.values)) }
        }
    }
}
