import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback

struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "feedback", abstract: "Read and follow up reader feedback.",
                                                    subcommands: [List.self, Export.self, Resolve.self])

    struct Selection: ParsableArguments {
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The SQLite database `portico serve` writes (default: feedback.sqlite beside the content folder).") var dbOption: String?
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

        func store() throws -> FeedbackStore { try FeedbackCommand.openStore(db) }
    }

    /// The database `portico serve` writes, or exit 1 with why not.
    static func openStore(_ db: String) throws -> FeedbackStore {
        guard FileManager.default.fileExists(atPath: db) else {
            Terminal.error("error: no database at \(db) (run `portico serve`, or pass --db)")
            throw Exit.contentErrors
        }
        do { return try FeedbackStore(path: db) } catch {
            Terminal.error("error: cannot open \(db): \(error)")
            throw Exit.contentErrors
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List submissions, oldest first (spam hidden unless --status spam/all).")
        @OptionGroup var selection: Selection

        func run() throws {
            let rows = try selection.store().submissions(selection.filter())
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

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write submissions to standard output as CSV or JSON.")
        @OptionGroup var selection: Selection
        @Option(name: .long, help: "csv or json.") var format: String = "csv"

        func run() throws {
            guard let format = SubmissionExport.Format(rawValue: format) else { throw ValidationError("--format must be csv or json") }
            let rows = try selection.store().submissions(selection.filter())
            FileHandle.standardOutput.write(Data(SubmissionExport.render(rows, as: format).utf8))
        }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a submission followed up, with a note (kept in its history, by `cli`).")
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The SQLite database (default: feedback.sqlite beside the content folder).") var dbOption: String?
        var db: String { project.database(dbOption) }
        @Argument(help: "The submission id (from `feedback list`).") var id: Int64
        @Option(name: .long, help: "What was done.") var note: String

        func run() throws {
            let store = try Selection.parse(["--db", db, "--content", project.content]).store()
            guard try store.resolve(id: id, note: note, at: Date()) else {
                Terminal.error("error: no submission \(id) in \(db)")
                throw Exit.contentErrors
            }
            print("Resolved \(id).")
        }
    }
}
