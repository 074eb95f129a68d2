import Foundation

/// `--db`: a SQLite file (`sqlite:PATH`, or a bare path as before) or a PostgreSQL URL (`postgres://…`).
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresURL)

    public init(_ text: String) throws(StoreLocationError) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(try PostgresURL(text))
        } else if lowered.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StoreLocationError("sqlite: needs a path (sqlite:feedback.sqlite)") }
            self = .sqlite(path: path.hasPrefix("//") ? String(path.dropFirst(2)) : path)
        } else if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter }), text[..<colon].count > 1,
                  !text.hasPrefix("/") {
            throw StoreLocationError("\(text): unknown database scheme \(text[..<colon]); use sqlite:PATH or postgres://user@host:port/database")
        } else {
            self = .sqlite(path: text)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let url): url.description
        }
    }

    /// Opens the store, applying the migrations it lacks; throws `StoreError.schemaTooNew` for a newer schema.
    public func open() async throws -> any PorticoStore {
        switch self {
        case .sqlite(let path): try FeedbackStore(path: path)
        case .postgres(let url): try await PostgresStore.open(url)
        }
    }
}

public struct StoreLocationError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
