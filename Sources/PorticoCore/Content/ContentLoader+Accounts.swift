import Foundation

extension ContentLoader {
    /// portal.yml alone (defaults where it is missing or broken; `load` reports those problems).
    public func loadConfigOnly() -> (PortalConfig, [Diagnostic]) {
        guard let text = try? String(contentsOf: root.appendingPathComponent("portal.yml"), encoding: .utf8) else { return (PortalConfig(), []) }
        return ConfigParser.portal(text)
    }

    /// portal.yml and every account.yml, without reading pages (for `token`, `serve`).
    public func loadAccountsOnly(log: DiagnosticLog) -> (PortalConfig, [AccountConfig]) {
        let (portal, diagnostics) = loadConfigOnly()
        log.report(contentsOf: diagnostics)
        let names = directories(under: "accounts")
        var accounts: [AccountConfig] = []
        for slug in names {
            let file = "accounts/\(slug)/account.yml"
            guard let text = try? String(contentsOf: root.appendingPathComponent(file), encoding: .utf8) else { continue }
            let (config, problems) = ConfigParser.account(text, slug: slug, file: file)
            log.report(contentsOf: problems)
            accounts.append(config)
        }
        return (portal, accounts)
    }
}

/// A viewer's standing on a given day.
public enum ViewerStatus: String, Sendable {
    case active, expired, revoked

    public init(_ viewer: Viewer, today: Day) {
        if viewer.revoked { self = .revoked } else if let expires = viewer.expires, expires < today { self = .expired } else { self = .active }
    }
}
