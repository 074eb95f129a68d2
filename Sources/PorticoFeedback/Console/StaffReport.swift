import Foundation
import PorticoCore

/// `portico report`: for one member of staff, an e-mail-ready HTML page and a plain-text twin with their
/// accounts' activity since a date, the feedback and workshop requests waiting for them, and the accounts that
/// have gone quiet.
public struct StaffReport {
    public let member: StaffMember
    public let html: String
    public let text: String
    /// Items waiting for this person (what the summary line counts).
    public let openItems: Int

    public static func make(store: any PorticoStore, theme: ConsoleTheme, portal: PortalConfig, accounts: [AccountConfig],
                            member: StaffMember, since: Date, now: Date, consoleURL: String) async throws -> StaffReport {
        let access = ConsoleAccess(member: member)
        let language = portal.languages.first ?? .en
        let strings = theme.strings(language)
        let totals = try await store.accountTotals(from: since, to: now)
        let quietSince = now.addingTimeInterval(-Double(ConsoleController.quietDays) * 86_400)
        let mine = accounts.filter { access.sees($0.slug) }.sorted { $0.slug < $1.slug }
        let items = try await store.items(.open, limit: 10_000)
            .filter { access.sees($0.account) && access.isMine(assignee: $0.assignee, smeEmail: $0.smeEmail) }
        let day = ConsoleController.dateText
        var context: TemplateMap = [
            "t": TemplateValue(strings), "lang": .string(language.rawValue), "portal": ["title": .string(portal.title)],
            "name": .string(member.name), "since": .string(day(since)), "until": .string(day(now)), "consoleURL": .string(consoleURL),
        ]
        context["accounts"] = .list(mine.map { account in
            let total = totals[account.slug] ?? ConsoleQueries.AccountTotals()
            return ["name": .string(account.name[language]), "url": .string("\(consoleURL)/console/accounts/\(account.slug)"),
                    "minutes": .string(ConsoleController.minutes(total.current.seconds)), "readers": .int(total.current.readers),
                    "viewers": .int(account.activeViewers(on: Day.today()).count), "pieces": .int(total.current.pieces),
                    "openFeedback": .int(total.openFeedback), "openWorkshops": .int(total.openWorkshops),
                    "last": .string(total.lastActivity.map(day) ?? "–")]
        })
        context["hasAccounts"] = .bool(!mine.isEmpty)
        context["items"] = .list(items.map { item in
            ["kind": .string(strings["kind-\(item.kind.rawValue)"] ?? item.kind.rawValue), "id": .int(Int(item.id)),
             "url": .string("\(consoleURL)/console/items/\(item.kind.rawValue)/\(item.id)"),
             "account": .string(accounts.first { $0.slug == item.account }?.name[language] ?? item.account),
             "at": .string(day(item.receivedAt)), "summary": .string(item.summary),
             "state": .string(strings["state-\(item.state)"] ?? item.state)]
        })
        context["hasItems"] = .bool(!items.isEmpty)
        let quiet = mine.filter { ((totals[$0.slug]?.lastActivity) ?? .distantPast) < quietSince }
        context["quiet"] = .list(quiet.map { ["name": .string($0.name[language])] })
        context["hasQuiet"] = .bool(!quiet.isEmpty)
        context["quietDays"] = .int(ConsoleController.quietDays)
        return StaffReport(member: member, html: theme.renderAlone("report", context), text: theme.renderAlone("report.txt", context),
                           openItems: items.count)
    }
}
