import ArgumentParser
import Foundation
import PorticoFeedback

/// `portico db`: a store's schema and moving a store between SQLite and PostgreSQL.
struct DbCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Migrate a feedback database, or copy one between SQLite and PostgreSQL (docs/postgres.md).",
        subcommands: [Migrate.self, Copy.self])

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the migrations a database lacks (serve does this too at start) and print its versions.",
            discussion: "Forward only: a database migrated by a newer portico is refused and left as it is.")

        @Option(name: .customLong("db"), help: "sqlite:PATH (or a path) or postgres://user@host:port/database.") var db: String

        func validate() throws {
            do { _ = try StoreLocation(db) } catch { throw ValidationError("--db: \(error)") }
        }

        func run() async throws {
            let location = try StoreLocation(db)
            let store = try await DbCommand.open(location)
            let versions: [String]
            do { versions = try await store.schemaVersions() } catch {
                await store.close()
                throw error
            }
            await store.close()
            print("\(location): schema at \(versions.count) of \(StoreSchema.versions.count) versions")
            for version in versions { print("  \(version)") }
        }
    }

    struct Copy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy every table of one database into another, empty one; then compare row counts and checksums.",
            discussion: """
                Both are migrated to this portico's schema first. The destination must be empty. Stop `portico serve` on the \
                source first: rows written during the copy are not copied. Exits 1, saying which table differs, unless \
                every table's row count and checksum match.
                """)

        @Option(name: .long, help: "The source: sqlite:PATH or postgres://….") var from: String
        @Option(name: .long, help: "The destination: sqlite:PATH or postgres://… (empty).") var to: String

        func validate() throws {
            let source: StoreLocation, destination: StoreLocation
            do { source = try StoreLocation(from) } catch { throw ValidationError("--from: \(error)") }
            do { destination = try StoreLocation(to) } catch { throw ValidationError("--to: \(error)") }
            if source == destination { throw ValidationError("--from and --to are the same database") }
            if case .sqlite(let path) = source, !FileManager.default.fileExists(atPath: path) {
                throw ValidationError("--from: no database at \(path)")
            }
        }

        func run() async throws {
            let source = try await DbCommand.open(try StoreLocation(from))
            let destination: any PorticoStore
            do { destination = try await DbCommand.open(try StoreLocation(to)) } catch {
                await source.close()
                throw error
            }
            do {
                let digests = try await StoreCopy.copy(from: source, to: destination)
                await source.close()
                await destination.close()
                for digest in digests { print("  \(digest)") }
                print("copied \(digests.map(\.rows).reduce(0, +)) rows; every table's row count and checksum match")
            } catch {
                await source.close()
                await destination.close()
                Terminal.error("error: \(error)")
                throw Exit.contentErrors
            }
        }
    }

    static func open(_ location: StoreLocation) async throws -> any PorticoStore {
        do { return try await location.open() } catch {
            Terminal.error("error: cannot open \(location): \(error)")
            throw Exit.contentErrors
        }
    }
}
