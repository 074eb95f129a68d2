import Foundation
import Hummingbird

/// hummingbird-auth's session storage kept in the feedback database (`console_session`), so that sessions
/// outlive a restart or a SIGHUP and, with a shared database, are the same on every replica.
public struct StoredSessions: PersistDriver {
    let store: any PorticoStore
    let clock: @Sendable () -> Date

    public init(store: any PorticoStore, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    public func run() async throws {}
    public func shutdown() async throws {}

    public func create<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiry = expires.map { clock().addingTimeInterval(TimeInterval($0.components.seconds)) }
        do {
            try await store.createSession(key: key, value: data, expiresAt: expiry)
        } catch StoreError.duplicateSession {
            throw PersistError.duplicate
        }
    }

    public func set<Object: Codable & Sendable>(key: String, value: Object, expires: Duration?) async throws {
        let data = try JSONEncoder().encode(value)
        let expiry = expires.map { clock().addingTimeInterval(TimeInterval($0.components.seconds)) }
        // No new expiry: an existing session keeps its own.
        try await store.setSession(key: key, value: data, expiresAt: expiry)
    }

    public func get<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> Object? {
        try await getWithTTL(key: key, as: type)?.object
    }

    public func getWithTTL<Object: Codable & Sendable>(key: String, as type: Object.Type) async throws -> (object: Object, ttl: Duration?)? {
        let now = clock()
        guard let (data, expires) = try await store.session(key: key) else { return nil }
        if let expires, expires <= now {
            try await remove(key: key)
            return nil
        }
        guard let object = try? JSONDecoder().decode(type, from: data) else { return nil }
        return (object, expires.map { .seconds(Int64($0.timeIntervalSince(now))) })
    }

    public func remove(key: String) async throws {
        try await store.removeSession(key: key)
    }

    /// Drops every expired session (called now and then by the server).
    public func sweep() async throws {
        try await store.removeSessions(expiredAt: clock())
    }
}
