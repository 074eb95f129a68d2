import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback

/// `portico engagement`: reading signals for scripts, and erasing one reader (docs/engagement.md).
/// `list` is the default subcommand, so `portico engagement <account>` lists too.
struct EngagementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engagement", abstract: "List an account's reading signals, or erase everything one reader sent.",
        discussion: "`portico engagement <account>` is `portico engagement list <account>`.",
        subcommands: [List.self, Forget.self], defaultSubcommand: List.self)

    struct Database: ParsableArguments {
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The database `portico serve` writes: a SQLite path (default: feedback.sqlite beside the content folder) or postgres://….") var dbOption: String?

        var db: String { project.database(dbOption) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write an account's reading events to standard output, oldest view first.",
            discussion: "Columns, in this order: \(ReadingExport.columns.joined(separator: ", ")).")
        @OptionGroup var database: Database
        @Argument(help: "The account's slug (its folder under accounts/).") var account: String
        @Option(name: .long, help: "Only views started on or after this date (YYYY-MM-DD, UTC).") var since: String?
        @Option(name: .long, help: "csv or json.") var format: String = "csv"

        func run() async throws {
            guard let format = SubmissionExport.Format(rawValue: format) else { throw ValidationError("--format must be csv or json") }
            var start: Date?
            if let since {
                guard let day = Day(since) else { throw ValidationError("--since must be a date like 2025-03-31") }
                start = Date(timeIntervalSince1970: TimeInterval(day.ordinal) * 86_400)
            }
            let (account, since) = (account, start)
            let rows = try await FeedbackCommand.withStore(database.db) { try await $0.readingEvents(account: account, since: since) }
            FileHandle.standardOutput.write(Data(ReadingExport.render(rows, as: format).utf8))
        }
    }

    struct Forget: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Erase one reader's reading events, feedback and workshop requests from every table, in one transaction.")
        @OptionGroup var database: Database
        @Argument(help: "The account's slug.") var account: String
        @Argument(help: "The viewer id.") var viewer: String

        func run() async throws {
            let (account, viewer) = (account, viewer)
            let removed = try await FeedbackCommand.withStore(database.db) { try await $0.forget(account: account, viewer: viewer) }
            for (table, rows) in removed { print("\(table)\t\(rows)") }
            let total = removed.reduce(0) { $0 + $1.rows }
            print(total == 0 ? "Nothing stored for viewer \(viewer) of \(account)." : "Erased \(total) rows of viewer \(viewer) of \(account).")
        }
    }
}
