import Foundation
import GRDB
import Logging
import PostgresNIO

/// The PostgreSQL store: the same operations as the SQLite one, over a connection pool (postgres-nio's
/// `PostgresClient`), so that several `portico serve` processes can share one database. Replay guards are unique
/// keys, the outbox is claimed with `FOR UPDATE SKIP LOCKED`, and sessions live in the database: nothing a replica
/// must agree on is kept in its memory except rate limits (docs/postgres.md).
public final class PostgresStore: PorticoStore {
    let client: PostgresClient
    let url: PostgresURL
    let logger: Logger
    /// Readers' submissions, workshop requests and reading batches: waiting ones share one transaction.
    let ingest: GroupCommit<PostgresWork, Int64>
    private let runner: Task<Void, Never>

    /// Connects, applies the migrations the database lacks (one replica at a time) and returns the store.
    public static func open(_ url: PostgresURL, logger: Logger = Logger(label: "portico.postgres")) async throws -> PostgresStore {
        try await open(url, lanes: lanes, logger: logger)
    }

    /// `lanes`: shared transactions committing at once (tests use 1, so that they know which works share one).
    static func open(_ url: PostgresURL, lanes: Int, logger: Logger = Logger(label: "portico.postgres")) async throws -> PostgresStore {
        let store = PostgresStore(url: url, lanes: lanes, logger: logger)
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    init(url: PostgresURL, lanes: Int = PostgresStore.lanes, logger: Logger = Logger(label: "portico.postgres")) {
        self.url = url
        self.logger = logger
        // postgres-nio's own background log stays off: it warns about every lease made before `run()` has started.
        let client = PostgresClient(configuration: url.clientConfiguration)
        self.client = client
        ingest = Self.groupCommit(client, lanes: lanes, logger: logger)
        runner = Task { await client.run() }
    }

    public func close() async {
        runner.cancel()
        await runner.value
    }

    // MARK: running SQL

    /// Runs `body` in one transaction on one connection; rolls back and rethrows the body's own error.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// The rows of one statement, as GRDB rows so that the record types decode them as they do SQLite's.
    func rows(_ sql: String, _ arguments: [PostgresArgument] = [], on connection: PostgresConnection? = nil) async throws -> [Row] {
        let query = try PostgresArgument.query(sql, arguments)
        let sequence = if let connection { try await connection.query(query, logger: logger) } else { try await client.query(query, logger: logger) }
        var rows: [Row] = []
        for try await row in sequence { rows.append(try row.grdbRow()) }
        return rows
    }

    /// Runs one statement; returns how many rows it changed (or returned).
    @discardableResult
    func execute(_ sql: String, _ arguments: [PostgresArgument] = [], on connection: PostgresConnection? = nil) async throws -> Int {
        try await rows(sql, arguments, on: connection).count
    }

    // MARK: migrations

    /// Applies `PostgresMigrations` in order, each recorded in `portico_schema`; refuses a database that records a
    /// version this portico does not know. An advisory lock keeps two replicas from migrating at once.
    func migrate() async throws {
        try await transaction { connection in
            try await self.execute("SELECT 1 FROM pg_advisory_xact_lock(7270110)", on: connection)
            try await self.execute("""
                CREATE TABLE IF NOT EXISTS portico_schema (version integer PRIMARY KEY, name text NOT NULL,
                                                           applied_at timestamptz NOT NULL DEFAULT now())
                """, on: connection)
            let applied = try await self.appliedVersions(on: connection)
            let known = PostgresMigrations.all.map(\.name)
            if applied.count > known.count || zip(applied, known).contains(where: { $0 != $1 }) {
                throw StoreError.schemaTooNew(applied: applied, known: known)
            }
            for (index, migration) in PostgresMigrations.all.enumerated() where index >= applied.count {
                for statement in migration.statements { try await self.execute(statement, on: connection) }
                try await self.execute("INSERT INTO portico_schema (version, name) VALUES (?, ?)", [.int(index + 1), .text(migration.name)], on: connection)
                self.logger.info("postgres: applied \(migration.name)")
            }
        }
    }

    func appliedVersions(on connection: PostgresConnection? = nil) async throws -> [String] {
        try await rows("SELECT name FROM portico_schema ORDER BY version", on: connection).map { $0["name"] }
    }

    public func schemaVersions() async throws -> [String] { try await appliedVersions() }
}

/// A value bound to a `?` of a statement (they are numbered `$1`, `$2`… for PostgreSQL).
enum PostgresArgument: Sendable {
    case text(String?)
    case int(Int?)
    case date(Date?)
    case bytes(Data?)

    static func int64(_ value: Int64?) -> PostgresArgument { .int(value.map(Int.init)) }

    static func query(_ sql: String, _ arguments: [PostgresArgument]) throws -> PostgresQuery {
        var text = "", number = 0
        // The statements here have no `?` inside string literals.
        for character in sql {
            if character == "?" {
                number += 1
                text += "$\(number)"
            } else {
                text.append(character)
            }
        }
        precondition(number == arguments.count, "\(number) placeholders, \(arguments.count) arguments: \(sql)")
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .text(let value?): bindings.append(value)
            case .int(let value?): bindings.append(value)
            case .date(let value?): bindings.append(Microseconds(value))
            case .bytes(let value?): bindings.append(ByteBuffer(bytes: value))
            case .text(nil), .int(nil), .date(nil), .bytes(nil): bindings.appendNull()
            }
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}

/// A `timestamptz` rounded to the microsecond it means (postgres-nio's own `Date` encoding truncates, which can
/// turn 12:00:00.123 read from SQLite into 12:00:00.122999).
struct Microseconds: PostgresNonThrowingEncodable {
    static let epoch2000: TimeInterval = 946_684_800
    var value: Int64
    init(_ date: Date) { value = Int64(((date.timeIntervalSince1970 - Self.epoch2000) * 1_000_000).rounded()) }
    static var psqlType: PostgresDataType { .timestamptz }
    static var psqlFormat: PostgresFormat { .binary }
    func encode<JSONEncoder: PostgresJSONEncoder>(into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        byteBuffer.writeInteger(value)
    }
}

extension FilterClause {
    var postgresArguments: [PostgresArgument] {
        values.map { value in
            switch value {
            case .text(let text): .text(text)
            case .date(let date): .date(date)
            }
        }
    }
}
