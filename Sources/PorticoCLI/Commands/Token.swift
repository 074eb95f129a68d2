import ArgumentParser
import Foundation
import PorticoCore
import PorticoFeedback
import PorticoGate

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Issue and list viewers' access links.",
                                                    subcommands: [Issue.self, List.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a viewer's magic link (<base_url>/<account-path>/#k=<token>), or with --staff a console sign-in link.",
            discussion: """
            With --new-serial, first writes a fresh `serial:` into the viewer's entry in account.yml: a new link, and the viewer's previous one stops working at the next publish.
            With --staff <id>, prints a sign-in link to the console for that `staff:` entry of portal.yml, valid for --days days (default 14, at most 90). The server verifies it with the key file the build writes, so build once after adding someone to `staff:`.
            """)
        @OptionGroup var project: ProjectOptions
        @Argument(help: "The account slug.") var account: String?
        @Argument(help: "The viewer id.") var viewer: String?
        @Flag(name: .customLong("new-serial"), help: "Give the viewer a new link: write a fresh serial into account.yml.") var newSerial = false
        @Option(name: .long, help: "Print a console sign-in link for this staff id (portal.yml `staff:`).") var staff: String?
        @Option(name: .long, help: "Days a staff sign-in link stays valid (1–90).") var days = StaffLink.defaultDays

        func validate() throws {
            if staff != nil {
                guard account == nil, viewer == nil, !newSerial else { throw ValidationError("--staff takes no account, viewer or --new-serial") }
                guard (1...StaffLink.maximumDays).contains(days) else { throw ValidationError("--days must be 1–\(StaffLink.maximumDays)") }
            } else if account == nil || viewer == nil {
                throw ValidationError("give an account and a viewer (portico token issue <account> <viewer>), or --staff <id>")
            }
        }

        func run() throws {
            if let staff { return try issueStaffLink(staff) }
            let account = account!, viewer = viewer!
            var entry = try find(AccessList.load(project))
            guard entry.status == .active else {
                Terminal.error("error: viewer `\(viewer)` is \(entry.status.rawValue); the site carries no key for them, so a link would not open. Edit accounts/\(account)/account.yml first.")
                throw Exit.contentErrors
            }
            if newSerial {
                try writeSerial()
                entry = try find(AccessList.load(project))
            }
            // A link the publishes took back is not handed out again (see `portico check`).
            let log = DiagnosticLog()
            AccessGuard(file: AccessHistoryFile(project: project.projectURL), records: false).check([entry.account], today: Day.today(), log: log)
            let problems = log.errors.filter { $0.location == entry.viewer.location || $0.code == "access-history-damaged" }
            guard problems.isEmpty else {
                print(DiagnosticFormatter.format(problems, as: "text", contentFolder: project.content), terminator: "")
                Terminal.error("error: no link printed for viewer `\(viewer)`")
                throw Exit.contentErrors
            }
            print(entry.link)
        }

        func issueStaffLink(_ id: String) throws {
            let log = DiagnosticLog()
            let (portal, _) = ContentLoader(root: project.contentURL).loadAccountsOnly(log: log)
            if log.hasErrors {
                Terminal.print(log.errors, contentFolder: project.contentURL)
                throw Exit.contentErrors
            }
            guard portal.staffMember(id) != nil else {
                let known = portal.staff.map(\.id)
                Terminal.error(known.isEmpty ? "error: portal.yml has no `staff:` entries; add one (see docs/console.md)"
                                             : "error: no staff `\(id)` in portal.yml; staff: \(known.joined(separator: ", "))")
                throw Exit.contentErrors
            }
            let secret = try ProjectSecret.load(project)
            let expires = Day.today().adding(days: days)
            let token = StaffLink.token(secret: secret, staff: id, expires: expires)
            Terminal.error("Valid until \(expires). The server verifies it once a build has written \(id)'s key into the server key file.")
            print("\(portal.feedback.serverBase)/console/sign-in?t=\(token)")
        }

        func find(_ access: AccessList) throws -> AccessList.Entry {
            let account = account!, viewer = viewer!
            guard let entry = access.entries.first(where: { $0.account.slug == account && $0.viewer.id == viewer }) else {
                let known = access.entries.filter { $0.account.slug == account }.map(\.viewer.id)
                Terminal.error(known.isEmpty ? "error: no account `\(account)` in \(project.content)/accounts/"
                                             : "error: account `\(account)` has no viewer `\(viewer)`; viewers: \(known.joined(separator: ", "))")
                throw Exit.contentErrors
            }
            return entry
        }

        func writeSerial() throws {
            let account = account!, viewer = viewer!
            let relative = "accounts/\(account)/account.yml"
            let file = project.contentURL.appendingPathComponent(relative)
            let serial = ViewerSerialEdit.fresh()
            do {
                let text = try String(contentsOf: file, encoding: .utf8)
                let (edited, line) = try ViewerSerialEdit.setting(serial, viewer: viewer, in: text, file: "\(project.content)/\(relative)")
                try edited.write(to: file, atomically: true, encoding: .utf8)
                Terminal.error("Wrote `serial: \(serial)` for viewer `\(viewer)` at \(project.content)/\(relative):\(line). Commit it and publish: "
                               + "the link below opens the portal from that publish on, and \(viewer)'s previous link stops working then.")
            } catch let refused as ViewerSerialEdit.Refused {
                Terminal.error("error: \(refused)")
                throw Exit.contentErrors
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every viewer with status and expiry.")
        @OptionGroup var project: ProjectOptions
        @Argument(help: "Only this account.") var account: String?
        @Flag(name: .long, help: "Also print each active viewer's magic link.") var links = false

        func run() throws {
            let access = try AccessList.load(project)
            let rows = access.entries.filter { account == nil || $0.account.slug == account }
            if let account, rows.isEmpty, !access.entries.contains(where: { $0.account.slug == account }) {
                Terminal.error("error: no account `\(account)`")
                throw Exit.contentErrors
            }
            print(["ACCOUNT", "VIEWER", "NAME", "STATUS", "EXPIRES"].joined(separator: "\t"))
            for row in rows {
                print([row.account.slug, row.viewer.id, row.viewer.name ?? "", row.status.rawValue, row.viewer.expires?.description ?? "never"].joined(separator: "\t"))
                if links, row.status == .active { print("  \(row.link)") }
            }
        }
    }
}

/// Every viewer of every account, with status on today's date and the link that opens their portal.
struct AccessList {
    struct Entry {
        var account: AccountConfig
        var viewer: Viewer
        var status: ViewerStatus
        var link: String
    }

    var entries: [Entry]

    static func load(_ project: ProjectOptions) throws -> AccessList {
        let log = DiagnosticLog()
        let (portal, accounts) = ContentLoader(root: project.contentURL).loadAccountsOnly(log: log)
        if log.hasErrors {
            Terminal.print(log.errors, contentFolder: project.contentURL)
            throw Exit.contentErrors
        }
        let secret = try ProjectSecret.load(project)
        let today = Day.today()
        var entries: [Entry] = []
        for account in accounts {
            let keys = AccountKeys(secret: secret, account: account, today: today)
            for viewer in account.viewers {
                entries.append(Entry(account: account, viewer: viewer, status: ViewerStatus(viewer, today: today),
                                     link: "\(portal.baseURL)/\(keys.path)/#k=\(keys.token(for: viewer))"))
            }
        }
        return AccessList(entries: entries)
    }
}
