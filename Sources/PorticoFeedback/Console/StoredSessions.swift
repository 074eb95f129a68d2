import Foundation
import GRDB
import Hummingbird

/// hummingbird-auth's session storage kept in the feedback database (`console_session`), so that sessions
/// outlive a restart or a SIGHUP and, with a shared database, are the same on every replica.
public struct StoredSessions: PersistDriver {
    let store: FeedbackStore
    let clock: @Sendable () -> Date

    public init(store: FeedbackStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    public func run() async throws {}
    public func shutdown() async throws {}

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiry = expires.map { clock().addingTimeInterval(TimeInterval($0.components.seconds)) }
        do {
            try await store.pool.write { db in
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?)", arguments: [key, data, expiry])
            }
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
            throw PersistError.duplicate
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiry = expires.map { clock().addingTimeInterval(TimeInterval($0.components.seconds)) }
        try await store.pool.write { db in
            if let expiry {
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, ?) "
                               + "ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
                               arguments: [key, data, expiry])
            } else {
                // No new expiry: an existing session keeps its own.
                try db.execute(sql: "INSERT INTO console_session (key, value, expires_at) VALUES (?, ?, NULL) "
                               + "ON CONFLICT(key) DO UPDATE SET value = excluded.value", arguments: [key, data])
            }
        }
    }

    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = clock()
        let row = try await store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT value, expires_at FROM console_session WHERE key = ?", arguments: [key])
        }
        guard let row else { return nil }
        let expires: Date? = row["expires_at"]
        if let expires, expires <= now {
            try await remove(key: key)
            return nil
        }
        let data: Data = row["value"]
        guard let object = try? JSONDecoder().decode(type, from: data) else { return nil }
        return (object, expires.map { .seconds(Int64($0.timeIntervalSince(now))) })
    }

    public func remove(key: String) async throws {
        try await store.pool.write { db in try db.execute(sql: "DELETE FROM console_session WHERE key = ?", arguments: [key]) }
    }

    /// Drops every expired session (called now and then by the server).
    public func sweep() async throws {
        let now = clock()
        try await store.pool.write { db in
            try db.execute(sql: "DELETE FROM console_session WHERE expires_at IS NOT NULL AND expires_at <= ?", arguments: [now])
        }
    }
}
