import Foundation
import GRDB
import GRDBSQLite

/// Values bound to one of GRDB's prepared statements through SQLite's C API, for the statements every reader's write
/// runs (a submission, a workshop request's rows, a reading batch). GRDB's `execute(arguments:)` wraps each value in an
/// existential, nests a closure per argument and tracks the statement for observation: together more than SQLite's own
/// time for these inserts (bench/RESULTS.md, #18). Texts and blobs are copied by SQLite when bound.
struct SQLiteBindings {
    fileprivate let handle: OpaquePointer
    /// The first binding that failed (SQLite's code), reported when the statement runs.
    fileprivate var failure: CInt = SQLITE_OK

    fileprivate init(_ handle: OpaquePointer) { self.handle = handle }

    mutating func text(_ index: CInt, _ value: String) {
        var value = value
        let code = value.withUTF8 { bytes in
            // An empty buffer may have no address, which SQLite would bind as NULL: bind the empty text itself.
            bytes.isEmpty ? sqlite3_bind_text(handle, index, "", 0, transient) :
                sqlite3_bind_text(handle, index, UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), CInt(bytes.count), transient)
        }
        note(code)
    }

    mutating func text(_ index: CInt, _ value: String?) {
        if let value { text(index, value) } else { note(sqlite3_bind_null(handle, index)) }
    }

    mutating func integer(_ index: CInt, _ value: Int64) { note(sqlite3_bind_int64(handle, index, value)) }

    mutating func blob(_ index: CInt, _ value: Data) {
        note(value.withUnsafeBytes { bytes in
            bytes.isEmpty ? sqlite3_bind_zeroblob(handle, index, 0) : sqlite3_bind_blob(handle, index, bytes.baseAddress, CInt(bytes.count), transient)
        })
    }

    private mutating func note(_ code: CInt) {
        if code != SQLITE_OK && failure == SQLITE_OK { failure = code }
    }
}

/// SQLite copies a value bound with this destructor before the bind call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension Database {
    /// Runs `statement`, which returns no rows, with the values `bind` binds. Throws GRDB's `DatabaseError` with SQLite's
    /// extended result code, as `execute(arguments:)` does (a unique key's conflict is `SQLITE_CONSTRAINT_UNIQUE`).
    func run(_ statement: Statement, _ bind: (inout SQLiteBindings) -> Void) throws {
        let handle = try prepare(statement, bind)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(statement, handle) }
        sqlite3_reset(handle)
    }

    /// The first column of the first row `statement` gives with the values `bind` binds, as an integer (nil: no row).
    func integer(_ statement: Statement, _ bind: (inout SQLiteBindings) -> Void) throws -> Int64? {
        let handle = try prepare(statement, bind)
        switch sqlite3_step(handle) {
        case SQLITE_ROW:
            let value = sqlite3_column_int64(handle, 0)
            sqlite3_reset(handle)
            return value
        case SQLITE_DONE:
            sqlite3_reset(handle)
            return nil
        default:
            throw failure(statement, handle)
        }
    }

    private func prepare(_ statement: Statement, _ bind: (inout SQLiteBindings) -> Void) throws -> OpaquePointer {
        let handle = statement.sqliteStatement
        // A statement GRDB ran last may be left after its last step; bindings need a reset one.
        sqlite3_reset(handle)
        var bindings = SQLiteBindings(handle)
        bind(&bindings)
        guard bindings.failure == SQLITE_OK else {
            throw DatabaseError(resultCode: ResultCode(rawValue: bindings.failure), message: "binding a value failed", sql: statement.sql)
        }
        return handle
    }

    private func failure(_ statement: Statement, _ handle: OpaquePointer) -> DatabaseError {
        let code = sqlite3_extended_errcode(sqliteConnection)
        let message = String(cString: sqlite3_errmsg(sqliteConnection))
        sqlite3_reset(handle)
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}
