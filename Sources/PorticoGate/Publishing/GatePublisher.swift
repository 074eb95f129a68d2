import Foundation
import PorticoCore

/// Publishes accounts sealed: every page and asset encrypted under the account's content key,
/// behind a neutral gate shell that names no client.
public struct GatePublisher: AccountPublisher {
    public let secret: PortalSecret
    public let today: Day
    public let portal: PortalConfig

    public init(secret: PortalSecret, today: Day, portal: PortalConfig) {
        self.secret = secret
        self.today = today
        self.portal = portal
    }

    public func directory(for account: AccountConfig) -> String {
        KeyDerivation.accountPath(secret: secret, account: account)
    }

    public func begin(_ account: ResolvedAccount, theme: Theme, log: DiagnosticLog) -> AccountSealing? {
        let keys = AccountKeys(secret: secret, account: account.config, today: today)
        if keys.activeViewers.isEmpty {
            log.report(.warning("no-viewers", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"),
                                "account \(account.slug) has no active viewer, so nobody can open its portal",
                                hint: "add a viewer, or extend an `expires` date"))
        }
        do {
            let shell = GateSealing.shell(keys: keys, keyring: try keys.keyringJSON(), theme: theme,
                                          csp: ContentSecurityPolicy.forPages(feedbackEndpoint: portal.feedback.endpoint),
                                          showName: account.config.gateShowsName ? account.config.name[account.config.locale] : nil)
            return GateSealing(keys: keys, theme: theme, shell: shell)
        } catch {
            log.report(.error("keys", at: SourceLocation(file: "accounts/\(account.slug)/account.yml"), "could not build the keyring: \(error)"))
            return nil
        }
    }

    /// The keyring (content key check and wrapped keys) and the account path: what viewers, expiry,
    /// generation and the secret change. Hashed again by the cache, so nothing secret is stored.
    public func fingerprint(for account: ResolvedAccount) -> String {
        let keys = AccountKeys(secret: secret, account: account.config, today: today)
        return keys.path + "\n" + ((try? keys.keyringJSON()) ?? "no keyring") + "\n" + GateScript.integrity + "\n" + portal.feedback.endpoint
    }

    /// A hash keyed by the secret (a new secret changes it; it cannot be turned back into the secret), the day
    /// (viewers expire) and the gate script.
    public var identity: String {
        let mark = KeyDerivation.hmac(secret.bytes, Data("portico build identity".utf8)).prefix(16)
        return "gate \(Hex.encode(mark)) \(today) \(GateScript.integrity)"
    }

    public func sharedFiles() -> [String: Data] {
        [
            "_portico/gate.js": GateScript.data,
            "_headers": Data(ContentSecurityPolicy.netlifyHeaders(feedbackEndpoint: portal.feedback.endpoint).utf8),
            "_portico/nginx.conf": Data(ContentSecurityPolicy.nginxSnippet(feedbackEndpoint: portal.feedback.endpoint).utf8),
        ]
    }
}

struct GateSealing: AccountSealing {
    let keys: AccountKeys
    let theme: Theme
    let shell: TemplateMap
    /// The rendered shell around the payload, by the page's path to the account root: the same for every page at one depth.
    let frames = LockedMemo<GateFrame?>()

    func page(_ page: RenderedPage) throws -> Data {
        var html = page.bytes
        // Images become encrypted files the gate script decrypts into blob: URLs after unlock.
        for asset in Set(page.assets) {
            let binURL = RelativeURL.between(page.path, keys.assetFile(name: asset.outputPath))
            let attributes = "data-portico-asset=\"\(binURL)\" data-portico-name=\"\(asset.outputPath)\" data-portico-type=\"\(MediaType.of(asset.outputPath))\""
            html = html.replacingAll([(Array("src=\"\(asset.url)\"".utf8), Array(("src=\"data:,\" " + attributes).utf8)),
                                      (Array("href=\"\(asset.url)\"".utf8), Array(("href=\"#\" " + attributes).utf8))])
        }
        let root = RelativeURL.toRoot(from: page.path)
        if let frame = frames.value(root, make: { GateFrame(rendering: { render(root: root, pageJSON: $0) }) }) {
            return try keys.sealedPage(path: page.path, html: html, head: frame.head, tail: frame.tail)
        }
        return Data(render(root: root, pageJSON: try keys.pageJSON(path: page.path, html: html)).utf8)
    }

    func render(root: String, pageJSON: String) -> String {
        var context = shell
        context["assets"] = .string(root + "../_portico/")
        context["scriptURL"] = .string(root + "../_portico/gate.js")
        context["pageJSON"] = .string(pageJSON)
        return theme.render("gate", .map(context))
    }

    /// The gate shell's context but for the page's own paths and payload: the same on every page of the account.
    static func shell(keys: AccountKeys, keyring: String, theme: Theme, csp: String, showName: String?) -> TemplateMap {
        let locale = keys.account.locale
        let other: Language = locale == .en ? .zhCN : .en
        var context: TemplateMap = [
            "lang": .string(locale.rawValue), "t": TemplateValue(theme.strings(for: locale)), "t2": TemplateValue(theme.strings(for: other)),
            "portal": ["title": .string(theme.string("gateTitle", locale))], "csp": .string(csp),
            "keyringJSON": .string(keyring), "scriptIntegrity": .string(GateScript.integrity),
            "gateScript": .string(GateScript.inlineText),
        ]
        if let showName { context["gateName"] = .string(showName) }
        return context
    }

    func asset(_ data: Data, reference: AssetReference) throws -> (path: String, data: Data) {
        try keys.sealAsset(data, name: reference.outputPath)
    }
}
