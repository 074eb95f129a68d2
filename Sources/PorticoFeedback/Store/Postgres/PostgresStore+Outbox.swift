import Foundation
import GRDB
import PostgresNIO

/// The webhook outbox and console sessions on PostgreSQL, safe with several replicas on one database.
extension PostgresStore {
    /// How long a replica holds the entries it claimed before another may try them (it died mid-delivery).
    static let claimSeconds: TimeInterval = 120

    /// Claims the due entries: `FOR UPDATE SKIP LOCKED` hands each to one replica, and moving its
    /// `next_attempt_at` past the claim keeps the others off it until this one marks it delivered or failed.
    public func dueNotifications(at date: Date, limit: Int) async throws -> [OutboxEntry] {
        try await rows("""
            WITH due AS (
              SELECT id, next_attempt_at, submission_id, payload IS NULL AS bare FROM outbox
              WHERE delivered_at IS NULL AND next_attempt_at <= ?
              ORDER BY next_attempt_at, id LIMIT ? FOR UPDATE OF outbox SKIP LOCKED)
            UPDATE outbox SET next_attempt_at = ? FROM due LEFT JOIN submission s ON due.bare AND s.id = due.submission_id
            WHERE outbox.id = due.id
            RETURNING outbox.*, due.next_attempt_at AS due_at, \(OutboxEntry.submissionColumns)
            """, [.date(date), .int(limit), .date(date.addingTimeInterval(Self.claimSeconds))])
            .sorted { ($0["due_at"] as Date, $0["id"] as Int64) < ($1["due_at"] as Date, $1["id"] as Int64) }
            .map(OutboxEntry.init(row:))
    }

    public func markDelivered(_ id: Int64, at date: Date) async throws {
        try await execute("UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?", [.date(date), .int64(id)])
    }

    public func markFailed(_ id: Int64, error: String, retryAt: Date) async throws {
        try await execute("UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?",
                          [.text(error), .date(retryAt), .int64(id)])
    }

    public func outboxCounts() async throws -> (pending: Int, delivered: Int) {
        let row = try await rows("""
            SELECT COUNT(*) FILTER (WHERE delivered_at IS NULL) AS pending, COUNT(*) FILTER (WHERE delivered_at IS NOT NULL) AS delivered FROM outbox
            """)[0]
        return (row["pending"], row["delivered"])
    }

    // MARK: console sessions

    public func createSession(key: String, value: Data, expiresAt: Date?) async throws {
        do {
            try await execute("INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?)", [.text(key), .bytes(value), .date(expiresAt)])
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw StoreError.duplicateSession
        }
    }

    public func setSession(key: String, value: Data, expiresAt: Date?) async throws {
        if let expiresAt {
            try await execute("INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?) "
                              + "ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                              [.text(key), .bytes(value), .date(expiresAt)])
        } else {
            try await execute("INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, NULL) "
                              + "ON CONFLICT (key) DO UPDATE SET value = excluded.value", [.text(key), .bytes(value)])
        }
    }

    public func session(key: String) async throws -> (value: Data, expiresAt: Date?)? {
        guard let row = try await rows("SELECT value, expires_at FROM console_session WHERE key = ?", [.text(key)]).first else { return nil }
        return (row["value"], row["expires_at"])
    }

    public func removeSession(key: String) async throws {
        try await execute("DELETE FROM console_session WHERE key = ?", [.text(key)])
    }

    public func removeSessions(expiredAt date: Date) async throws {
        try await execute("DELETE FROM console_session WHERE expires_at IS NOT NULL AND expires_at <= ?", [.date(date)])
    }
}
