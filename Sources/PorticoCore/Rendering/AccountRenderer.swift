import Foundation

/// Stage 3: renders every page of one account through the theme.
public struct AccountRenderer {
    public let portal: PortalConfig
    public let account: ResolvedAccount
    public let theme: Theme
    public let markdown: MarkdownRenderer
    public let preview: Bool
    /// Directory name of the account under `site/`, for the feedback form's `account` field.
    public let accountPath: String
    let links: LinkResolver
    let anchors: AnchorIndex?

    public init(portal: PortalConfig, account: ResolvedAccount, theme: Theme, knownPages: Set<String>, knownAssets: Set<String>,
                accountPath: String, preview: Bool = false, anchors: AnchorIndex? = nil, unreadablePages: Set<String> = []) {
        self.portal = portal
        self.account = account
        self.theme = theme
        self.markdown = MarkdownRenderer(unsafeHTML: portal.unsafeHTML)
        self.preview = preview
        self.accountPath = accountPath
        self.links = LinkResolver(account: account, knownPages: knownPages, knownAssets: knownAssets, unreadablePages: unreadablePages, anchors: anchors)
        self.anchors = anchors
        self.brand = BrandPalette(brand: Color(hex: account.config.brand.color) ?? Color(hex: "#1f4e8c")!)
    }

    var locale: Language { account.config.locale }
    let brand: BrandPalette

    /// Renders each page and hands it to `emit` at once, so a large site is never held in memory.
    public func renderAll(log: DiagnosticLog, emit: (RenderedPage) throws -> Void) rethrows {
        let cards = Dictionary(uniqueKeysWithValues: account.pages.map { ($0.outputPath, card(for: $0)) })
        try emit(home(cards: cards))
        for kind in PageKind.allCases { try emit(list(kind, cards: cards)) }
        var searchEntries: [[String: String]] = []
        for page in account.pages {
            let (rendered, text) = article(page, cards: cards, log: log)
            searchEntries.append(["t": page.source.title, "u": RelativeURL.between("search/index.html", page.outputPath),
                                  "s": page.source.summary ?? "", "k": kindLabel(page.source.kind, page.language),
                                  "x": String(text.prefix(20_000))])
            try emit(rendered)
        }
        try emit(search(entries: searchEntries))
    }

    // MARK: Pages

    func home(cards: [String: [String: Any]]) -> RenderedPage {
        let path = "index.html"
        var context = base(path: path, language: locale, kind: "home", title: theme.string("home", locale))
        context["welcome"] = theme.string("welcome", locale, ["name": account.config.name[locale]])
        context["sections"] = PageKind.allCases.compactMap { kind -> [String: Any]? in
            let pages = account.pages(of: kind).prefix(6)
            guard !pages.isEmpty else { return nil }
            return ["kind": kind.rawValue, "label": kindLabel(kind, locale), "url": RelativeURL.between(path, "\(kind.rawValue)/index.html"),
                    "cards": pages.map { relink(cards[$0.outputPath]!, from: path) }]
        }
        return page(path: path, template: "home", context: context)
    }

    func list(_ kind: PageKind, cards: [String: [String: Any]]) -> RenderedPage {
        let path = "\(kind.rawValue)/index.html"
        let label = kindLabel(kind, locale)
        var context = base(path: path, language: locale, kind: "list", title: label)
        let pages = account.pages(of: kind)
        context["section"] = ["kind": kind.rawValue, "label": label]
        context["cards"] = pages.map { relink(cards[$0.outputPath]!, from: path) }
        var counts: [String: Int] = [:]
        for page in pages { for tag in page.source.tags { counts[tag, default: 0] += 1 } }
        context["tags"] = counts.sorted { $0.key < $1.key }.map { ["name": $0.key, "count": $0.value] }
        context["empty"] = pages.isEmpty
        return page(path: path, template: "list", context: context)
    }

    func article(_ resolved: ResolvedPage, cards: [String: [String: Any]], log: DiagnosticLog) -> (RenderedPage, String) {
        let source = resolved.source
        let path = resolved.outputPath
        var assets: [AssetReference] = []
        var diagnostics: [Diagnostic] = []
        let body = markdown.render(source.body) { link in
            links.resolve(link, on: resolved, assets: &assets, diagnostics: &diagnostics)
        }
        log.report(contentsOf: diagnostics)
        anchors?.define(account: account.slug, page: path, html: body.html)
        let language = resolved.language
        var context = base(path: path, language: language, kind: "article", title: source.title)
        let minutes = Formatting.readingMinutes(body.text)
        var page: [String: Any] = [
            "title": source.title, "kind": source.kind.rawValue, "kindLabel": kindLabel(source.kind, language),
            "dateISO": source.date.description, "dateText": Formatting.date(source.date, language),
            "tags": source.tags, "readingMinutes": minutes,
            "readingText": theme.string("readingTime", language, ["n": String(minutes)]),
            "html": body.html, "toc": body.toc.filter { $0.level <= 3 }.map { ["level": $0.level, "id": $0.id, "text": $0.text] },
            "hasToc": body.toc.filter { $0.level <= 3 }.count >= 3,
            "draft": source.draft, "future": resolved.isFuture,
            "related": related(to: resolved).map { relink(cards[$0.outputPath]!, from: path) },
        ]
        if let summary = source.summary { page["summary"] = summary }
        if let author = source.author { page["author"] = author }
        if let sme = source.sme.flatMap(account.config.sme(named:)) { page["sme"] = smeContext(sme) }
        context["page"] = page
        context["feedback"] = feedbackContext(page: path, language: language)
        return (self.page(path: path, template: "article", context: context, assets: assets), body.text)
    }

