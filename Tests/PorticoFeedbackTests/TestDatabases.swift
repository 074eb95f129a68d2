import Foundation
import Testing
@testable import PorticoFeedback

/// The stores the backend tests run against: a fresh SQLite file each time, and, when PORTICO_TEST_POSTGRES_URL
/// names a server (`.ci/run` starts one), a fresh PostgreSQL database each time.
enum TestDatabases {
    enum Backend: String, CaseIterable, Sendable {
        case sqlite, postgres
    }

    static let postgresURL: PostgresURL? = ProcessInfo.processInfo.environment["PORTICO_TEST_POSTGRES_URL"]
        .flatMap { $0.isEmpty ? nil : try? PostgresURL($0) }
    static let skipReason: Comment = "PORTICO_TEST_POSTGRES_URL is not set (scripts/pg-cluster.sh start DIR prints one)"

    /// The backends to run: PostgreSQL only with a server to run on.
    static var backends: [Backend] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    static func open(_ backend: Backend) async throws -> any PorticoStore {
        switch backend {
        case .sqlite: try FeedbackStore(path: Fixture.databasePath())
        case .postgres: try await PostgresStore.open(try await freshPostgresDatabase())
        }
    }

    /// `CREATE DATABASE portico_test_…` on the test server; the URL of the new, empty database.
    static func freshPostgresDatabase() async throws -> PostgresURL {
        guard let url = postgresURL else { throw SkipError() }
        let name = "portico_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresStore(url: url)
        do {
            try await admin.execute("CREATE DATABASE \(name)")
        } catch {
            await admin.close()
            throw error
        }
        await admin.close()
        return url.with(database: name)
    }

    struct SkipError: Error {}
}

