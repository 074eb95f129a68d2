import Foundation

/// `portico check`: everything `build` validates, without writing, plus the findings a careful editor
/// wants before a client sees the portal.
public struct SiteChecker: Sendable {
    public var builder: SiteBuilder
    /// Viewers whose access ends within this many days are reported.
    public var expiryWarningDays = 14

    public init(builder: SiteBuilder) {
        self.builder = builder
    }

    public func check(log: DiagnosticLog) throws {
        let theme = Theme(folders: builder.themeFolders, log: log)
        let (portal, accounts) = builder.loadAndResolve(log: log)
        builder.access?.check(portal.accounts.map(\.config), today: builder.options.today, log: log)
        let anchors = AnchorIndex()
        let renderLog = DiagnosticLog()
        _ = try builder.renderAccounts(portal: portal, accounts: accounts, theme: theme, writer: nil, log: renderLog, anchors: anchors, progress: nil)
        // A build publishes without the raw HTML it dropped; a check is where that must not go unnoticed.
        log.report(contentsOf: renderLog.all.map { diagnostic in
            var diagnostic = diagnostic
            if diagnostic.code == "raw-html-omitted" { diagnostic.severity = .error }
            return diagnostic
        })
        log.report(contentsOf: anchors.brokenAnchors())

        let published = Set(accounts.flatMap { $0.pages.map(\.source.sourcePath) })
        for page in portal.library where !published.contains(page.sourcePath) && !page.draft && !page.isFuture(relativeTo: builder.options.today) {
            log.report(.warning("not-included", at: SourceLocation(file: page.sourcePath, line: 1),
                                "no account includes this library page", hint: "add it to an account's `include` rules, or mark it `draft: true`"))
        }
        let today = builder.options.today
        for account in portal.accounts {
            let file = "accounts/\(account.slug)/account.yml"
            for viewer in account.config.viewers where viewer.isActive(on: today) {
                if let expires = viewer.expires, expires.ordinal - today.ordinal <= expiryWarningDays {
                    let days = expires.ordinal - today.ordinal
                    log.report(.warning("expiring-viewer", at: viewer.location,
                                        "viewer `\(viewer.id)` loses access \(days == 0 ? "after today" : "in \(days) days") (\(expires))",
                                        hint: "extend `expires` in \(file) if they should keep reading"))
                }
            }
            for sme in account.config.smes where (sme.email ?? "").isEmpty {
                log.report(.warning("sme-without-email", at: sme.location, "SME `\(sme.name)` has no email, so readers cannot contact them",
                                    hint: "add `email:`"))
            }
        }
    }
}
