import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feedback", abstract: "Read and follow up reader feedback.",
                                                    subcommands: [List.self, Export.self, Resolve.self])

    struct Selection: ParsableArguments {
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The database `portico serve` writes: a SQLite path (default: feedback.sqlite beside the content folder) or postgres://….") var dbOption: String?
        var db: String { project.database(dbOption) }
        @Option(name: .long, help: "Only this account (slug or path).") var account: String?
        @Option(name: .long, help: "Only submissions received on or after this date (YYYY-MM-DD, UTC).") var since: String?
        @Option(name: .long, help: "open, resolved, spam or all (default: open and resolved).") var status: String?

        func filter() throws -> SubmissionFilter {
            var filter = SubmissionFilter(account: account)
            if let since {
                guard let day = Day(since) else { throw ValidationError("--since must be a date like 2025-03-31") }
                filter.since = Date(timeIntervalSince1970: TimeInterval(day.ordinal) * 86_400)
            }
            switch status {
            case nil: break
            case "all": filter.statuses = Set(SubmissionStatus.allCases)
            case let name?:
                guard let status = SubmissionStatus(rawValue: name) else { throw ValidationError("--status must be open, resolved, spam or all") }
                filter.statuses = [status]
            }
            return filter
        }

    }

    /// Runs `body` on the database `portico serve` writes (closed after), or exits 1 saying why it cannot be opened.
    static func withStore<Result>(_ db: String, _ body: (any PorticoStore) async throws -> Result) async throws -> Result {
        let location: StoreLocation
        do { location = try StoreLocation(db) } catch {
            Terminal.error("error: --db: \(error)")
            throw Exit.contentErrors
        }
        if case .sqlite(let path) = location, !FileManager.default.fileExists(atPath: path) {
            Terminal.error("error: no database at \(path) (run `portico serve`, or pass --db)")
            throw Exit.contentErrors
        }
        let store: any PorticoStore
        do { store = try await location.open() } catch {
            Terminal.error("error: cannot open \(location): \(error)")
            throw Exit.contentErrors
        }
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List submissions, oldest first (spam hidden unless --status spam/all).")
        @OptionGroup var selection: Selection

        func run() async throws {
            let filter = try selection.filter()
            let rows = try await FeedbackCommand.withStore(selection.db) { try await $0.submissions(filter) }
            print(["ID", "RECEIVED", "ACCOUNT", "PAGE", "VIEWER", "SME", "ASSIGNEE", "STATUS", "FIELDS"].joined(separator: "\t"))
            let formatter = ISO8601DateFormatter()
            for row in rows {
                let fields = row.fields.keys.sorted().map { "\($0)=\(text(row.fields[$0]!))" }.joined(separator: " ")
                print([String(row.id), formatter.string(from: row.receivedAt), row.accountSlug, row.page, row.viewer,
                       row.smeName ?? "-", row.assignee ?? "-", row.status.rawValue, fields].joined(separator: "\t"))
                if let note = row.note { print("  note: \(note)") }
            }
        }

        private func text(_ value: JSONValue) -> String {
            if case .string(let text) = value { return text.replacingOccurrences(of: "\n", with: " ") }
            return value.jsonText()
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write submissions to standard output as CSV or JSON.")
        @OptionGroup var selection: Selection
        @Option(name: .long, help: "csv or json.") var format: String = "csv"

        func run() async throws {
            guard let format = SubmissionExport.Format(rawValue: format) else { throw ValidationError("--format must be csv or json") }
            let filter = try selection.filter()
            let rows = try await FeedbackCommand.withStore(selection.db) { try await $0.submissions(filter) }
            FileHandle.standardOutput.write(Data(SubmissionExport.render(rows, as: format).utf8))
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a submission followed up, with a note (kept in its history, by `cli`).")
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The database: a SQLite path (default: feedback.sqlite beside the content folder) or postgres://….") var dbOption: String?
        var db: String { project.database(dbOption) }
        @Argument(help: "The submission id (from `feedback list`).") var id: Int64
        @Option(name: .long, help: "What was done.") var note: String

        func run() async throws {
            let (id, note) = (id, note)
            guard try await FeedbackCommand.withStore(db, { try await $0.resolve(id: id, note: note, at: Date(), actor: "cli") }) else {
                Terminal.error("error: no submission \(id) in \(db)")
                throw Exit.contentErrors
            }
            print("Resolved \(id).")
        }
    }
}
