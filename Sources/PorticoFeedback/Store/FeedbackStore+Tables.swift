import Foundation
import GRDB

/// Whole tables of the SQLite store, for `portico db copy`.
extension FeedbackStore {
    public func allRows(_ table: String) async throws -> [Row] {
        precondition(StoreSchema.tables.contains(table), "not a store table: \(table)")
        return try await pool.read { db in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") }
    }

    public func insertAll(_ tables: [(table: String, rows: [Row])]) async throws {
        try await pool.write { db in
            for (table, rows) in tables {
                for row in rows {
                    let columns = Array(row.columnNames)
                    try db.execute(sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                                   arguments: StatementArguments(columns.map { row[$0] as DatabaseValue }))
                }
            }
        }
    }
}
