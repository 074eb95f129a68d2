import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an email-ready HTML and a plain-text report for each member of staff: their accounts' activity, what waits for them, quiet accounts.")

    @OptionGroup var project: ProjectOptions
    @Option(name: .customLong("db"), help: "The database `portico serve` writes (default: feedback.sqlite beside the content folder).") var dbOption: String?
    @Option(help: "last-week, last-month or YYYY-MM-DD: the start of the period reported.") var since = "last-week"
    @Option(help: "Only this staff id (default: everyone in portal.yml's `staff:`).") var staff: String?
    @Option(help: "A theme folder whose console/ overrides the report's templates.") var templates: String?
    @Option(help: "Folder for the files (report-<staff>-<date>.html and .txt).") var out = "reports"

    func validate() throws {
        if Self.start(since, today: Day.today()) == nil { throw ValidationError("--since must be last-week, last-month or YYYY-MM-DD") }
    }

    static func start(_ since: String, today: Day) -> Day? {
        switch since {
        case "last-week": today.adding(days: -7)
        case "last-month": today.adding(days: -30)
        default: Day(since)
        }
    }

    func run() async throws {
        let log = DiagnosticLog()
        let (portal, accounts) = ContentLoader(root: project.contentURL).loadAccountsOnly(log: log)
        if log.hasErrors {
            Terminal.print(log.errors, contentFolder: project.contentURL)
            throw Exit.contentErrors
        }
        let people = portal.staff.filter { staff == nil || $0.id == staff }
        guard !people.isEmpty else {
            Terminal.error(staff.map { "error: no staff `\($0)` in portal.yml" } ?? "error: portal.yml has no `staff:` entries (see docs/console.md)")
            throw Exit.contentErrors
        }
        let theme: ConsoleTheme
        do {
            theme = try ConsoleTheme(overrides: templates.map { [URL(fileURLWithPath: $0)] } ?? [])
        } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
        let today = Day.today()
        let from = Date(timeIntervalSince1970: TimeInterval(Self.start(since, today: today)!.ordinal) * 86_400)
        let folder = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let reports = try await FeedbackCommand.withStore(project.database(dbOption)) { store in
            var reports: [(StaffMember, StaffReport)] = []
            for member in people {
                reports.append((member, try await StaffReport.make(store: store, theme: theme, portal: portal, accounts: accounts, member: member,
                                                                   since: from, now: Date(), consoleURL: portal.feedback.serverBase)))
            }
            return reports
        }
        for (member, report) in reports {
            let base = folder.appendingPathComponent("report-\(member.id)-\(today)")
            try report.html.write(to: base.appendingPathExtension("html"), atomically: true, encoding: .utf8)
            try report.text.write(to: base.appendingPathExtension("txt"), atomically: true, encoding: .utf8)
            print("\(member.id)\t\(report.openItems) waiting\t\(base.path).html\t\(base.path).txt")
        }
    }
}
