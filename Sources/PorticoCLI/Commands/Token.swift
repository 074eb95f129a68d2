import ArgumentParser
import Foundation
import PorticoCore
import PorticoGate

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Issue and list viewers' access links.",
                                                    subcommands: [Issue.self, List.self])

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a viewer's magic link: <base_url>/<account-path>/#k=<token>.")
        @OptionGroup var project: ProjectOptions
        @Argument(help: "The account slug.") var account: String
        @Argument(help: "The viewer id.") var viewer: String

        func run() throws {
            let access = try AccessList.load(project)
            guard let entry = access.entries.first(where: { $0.account.slug == account && $0.viewer.id == viewer }) else {
                let known = access.entries.filter { $0.account.slug == account }.map(\.viewer.id)
                Terminal.error(known.isEmpty ? "error: no account `\(account)` in \(project.content)/accounts/"
                                             : "error: account `\(account)` has no viewer `\(viewer)`; viewers: \(known.joined(separator: ", "))")
                throw Exit.contentErrors
            }
            guard entry.status == .active else {
                Terminal.error("error: viewer `\(viewer)` is \(entry.status.rawValue); the site carries no key for them, so a link would not open. Edit accounts/\(account)/account.yml first.")
                throw Exit.contentErrors
            }
            print(entry.link)
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
        let secret: PortalSecret
        do { secret = try PortalSecret.load(project: project.projectURL) } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
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
