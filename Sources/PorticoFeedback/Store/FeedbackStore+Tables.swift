import Foundation
import GRDB

/// Whole tables of the SQLite store, for `portico db copy`.
extension FeedbackStore {
    public func page(of table: String, after: [DatabaseValue]?, limit: Int) async throws -> [Row] {
        try await caughtUp()
        let sql = StoreSchema.pageQuery(table, afterAKey: after != nil)
        let arguments = StatementArguments((after ?? []) + [limit.databaseValue])
        return try pool.read { db in try Row.fetchAll(db, sql: sql, arguments: arguments) }
    }

    /// Each page is a transaction of its own (GRDB's writes cannot wait for the source in between); when `fill`
    /// throws, every table is emptied again, which is what it was before (`StoreCopy` checks that).
    public func filling(_ fill: (_ insert: (_ table: String, _ rows: [Row]) async throws -> Void) async throws -> Void) async throws {
        do {
            try await fill { table, rows in
                // GRDB rows are not Sendable; their values are.
                let inserts = rows.map { row -> (sql: String, values: [DatabaseValue]) in
                    let columns = Array(row.columnNames)
                    return ("INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))",
                            columns.map { row[$0] as DatabaseValue })
                }
                try await pool.write { db in
                    for insert in inserts { try db.cachedStatement(sql: insert.sql).execute(arguments: StatementArguments(insert.values)) }
                }
            }
        } catch {
            try? await pool.write { db in
                for table in StoreSchema.tables.reversed() { try db.execute(sql: "DELETE FROM \(table)") }
                try db.execute(sql: "DELETE FROM sqlite_sequence")
            }
            throw error
        }
    }
}