    func search(entries: [[String: String]]) -> RenderedPage {
        let path = "search/index.html"
        var context = base(path: path, language: locale, kind: "search", title: theme.string("search", locale))
        context["searchIndex"] = JSONText.encode(entries)
        return page(path: path, template: "search", context: context)
    }

    // MARK: Context pieces

    func base(path: String, language: Language, kind: String, title: String) -> [String: Any] {
        let root = RelativeURL.toRoot(from: path)
        var accountContext: [String: Any] = [
            "name": account.config.name[language], "industry": account.config.industry, "locale": locale.rawValue,
            "brand": ["color": account.config.brand.color, "accent": brand.accent.hex, "accentInk": brand.accentInk.hex,
                      "accentSoft": brand.accentSoft.hex, "onAccent": brand.onAccent.hex],
            "smes": account.config.smes.map(smeContext),
            "hasSmes": !account.config.smes.isEmpty,
        ]
        if let logo = account.config.brand.logo { accountContext["logo"] = root + logo }
        let navItems: [(String, String)] = [("index.html", theme.string("home", language))]
            + PageKind.allCases.map { ("\($0.rawValue)/index.html", kindLabel($0, language)) }
            + [("search/index.html", theme.string("search", language))]
        return [
            "lang": language.rawValue, "t": theme.strings(for: language), "portal": ["title": portal.title],
            "assets": root + "../_portico/", "root": root, "preview": preview, "account": accountContext,
            "title": title, "kind": kind,
            "nav": navItems.map { target, label in
                ["label": label, "url": RelativeURL.between(path, target), "current": target == path || (kind == "article" && path.hasPrefix(target.replacingOccurrences(of: "index.html", with: "")) && target != "index.html")]
            },
        ]
    }

    func page(path: String, template: String, context: [String: Any], assets: [AssetReference] = []) -> RenderedPage {
        var context = context
        context["body"] = theme.render(template, context)
        let html = theme.render("layout", context)
        var assets = assets
        if let logo = account.config.brand.logo {
            let output = LinkResolver.outputPath(ofAsset: "accounts/\(account.slug)/\(logo)") ?? logo
            assets.append(AssetReference(url: RelativeURL.toRoot(from: path) + logo, sourcePath: "accounts/\(account.slug)/\(logo)", outputPath: output))
        }
        return RenderedPage(path: path, html: html, language: Language(tag: context["lang"] as? String ?? "en") ?? .en,
                            title: context["title"] as? String ?? "", assets: assets)
    }

    func card(for page: ResolvedPage) -> [String: Any] {
        let source = page.source
        let minutes = Formatting.readingMinutes(source.body)
        var card: [String: Any] = [
            "title": source.title, "path": page.outputPath, "kindLabel": kindLabel(source.kind, locale),
            "dateISO": source.date.description, "dateText": Formatting.date(source.date, locale),
            "readingText": theme.string("readingTime", locale, ["n": String(minutes)]),
            "tags": source.tags, "draft": source.draft, "future": page.isFuture, "lang": page.language.rawValue,
        ]
        if let summary = source.summary { card["summary"] = summary }
        return card
    }

    func relink(_ card: [String: Any], from path: String) -> [String: Any] {
        var card = card
        card["url"] = RelativeURL.between(path, card["path"] as! String)
        return card
    }

    func related(to page: ResolvedPage) -> [ResolvedPage] {
        let tags = Set(page.source.tags)
        guard !tags.isEmpty else { return [] }
        return account.pages
            .filter { $0.outputPath != page.outputPath }
            .map { ($0, tags.intersection($0.source.tags).count) }
            .filter { $0.1 > 0 }
            .sorted { ($0.1, $0.0.source.date) > ($1.1, $1.0.source.date) }
            .prefix(3).map(\.0)
    }

    func smeContext(_ sme: SME) -> [String: Any] {
        var context: [String: Any] = ["name": sme.name, "topics": sme.topics, "topicsText": sme.topics.joined(separator: " · ")]
        if let email = sme.email { context["email"] = email }
        return context
    }

    func feedbackContext(page: String, language: Language) -> [String: Any] {
        [
            "endpoint": portal.feedback.endpoint, "account": accountPath, "page": page,
            "fields": portal.feedback.fields.map { field -> [String: Any] in
                var context: [String: Any] = ["name": field.name, "label": field.label[language], "required": field.required, "type": field.typeName]
                switch field.kind {
                case .rating:
                    context["isRating"] = true
                    context["ratings"] = (1...5).map { ["value": $0, "id": "\(field.name)-\($0)"] }
                case .text(let max):
                    context["isText"] = true
                    context["max"] = max
                case .choice(let options):
                    context["isChoice"] = true
                    context["options"] = options.map { ["value": $0.value, "label": $0.label[language]] }
                case .checkbox:
                    context["isCheckbox"] = true
                }
                return context
            },
        ]
    }

    func kindLabel(_ kind: PageKind, _ language: Language) -> String {
        switch kind {
        case .insights: theme.string("insights", language)
        case .solutions: theme.string("solutions", language)
        case .caseStudies: theme.string("caseStudies", language)
        }
    }
}

/// Deterministic JSON text (sorted keys), safe to embed in a `<script type="application/json">` element.
public enum JSONText {
    public static func encode(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: ">", with: "\\u003e")
            .replacingOccurrences(of: "&", with: "\\u0026")
    }
}
