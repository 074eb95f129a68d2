import Foundation
import PostgresNIO

/// Where a PostgreSQL database is, from a libpq-style URL:
/// `postgres://user[:password]@host[:port]/database[?sslmode=disable|require]`, or over a unix socket
/// `postgres://user@/database?host=/socket/folder[&port=5432]`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    /// The folder holding `.s.PGSQL.<port>`, when connecting over a unix socket.
    public var socketFolder: String?
    public var requireTLS: Bool

    public init(_ text: String) throws(StoreLocationError) {
        guard let components = URLComponents(string: text), ["postgres", "postgresql"].contains(components.scheme?.lowercased() ?? "") else {
            throw StoreLocationError("\(text) is not a postgres:// URL (postgres://user@host:port/database)")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        guard let user = components.user, !user.isEmpty else {
            throw StoreLocationError("\(Self.redacted(text)) names no user (postgres://USER@host:port/database)")
        }
        self.user = user
        password = components.password
        database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty else { throw StoreLocationError("\(Self.redacted(text)) names no database (postgres://user@host:port/DATABASE)") }
        port = components.port ?? query["port"].flatMap(Int.init) ?? 5432
        if let folder = query["host"], folder.hasPrefix("/") {
            socketFolder = folder
            host = "localhost"
        } else {
            host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? query["host"] ?? "localhost"
        }
        switch query["sslmode"] ?? "disable" {
        case "disable", "allow", "prefer": requireTLS = false
        case "require", "verify-ca", "verify-full": requireTLS = true
        case let other: throw StoreLocationError("sslmode=\(other) is not one of disable, require, verify-full")
        }
    }

    /// The URL without its password (for messages and logs).
    public var description: String {
        "postgres://\(user)@" + (socketFolder.map { "/\(database)?host=\($0)&port=\(port)" } ?? "\(host):\(port)/\(database)")
    }

    /// The same server, another database (tests make one per server start; `db copy` may target a fresh one).
    public func with(database: String) -> PostgresURL {
        var copy = self
        copy.database = database
        return copy
    }

    var clientConfiguration: PostgresClient.Configuration {
        if let socketFolder {
            return PostgresClient.Configuration(unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)", username: user, password: password, database: database)
        }
        // verify-full is what `require` means here: NIOSSL checks the certificate and the host name.
        let tls: PostgresClient.Configuration.TLS = requireTLS ? .require(.makeClientConfiguration()) : .disable
        return PostgresClient.Configuration(host: host, port: port, username: user, password: password, database: database, tls: tls)
    }

    static func redacted(_ text: String) -> String {
        guard var components = URLComponents(string: text), components.password != nil else { return text }
        components.password = "…"
        return components.string ?? text
    }
}
