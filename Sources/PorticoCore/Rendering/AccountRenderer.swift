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
    let layouts = LayoutCache()

    /// The account's UI languages: its locale first, then every other portal language its pages are written in.
    /// Home, lists and search exist once per language (`<lang>/…` for all but the locale).
    var languages: [Language] {
        let written = Set(account.pages.map(\.language))
        return [locale] + portal.languages.filter { $0 != locale && written.contains($0) }
    }

    func prefix(_ language: Language) -> String {
        language == locale || !languages.contains(language) ? "" : language.rawValue + "/"
    }

    /// Renders each page and hands it to `emit` at once, so a large site is never held in memory.
    public func renderAll(log: DiagnosticLog, emit: (RenderedPage) throws -> Void) rethrows {
        var searchTexts: [String] = []
        var cardsByLanguage: [Language: [String: [String: Any]]] = [:]
        for language in Set(languages + account.pages.map(\.language)) { cardsByLanguage[language] = cards(in: language) }
        for page in account.pages {
            let (rendered, text) = article(page, cards: cardsByLanguage[page.language]!, log: log)
            searchTexts.append(String(text.prefix(20_000)))
            try emit(rendered)
        }
        for language in languages {
            let cards = cardsByLanguage[language]!
            try emit(home(language, cards: cards))
            for kind in PageKind.allCases { try emit(list(kind, language, cards: cards)) }
            let path = prefix(language) + "search/index.html"
            let entries = zip(account.pages, searchTexts).map { page, text in
                ["t": page.source.title, "u": RelativeURL.between(path, page.outputPath), "s": page.source.summary ?? "",
                 "k": kindLabel(page.source.kind, language), "x": text]
            }
            try emit(search(language, entries: entries))
        }
    }

    func cards(in language: Language) -> [String: [String: Any]] {
        Dictionary(uniqueKeysWithValues: account.pages.map { ($0.outputPath, card(for: $0, in: language)) })
    }

    // MARK: Pages

    func home(_ language: Language, cards: [String: [String: Any]]) -> RenderedPage {
        let path = prefix(language) + "index.html"
        var context = base(path: path, language: language, kind: "home", title: theme.string("home", language))
        context["welcome"] = theme.string("welcome", language, ["name": account.config.name[language]])
        context["sections"] = PageKind.allCases.compactMap { kind -> [String: Any]? in
            let pages = account.pages(of: kind).prefix(6)
            guard !pages.isEmpty else { return nil }
            return ["kind": kind.rawValue, "label": kindLabel(kind, language),
                    "url": RelativeURL.between(path, prefix(language) + "\(kind.rawValue)/index.html"),
                    "cards": pages.map { relink(cards[$0.outputPath]!, from: path) }]
        }
        return page(path: path, template: "home", context: context)
    }

    func list(_ kind: PageKind, _ language: Language, cards: [String: [String: Any]]) -> RenderedPage {
        let path = prefix(language) + "\(kind.rawValue)/index.html"
        let label = kindLabel(kind, language)
        var context = base(path: path, language: language, kind: "list", title: label)
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
        return (self.page(path: path, template: "article", context: context, assets: assets,
                          layoutKey: "\(language.rawValue)/\(source.kind.rawValue)"), body.text)
    }

    func search(_ language: Language, entries: [[String: String]]) -> RenderedPage {
        let path = prefix(language) + "search/index.html"
        var context = base(path: path, language: language, kind: "search", title: theme.string("search", language))
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
        let lead = prefix(language)
        let navItems: [(String, String)] = [(lead + "index.html", theme.string("home", language))]
            + PageKind.allCases.map { (lead + "\($0.rawValue)/index.html", kindLabel($0, language)) }
            + [(lead + "search/index.html", theme.string("search", language))]
        // The same page in the account's other languages (an article exists in one: link to that language's home).
        let unprefixed = lead.isEmpty ? path : String(path.dropFirst(lead.count))
        let switchLinks: [[String: Any]] = languages.count < 2 ? [] : languages.map { other in
            let target = kind == "article" ? prefix(other) + "index.html" : prefix(other) + unprefixed
            return ["code": other.rawValue, "label": theme.string("languageName", other), "current": other == language,
                    "url": RelativeURL.between(path, target)]
        }
        return [
            "languages": switchLinks, "hasLanguages": !switchLinks.isEmpty, "homeURL": RelativeURL.between(path, lead + "index.html"),
            "lang": language.rawValue, "t": theme.strings(for: language), "portal": ["title": portal.title],
            "assets": root + "../_portico/", "root": root, "preview": preview, "account": accountContext,
            "title": title, "kind": kind,
            "nav": navItems.map { target, label in
                ["label": label, "url": RelativeURL.between(path, target),
                 "current": target == path || (kind == "article" && target != lead + "index.html" && target.hasSuffix("/index.html")
                                               && path.hasPrefix(String(target.dropFirst(lead.count).dropLast("index.html".count))))]
            },
        ]
    }

    func page(path: String, template: String, context: [String: Any], assets: [AssetReference] = [], layoutKey: String? = nil) -> RenderedPage {
        var context = context
        let body = theme.render(template, context)
        let html: String
        if let layoutKey {
            // Every article of one kind and language shares its layout but for the title and body: render the
            // layout once with markers and fill them in (Mustache with dictionaries is the build's costliest step).
            let shell = layouts.shell(layoutKey) {
                var markers = context
                markers["body"] = LayoutCache.bodyMarker
                markers["title"] = LayoutCache.titleMarker
                return theme.render("layout", markers)
            }
            html = shell.replacingAll([(LayoutCache.bodyMarker, body), (LayoutCache.titleMarker, LayoutCache.escape(context["title"] as? String ?? ""))])
        } else {
            context["body"] = body
            html = theme.render("layout", context)
        }
        var assets = assets
        if let logo = account.config.brand.logo {
            let output = LinkResolver.outputPath(ofAsset: "accounts/\(account.slug)/\(logo)") ?? logo
            assets.append(AssetReference(url: RelativeURL.toRoot(from: path) + logo, sourcePath: "accounts/\(account.slug)/\(logo)", outputPath: output))
        }
        return RenderedPage(path: path, html: html, language: Language(tag: context["lang"] as? String ?? "en") ?? .en,
                            title: context["title"] as? String ?? "", assets: assets)
    }

    func card(for page: ResolvedPage, in locale: Language) -> [String: Any] {
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

/// Article layouts by language and kind, rendered once per account with markers for title and body.
final class LayoutCache {
    static let bodyMarker = "PORTICO-LAYOUT-BODY-9f2c71"
    static let titleMarker = "PORTICO-LAYOUT-TITLE-9f2c71"
    private var shells: [String: String] = [:]

    func shell(_ key: String, render: () -> String) -> String {
        if let shell = shells[key] { return shell }
        let shell = render()
        shells[key] = shell
        return shell
    }

    /// The same escaping Mustache applies to `{{title}}`.
    static func escape(_ text: String) -> String {
        text.replacingAll([("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\"", "&quot;"), ("'", "&#39;")])
    }
}
