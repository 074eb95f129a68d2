import Foundation
import GRDB

/// Console sessions in SQLite (`console_session`).
extension FeedbackStore {
    public func createSession(key: String, value: Data, expiresAt: Date?) async throws {
        do {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?)", arguments: [key, value, expiresAt])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw StoreError.duplicateSession
        }
    }

    public func setSession(key: String, value: Data, expiresAt: Date?) async throws {
        try await pool.write { db in
            if let expiresAt {
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?) "
                               + "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                               arguments: [key, value, expiresAt])
            } else {
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, NULL) "
                               + "ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, value])
            }
        }
    }

    public func session(key: String) async throws -> (value: Data, expiresAt: Date?)? {
        // The values, not the Row (which is not Sendable), leave the read, so that it runs off the caller's thread.
        let found: (value: Data, expiresAt: Date?)? = try await pool.read { db in
            try Row.fetchOne(db, sql: "SELECT value, expires_at FROM console_session WHERE key = ?", arguments: [key])
                .map { ($0["value"], $0["expires_at"]) }
        }
        return found
    }

    public func removeSession(key: String) async throws {
        try await pool.write { db in try db.execute(sql: "DELETE FROM console_session WHERE key = ?", arguments: [key]) }
    }

    public func removeSessions(expiredAt date: Date) async throws {
        try await pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE expires_at IS NOT NULL AND expires_at <= ?", arguments: [date])
        }
    }
}
