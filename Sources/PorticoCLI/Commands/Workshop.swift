import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback

struct WorkshopCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workshop", abstract: "Follow up workshop requests: list, show, move along the pipeline, assign.",
        discussion: "Pipeline: requested → scheduled (with --date) → held → poc-proposed → won | lost; closed from any open state (docs/workshops.md).",
        subcommands: [List.self, Show.self, Set.self, Assign.self])

    struct Database: ParsableArguments {
        @OptionGroup var project: ProjectOptions
        @Option(name: .customLong("db"), help: "The database `portico serve` writes: a SQLite path (default: feedback.sqlite beside the content folder) or postgres://….") var dbOption: String?

        var db: String { project.database(dbOption) }

        /// `id` must be a staff id of portal.yml's `staff:`.
        func requireStaff(_ id: String, option: String) throws {
            let log = DiagnosticLog()
            let portal = ContentLoader(root: project.contentURL).load(into: log)
            guard portal.config.staffMember(id) == nil else { return }
            let known = portal.config.staff.map(\.id)
            throw ValidationError("\(option) `\(id)` is not a staff id in \(project.content)/portal.yml; "
                                  + (known.isEmpty ? "add a `staff:` entry for them" : "known: \(known.joined(separator: ", "))"))
        }
    }

    static func state(_ name: String) throws -> WorkshopState {
        guard let state = WorkshopState(rawValue: name) else {
            throw ValidationError("`\(name)` is not a workshop state; use one of \(WorkshopState.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return state
    }

    /// A refused change: its reason on standard error, exit 1.
    static func refuse(_ error: FollowUpError) -> Error {
        Terminal.error("error: \(error)")
        return Exit.contentErrors
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List workshop requests, oldest first (open ones unless --state).")
        @OptionGroup var database: Database
        @Option(name: .long, help: "Only this account (slug or path).") var account: String?
        @Option(name: .long, help: "A state (requested, scheduled, held, poc-proposed, won, lost, closed), or all (default: the open ones).") var state: String?
        @Option(name: .long, help: "Only those assigned to this staff id.") var assignee: String?

        func run() async throws {
            var filter = WorkshopFilter(account: account, states: WorkshopState.open, assignee: assignee)
            if let state { filter.states = state == "all" ? Swift.Set(WorkshopState.allCases) : [try WorkshopCommand.state(state)] }
            let chosen = filter
            let rows = try await FeedbackCommand.withStore(database.db) { try await $0.workshopRequests(chosen) }
            print(["ID", "RECEIVED", "ACCOUNT", "PAGE", "VIEWER", "STATE", "DATE", "SME", "ASSIGNEE", "PARTICIPANTS", "TOPIC"].joined(separator: "\t"))
            let formatter = ISO8601DateFormatter()
            for row in rows {
                print([String(row.id), formatter.string(from: row.receivedAt), row.accountSlug, row.page, row.viewer, row.state.rawValue,
                       row.scheduledFor?.description ?? "-", row.smeName ?? "-", row.assignee ?? "-", row.participants.map(String.init) ?? "-",
                       row.topic.replacingOccurrences(of: "\n", with: " ")].joined(separator: "\t"))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one workshop request and its history.")
        @OptionGroup var database: Database
        @Argument(help: "The request id (from `workshop list`).") var id: Int64

        func run() async throws {
            let id = id
            let (found, history) = try await FeedbackCommand.withStore(database.db) { store in
                (try await store.workshopRequest(id: id), try await store.history(.workshop, id: id))
            }
            guard let request = found else { throw WorkshopCommand.refuse(.notFound(.workshop, id: id)) }
            let formatter = ISO8601DateFormatter()
            let lines: [(String, String)] = [
                ("id", String(request.id)), ("state", request.state.rawValue), ("date", request.scheduledFor?.description ?? "-"),
                ("account", request.accountSlug), ("page", request.page), ("viewer", request.viewer), ("topic", request.topic),
                ("preferred weeks", request.preferredWeeks.isEmpty ? "-" : request.preferredWeeks),
                ("participants", request.participants.map(String.init) ?? "-"), ("notes", request.notes.isEmpty ? "-" : request.notes),
                ("sme", [request.smeName, request.smeEmail.map { "<\($0)>" }].compactMap { $0 }.joined(separator: " ").nonEmpty ?? "-"),
                ("assignee", request.assignee ?? "-"), ("feedback", request.submissionID.map { "submission \($0)" } ?? "-"),
                ("received", formatter.string(from: request.receivedAt)), ("updated", formatter.string(from: request.updatedAt)),
            ]
            for (label, value) in lines { print("\(label):".padding(toLength: 17, withPad: " ", startingAt: 0) + value) }
            print("history:")
            for event in history {
                var change = event.action
                if event.fromValue != nil || event.toValue != nil { change += " \(event.fromValue ?? "-") → \(event.toValue ?? "-")" }
                if let note = event.note { change += " (\(note))" }
                print("  \(formatter.string(from: event.at))  \(event.actor)  \(change)")
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a workshop request to another state (recorded in its history).")
        @OptionGroup var database: Database
        @Argument(help: "The request id.") var id: Int64
        @Argument(help: "The new state: scheduled, held, poc-proposed, won, lost or closed.") var state: String
        @Option(name: .long, help: "The workshop's day (YYYY-MM-DD); required for, and only for, scheduled.") var date: String?
        @Option(name: .long, help: "Why, or what was agreed.") var note: String?
        @Option(name: .customLong("as"), help: "The staff id making the change (default: cli).") var actor: String?

        func validate() throws {
            let next = try WorkshopCommand.state(state)
            if let date, Day(date) == nil { throw ValidationError("--date must be a date like 2025-06-10, not `\(date)`") }
            if date != nil, next != .scheduled { throw ValidationError("--date goes only with `scheduled` (the day the workshop takes place)") }
        }

        func run() async throws {
            if let actor { try database.requireStaff(actor, option: "--as") }
            let next = try WorkshopCommand.state(state)
            let (id, day, actor, note) = (id, date.flatMap(Day.init), actor ?? "cli", note)
            do {
                let changed = try await FeedbackCommand.withStore(database.db) { store in
                    try await store.changeWorkshopState(id: id, to: next, scheduledFor: day, actor: actor, note: note, at: Date())
                }
                print("Workshop request \(id) is \(changed.state.rawValue)" + (changed.state == .scheduled ? " for \(changed.scheduledFor!)." : "."))
            } catch let error as FollowUpError {
                throw WorkshopCommand.refuse(error)
            }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Assign a workshop request to a staff member (portal.yml `staff:`), or --none.")
        @OptionGroup var database: Database
        @Argument(help: "The request id.") var id: Int64
        @Argument(help: "A staff id from portal.yml.") var staffID: String?
        @Flag(name: .long, help: "Unassign it.") var none = false
        @Option(name: .customLong("as"), help: "The staff id making the change (default: cli).") var actor: String?

        func validate() throws {
            if (staffID == nil) == !none { throw ValidationError("give either a STAFF_ID or --none") }
        }

        func run() async throws {
            if let staffID { try database.requireStaff(staffID, option: "STAFF_ID") }
            if let actor { try database.requireStaff(actor, option: "--as") }
            let (id, staffID, actor) = (id, staffID, actor ?? "cli")
            do {
                try await FeedbackCommand.withStore(database.db) { try await $0.assign(.workshop, id: id, to: staffID, actor: actor, at: Date()) }
                print(staffID.map { "Workshop request \(id) is assigned to \($0)." } ?? "Workshop request \(id) is unassigned.")
            } catch let error as FollowUpError {
                throw WorkshopCommand.refuse(error)
            }
        }
    }
}

private extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
