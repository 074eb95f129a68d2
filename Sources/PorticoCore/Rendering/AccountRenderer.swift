import Foundation

/// Stage 3: renders every page of one account through the theme.
public struct AccountRenderer: Sendable {
    public let portal: PortalConfig
    public let account: ResolvedAccount
    public let theme: Theme
    public let markdown: MarkdownRenderer
    public let preview: Bool
    /// Directory name of the account under `site/`, for the feedback form's `account` field.
    public let accountPath: String
    let links: LinkResolver
    /// Shared by the accounts of one build, so a library piece's Markdown is rendered once.
    let markdownCache: MarkdownCache?
    let anchors: AnchorIndex?
    /// Whether the theme's layout shows anything of the article itself (`{{page.…}}`, `{{feedback…}}`) besides
    /// its title and body: then each article's layout is rendered whole, not filled into a shared shell.
    let layoutReadsArticleValues: Bool

    public init(portal: PortalConfig, account: ResolvedAccount, theme: Theme, knownPages: Set<String>, knownAssets: Set<String>,
                accountPath: String, preview: Bool = false, anchors: AnchorIndex? = nil, unreadablePages: Set<String> = [],
                markdownCache: MarkdownCache? = nil) {
        self.markdownCache = markdownCache
        self.portal = portal
        self.account = account
        self.theme = theme
        self.layoutReadsArticleValues = theme.reads("layout", anyOf: Self.articleValues)
        self.markdown = MarkdownRenderer(unsafeHTML: portal.unsafeHTML, reservedIDs: LayoutIDs.reserved(theme: theme, feedback: portal.feedback.fields))
        self.preview = preview
        self.accountPath = accountPath
        self.links = LinkResolver(account: account, knownPages: knownPages, knownAssets: knownAssets, unreadablePages: unreadablePages, anchors: anchors)
        self.anchors = anchors
        self.brand = BrandPalette(brand: Color(hex: account.config.brand.color) ?? Color(hex: "#1f4e8c")!)
        self.strings = Dictionary(uniqueKeysWithValues: Language.allCases.map { ($0, TemplateValue(theme.strings(for: $0))) })
        self.relatedIndex = RelatedIndex(account.pages)
        self.languages = Self.languages(of: account, portal: portal)
        let brand = brand
        self.brandContext = ["color": .string(account.config.brand.color), "accent": .string(brand.accent.hex),
                             "accentInk": .string(brand.accentInk.hex), "accentSoft": .string(brand.accentSoft.hex),
                             "onAccent": .string(brand.onAccent.hex)]
        self.smesContext = .list(account.config.smes.map(Self.smeContext))
    }

    /// The root keys of an article's context that differ between articles of one kind (title and body aside).
    static let articleValues: Set<String> = ["page", "feedback", "workshop"]

    var locale: Language { account.config.locale }
    let brand: BrandPalette
    /// The theme's UI strings per language, converted once.
    let strings: [Language: TemplateValue]
    let relatedIndex: RelatedIndex
    let layouts = LayoutCache()

    /// The account's UI languages: its locale first, then every other portal language its pages are written in.
    /// Home, lists and search exist once per language (`<lang>/…` for all but the locale).
    let languages: [Language]
    /// Context pieces that are the same on every page of the account, made once.
    let brandContext: TemplateValue
    let smesContext: TemplateValue

    static func languages(of account: ResolvedAccount, portal: PortalConfig) -> [Language] {
        let locale = account.config.locale
        let written = Set(account.pages.map(\.language))
        return [locale] + portal.languages.filter { $0 != locale && written.contains($0) }
    }

    /// Every page `renderAll` emits: the articles, then home, each kind's list pages and search in each language.
    public static func pageCount(of account: ResolvedAccount, portal: PortalConfig) -> Int {
        let lists = PageKind.allCases.reduce(0) { $0 + ListPages.plan($1, of: account).pages.count }
        return account.pages.count + languages(of: account, portal: portal).count * (lists + 2 + SearchIndex.shardCount(account.pages.count))
    }

    func prefix(_ language: Language) -> String {
        language == locale || !languages.contains(language) ? "" : language.rawValue + "/"
    }

    /// Renders each page and hands it to `emit` at once, so a large site is never held in memory.
    /// With `concurrentPages` (when only an account or two are rebuilt, so accounts alone cannot keep every
    /// core busy) articles are rendered and emitted from several threads, a batch at a time; `emit` must then
    /// be thread-safe. Diagnostics are reported in page order either way.
    public func renderAll(log: DiagnosticLog, concurrentPages: Bool = false, emit: @Sendable (RenderedPage) throws -> Void) throws {
        try renderAll(log: log, concurrentPages: concurrentPages, reuse: nil, emit: emit)
    }

    /// With `reuse`, a page whose fingerprint the last build recorded is not rendered (`reuse.kept`), and each
    /// page's fingerprint is recorded with what rendering it reported.
    func renderAll(log: DiagnosticLog, concurrentPages: Bool = false, reuse: PageReuse?,
                   emit: @Sendable (RenderedPage) throws -> Void) throws {
        var cardsByLanguage: [Language: [TemplateMap]] = [:]
        let minutes = account.pages.map { page in
            markdownCache?.readingMinutes(page.source.sourcePath, markdown: page.source.body) ?? ReadingTime.minutes(page.source.body)
        }
        for language in Set(languages + account.pages.map(\.language)) { cardsByLanguage[language] = cards(in: language, minutes: minutes) }
        let shardRanges = stride(from: 0, to: account.pages.count, by: SearchIndex.shardSize).map { $0..<min($0 + SearchIndex.shardSize, account.pages.count) }
        let shardNames = shardRanges.indices.map { "shard-\($0 + 1).json" }
        let related = account.pages.map { relatedIndex.related(to: $0.outputPath) }
        let plan = AccountReusePlan(reuse: reuse, account: account, languages: languages, cards: cardsByLanguage, related: related,
                                    shards: shardRanges, shardPath: { prefix($0) + "search/" + shardNames[$1] }, log: log)
        var searchTexts = [String?](repeating: nil, count: account.pages.count)
        try withoutActuallyEscaping(emit) { emit in
            let cards = cardsByLanguage
            let renderArticle = { @Sendable (index: Int, log: DiagnosticLog) throws -> String in
                let (rendered, text) = article(account.pages[index], cards: cards[account.pages[index].language]!, related: related[index],
                                               minutes: minutes[index], log: log)
                try emit(rendered)
                plan.rendered(article: index, rendered, diagnostics: log.all)
                return searchText(of: account.pages[index].source) { Self.searchText(text) }
            }
            let rendering = account.pages.indices.filter { !plan.keepsArticle[$0] }
            guard concurrentPages else {
                for index in rendering {
                    let pageLog = DiagnosticLog()
                    searchTexts[index] = try renderArticle(index, pageLog)
                    log.report(contentsOf: pageLog.reported)
                }
                return
            }
            let batch = 64
            for start in stride(from: 0, to: rendering.count, by: batch) {
                let results = Array(rendering[start..<min(start + batch, rendering.count)]).concurrentMap { index in
                    let pageLog = DiagnosticLog()
                    return (index, Result { try renderArticle(index, pageLog) }, pageLog.reported)
                }
                for (index, text, diagnostics) in results {
                    log.report(contentsOf: diagnostics)
                    searchTexts[index] = try text.get()
                }
            }
        }
        // The text of a kept article in a shard made again: from its Markdown alone (links change URLs, never text).
        let needed = account.pages.indices.filter { index in
            searchTexts[index] == nil && plan.keepsShard.values.contains { !$0[index / SearchIndex.shardSize] }
        }
        for (index, text) in needed.concurrentMap({ index in (index, searchText(of: account.pages[index].source)) }) { searchTexts[index] = text }
        let index = SearchIndex(pages: account.pages.indices.map { position in
            let page = account.pages[position]
            return (title: page.source.title, summary: page.source.summary ?? "", text: searchTexts[position] ?? "")
        })
        let lists = PageKind.allCases.map { ListPages.plan($0, of: account) }
        // Home, the lists and search, in each language: each a page of its own, made in the order listed, unless kept.
        var pages: [@Sendable () -> RenderedPage] = []
        for language in languages {
            let cards = cardsByLanguage[language]!
            let lead = prefix(language)
            if !plan.keepsHome(language, path: lead + "index.html") { pages.append { home(language, cards: cards) } }
            for list in lists {
                for listPage in plan.listPagesToMake(list, language, prefix: lead) {
                    pages.append { self.list(listPage, tags: list.tags, language, cards: cards) }
                }
            }
            let path = lead + "search/index.html"
            let labels = account.pages.map { kindLabel($0.source.kind, language) }
            let urls = account.pages.map { RelativeURL.between(path, $0.outputPath) }
            // Shards are published like pages (sealed under the account's key in a gated build), beside the search page.
            for (number, range) in shardRanges.enumerated() where !plan.keepsShard[language]![number] {
                pages.append {
                    RenderedPage(path: lead + "search/" + shardNames[number], bytes: Array(index.json(labels: labels, urls: urls, range: range).utf8),
                                 language: language, title: "", assets: [])
                }
            }
            if !plan.keepsSearch(language, shardNames: shardNames, path: path) {
                pages.append { search(language, index: SearchIndex.manifest(shards: shardNames)) }
            }
        }
        guard concurrentPages else {
            for page in pages { try emit(page()) }
            return
        }
        try withoutActuallyEscaping(emit) { emit in
            for result in pages.concurrentMap({ page in Result { try emit(page()) } }) { try result.get() }
        }
    }

    /// What the search index keeps of a page's text, from its Markdown alone (a page kept as it was, in a shard made again).
    func searchText(of source: SourcePage) -> String {
        searchText(of: source) {
            let (markdownText, _) = LeadingTitle.strip(source.body, title: source.title, file: source.sourcePath, bodyStartLine: source.bodyStartLine)
            return Self.searchText(markdown.render(markdownText).text)
        }
    }

    /// `make()`, made once for all accounts for a library piece (they recur in many accounts; an account's own pages appear once).
    func searchText(of source: SourcePage, make: () -> String) -> String {
        guard let markdownCache, source.origin == .library else { return make() }
        return markdownCache.searchText(source.sourcePath, make: make)
    }

    /// The card of each of the account's pages, in page order.
    func cards(in language: Language, minutes: [Int]) -> [TemplateMap] {
        zip(account.pages, minutes).map { card(for: $0, in: language, minutes: $1) }
    }

    // MARK: Pages

    func home(_ language: Language, cards: [TemplateMap]) -> RenderedPage {
        let path = prefix(language) + "index.html"
        var context = base(path: path, language: language, kind: "home", title: theme.string("home", language))
        context["welcome"] = .string(theme.string("welcome", language, ["name": account.config.name[language]]))
        context["sections"] = .list(PageKind.allCases.compactMap { kind -> TemplateValue? in
            let pages = account.pageIndices(of: kind).prefix(6)
            guard !pages.isEmpty else { return nil }
            return ["kind": .string(kind.rawValue), "label": .string(kindLabel(kind, language)),
                    "url": .string(RelativeURL.between(path, prefix(language) + "\(kind.rawValue)/index.html")),
                    "cards": .list(pages.map { relink(cards[$0], from: path) })]
        })
        context["workshop"] = workshopContext(page: path, topic: "")
        return page(path: path, template: "home", context: context)
    }

    /// One page of a kind's list (`ListPages`): its cards, the kind's tags as links to each tag's own list (so a
    /// tag filter covers every page of the list, not only the cards shown), and the links between its pages.
    func list(_ listPage: ListPage, tags: [ListTag], _ language: Language, cards: [TemplateMap]) -> RenderedPage {
        let lead = prefix(language)
        let path = lead + listPage.path
        let kind = listPage.kind
        let label = kindLabel(kind, language)
        var title = listPage.tag.map { "\(label): \($0.name)" } ?? label
        if listPage.count > 1 {
            title += " – " + theme.string("pageOf", language, ["n": String(listPage.number), "count": String(listPage.count)])
        }
        var context = base(path: path, language: language, kind: "list", title: title)
        let first = lead + "\(kind.rawValue)/index.html"
        context["section"] = ["kind": .string(kind.rawValue), "label": .string(label), "url": .string(RelativeURL.between(path, first))]
        context["cards"] = .list(listPage.pages.map { relink(cards[$0], from: path) })
        context["tags"] = .list(tags.map { tag in
            ["name": .string(tag.name), "count": .int(tag.count), "current": .bool(tag == listPage.tag),
             "url": .string(RelativeURL.between(path, lead + "\(kind.rawValue)/tags/\(tag.folderName)/index.html"))]
        })
        context["hasTags"] = .bool(!tags.isEmpty)
        context["allTags"] = ["url": .string(RelativeURL.between(path, first)), "current": .bool(listPage.tag == nil)]
        if let tag = listPage.tag { context["tag"] = .string(tag.name) }
        context["empty"] = .bool(listPage.pages.isEmpty)
        if listPage.count > 1 {
            let url = { (number: Int) in RelativeURL.between(path, lead + listPage.path(ofPage: number)) }
            var pagination: TemplateMap = [
                "number": .int(listPage.number), "count": .int(listPage.count),
                "status": .string(theme.string("pageOf", language, ["n": String(listPage.number), "count": String(listPage.count)])),
                "pages": .list(listPage.window.map { number -> TemplateValue in
                    guard let number else { return ["gap": .bool(true)] }
                    return ["number": .int(number), "url": .string(url(number)), "current": .bool(number == listPage.number)]
                }),
            ]
            if listPage.number > 1 { pagination["prev"] = .string(url(listPage.number - 1)) }
            if listPage.number < listPage.count { pagination["next"] = .string(url(listPage.number + 1)) }
            context["pagination"] = .map(pagination)
        }
        return page(path: path, template: "list", context: context)
    }

    /// `minutes` is the reading time its cards show too (from the Markdown source, so both always agree).
    /// `related`: the page's related pages (`relatedIndex.related(to:)`), by index into the account's pages.
    func article(_ resolved: ResolvedPage, cards: [TemplateMap], related: [Int], minutes: Int, log: DiagnosticLog) -> (RenderedPage, String) {
        let source = resolved.source
        let path = resolved.outputPath
        var assets: [AssetReference] = []
        var diagnostics: [Diagnostic] = []
        let links = links   // captured alone: a closure naming a property would copy all of `self`
        let (markdownText, titleWarning) = LeadingTitle.strip(source.body, title: source.title, file: source.sourcePath,
                                                              bodyStartLine: source.bodyStartLine)
        if let titleWarning { diagnostics.append(titleWarning) }
        let references = ReferenceDefinitions.scan(markdownText)
        var referenceReports = ReferenceLinkReports()
        let rewrite = { (link: MarkdownLink) -> String? in
            guard let definition = references?.definition(usedBy: link) else {
                return links.resolve(link, on: resolved, assets: &assets, diagnostics: &diagnostics)
            }
            // A link written `[text][label]`: its destination is checked where the definition writes it.
            var atDefinition = link
            atDefinition.line = definition.line
            atDefinition.column = definition.column
            var found: [Diagnostic] = []
            let destination = links.resolve(atDefinition, on: resolved, assets: &assets, diagnostics: &found)
            referenceReports.record(definition, use: SourceLocation(file: source.sourcePath, line: source.bodyStartLine + link.line - 1,
                                                                    column: link.column), found)
            return destination
        }
        let body = if let markdownCache, source.origin == .library || markdownCache.coversAccountPages {
            markdown.render(markdownText, key: source.sourcePath, cache: markdownCache, rewrite: rewrite)
        } else {
            markdown.render(markdownText, rewrite: rewrite)
        }
        log.report(contentsOf: diagnostics + referenceReports.diagnostics)
        for omitted in body.omittedHTML {
            log.report(Self.omission(omitted, in: source))
        }
        anchors?.define(account: account.slug, page: path, html: body.html)
        let language = resolved.language
        var context = articleBase(path: path, language: language, title: source.title)
        let toc = body.toc.filter { $0.level <= 3 }
        var page: TemplateMap = [
            "title": .string(source.title), "kind": .string(source.kind.rawValue), "kindLabel": .string(kindLabel(source.kind, language)),
            "dateISO": .string(source.date.description), "dateText": .string(Formatting.date(source.date, language)),
            "tags": TemplateValue(source.tags), "readingMinutes": .int(minutes),
            "readingText": .string(readingText(minutes, language)),
            "html": .string(body.html),
            "toc": .list(toc.map { ["level": .int($0.level), "id": .string($0.id), "text": .string($0.text)] }),
            "hasToc": .bool(toc.count >= 3),
            "draft": .bool(source.draft), "future": .bool(resolved.isFuture),
            "related": .list(related.map { other in
                // A card's link depends only on how deep the linking page is (RelativeURL goes up to the root).
                layouts.card("\(language.rawValue)|\(RelativeURL.toRoot(from: path))|\(other)") {
                    relink(cards[other], from: path)
                }
            }),
        ]
        if let summary = source.summary { page["summary"] = .string(summary) }
        if let author = source.author { page["author"] = .string(author) }
        if let sme = source.sme.flatMap(account.config.sme(named:)) { page["sme"] = Self.smeContext(sme) }
        context["page"] = .map(page)
        context["feedback"] = feedbackContext(page: path, language: language)
        context["workshop"] = workshopContext(page: path, topic: source.title)
        return (self.page(path: path, template: "article", context: context, assets: assets,
                          layoutKey: "\(language.rawValue)/\(source.kind.rawValue)"), body.text)
    }

    /// Raw HTML dropped for safety is reported, so nothing leaves a page unnoticed (`check` makes it an error).
    static func omission(_ omitted: OmittedHTML, in source: SourcePage) -> Diagnostic {
        .warning("raw-html-omitted", at: SourceLocation(file: source.sourcePath, line: source.bodyStartLine + omitted.line - 1, column: omitted.column),
                 "raw HTML `\(omitted.tag)…` is left out of the page (markdown.unsafe_html is off): `\(omitted.snippet)`",
                 hint: omitted.hint)
    }

    func search(_ language: Language, index: String) -> RenderedPage {
        let path = prefix(language) + "search/index.html"
        var context = base(path: path, language: language, kind: "search", title: theme.string("search", language))
        context["searchIndex"] = .string(index)
        return page(path: path, template: "search", context: context)
    }

    // MARK: Context pieces

    func base(path: String, language: Language, kind: String, title: String) -> TemplateMap {
        let root = RelativeURL.toRoot(from: path)
        var accountContext: TemplateMap = [
            "name": .string(account.config.name[language]), "industry": .string(account.config.industry), "locale": .string(locale.rawValue),
            "brand": brandContext, "smes": smesContext,
            "hasSmes": .bool(!account.config.smes.isEmpty),
        ]
        if let logo = account.config.brand.logo { accountContext["logo"] = .string(root + logo) }
        let lead = prefix(language)
        let navItems: [(String, String)] = [(lead + "index.html", theme.string("home", language))]
            + PageKind.allCases.map { (lead + "\($0.rawValue)/index.html", kindLabel($0, language)) }
            + [(lead + "search/index.html", theme.string("search", language))]
        // The same page in the account's other languages (an article exists in one: link to that language's home).
        let unprefixed = lead.isEmpty ? path : String(path.dropFirst(lead.count))
        let switchLinks: [TemplateValue] = languages.count < 2 ? [] : languages.map { other in
            let target = kind == "article" ? prefix(other) + "index.html" : prefix(other) + unprefixed
            return ["code": .string(other.rawValue), "label": .string(theme.string("languageName", other)), "current": .bool(other == language),
                    "url": .string(RelativeURL.between(path, target))]
        }
        var context: TemplateMap = [
            "languages": .list(switchLinks), "hasLanguages": .bool(!switchLinks.isEmpty),
            "homeURL": .string(RelativeURL.between(path, lead + "index.html")),
            "lang": .string(language.rawValue), "t": strings[language] ?? [:], "portal": ["title": .string(portal.title)],
            "assets": .string(root + "../_portico/"), "root": .string(root), "preview": .bool(preview), "account": .map(accountContext),
            "title": .string(title), "kind": .string(kind),
            "nav": .list(navItems.map { target, label -> TemplateValue in
                // An article, or a later page or tag of a list, is within its section too.
                let section = String(target.dropFirst(lead.count).dropLast("index.html".count))
                let within = target != lead + "index.html" && target.hasSuffix("/index.html")
                    && ((kind == "article" && path.hasPrefix(section)) || (kind == "list" && unprefixed.hasPrefix(section)))
                return ["label": .string(label), "url": .string(RelativeURL.between(path, target)), "current": .bool(target == path || within)]
            }),
        ]
        // The reading-signals line and its control (docs/engagement.md); a preview has no viewer key to sign with.
        if portal.engagement.reading && !preview { context["engagement"] = ["endpoint": .string(portal.feedback.engagementEndpoint)] }
        return context
    }

    /// What the search index keeps of a page's text: each distinct word once (`SearchIndex.terms`), then at
    /// most 20,000 characters, counted in Unicode scalars (counting grapheme clusters over every page's text
    /// showed in the build's profile).
    static func searchText(_ text: String) -> String {
        let terms = SearchIndex.terms(of: text)
        if terms.utf8.count <= 20_000 { return terms }
        let scalars = terms.unicodeScalars
        guard let end = scalars.index(scalars.startIndex, offsetBy: 20_000, limitedBy: scalars.endIndex) else { return terms }
        return String(scalars[..<end])
    }

    /// Articles of one section (`insights/<slug>/index.html`) share every link of their base context, so it is
    /// built once per section and language.
    func articleBase(path: String, language: Language, title: String) -> TemplateMap {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.last == "index.html" else { return base(path: path, language: language, kind: "article", title: title) }
        let key = language.rawValue + "|" + parts.dropLast(2).joined(separator: "/")
        var context = layouts.base(key) { base(path: path, language: language, kind: "article", title: "") }
        context["title"] = .string(title)
        return context
    }

    func page(path: String, template: String, context: TemplateMap, assets: [AssetReference] = [], layoutKey: String? = nil) -> RenderedPage {
        let body = theme.renderBytes(template, .map(context))
        let html: [UInt8]
        if let layoutKey, !layoutReadsArticleValues {
            // Every article of one kind and language shares its layout but for the title and body: render the
            // layout once with markers and fill them in (Mustache with dictionaries is the build's costliest step).
            // Only while the layout reads nothing else that differs per article (`layoutReadsArticleValues`).
            let shell = layouts.shell(layoutKey) {
                var markers = context
                markers["body"] = .string(LayoutCache.bodyMarker)
                markers["title"] = .string(LayoutCache.titleMarker)
                return theme.renderBytes("layout", .map(markers))
            }
            html = shell.filled([body, LayoutCache.escape(context.string("title"))])
        } else {
            // The body is spliced in as bytes too: a search page's body is a megabyte of index.
            var markers = context
            markers["body"] = .string(LayoutCache.bodyMarker)
            html = theme.renderBytes("layout", .map(markers)).replacingAll([(LayoutCache.bodyMarkerBytes, body)])
        }
        var assets = assets
        if let logo = account.config.brand.logo {
            let output = LinkResolver.outputPath(ofAsset: "accounts/\(account.slug)/\(logo)") ?? logo
            assets.append(AssetReference(url: RelativeURL.toRoot(from: path) + logo, sourcePath: "accounts/\(account.slug)/\(logo)", outputPath: output))
        }
        return RenderedPage(path: path, bytes: html, language: Language(tag: context.string("lang")) ?? .en,
                            title: context.string("title"), assets: assets)
    }

    func card(for page: ResolvedPage, in locale: Language, minutes: Int) -> TemplateMap {
        let source = page.source
        var card: TemplateMap = [
            "title": .string(source.title), "path": .string(page.outputPath), "kindLabel": .string(kindLabel(source.kind, locale)),
            "dateISO": .string(source.date.description), "dateText": .string(Formatting.date(source.date, locale)),
            "readingText": .string(readingText(minutes, locale)),
            "tags": TemplateValue(source.tags), "draft": .bool(source.draft), "future": .bool(page.isFuture), "lang": .string(page.language.rawValue),
        ]
        if let summary = source.summary { card["summary"] = .string(summary) }
        return card
    }

    /// "3 min read" in `language`; every article and card shows one, from a handful of distinct values.
    func readingText(_ minutes: Int, _ language: Language) -> String {
        layouts.readingText("\(language.rawValue)|\(minutes)") { theme.string("readingTime", language, ["n": String(minutes)]) }
    }

    func relink(_ card: TemplateMap, from path: String) -> TemplateValue {
        var card = card
        card["url"] = .string(RelativeURL.between(path, card.string("path")))
        return .map(card)
    }

    static func smeContext(_ sme: SME) -> TemplateValue {
        var context: TemplateMap = ["name": .string(sme.name), "topics": TemplateValue(sme.topics),
                                                "topicsText": .string(sme.topics.joined(separator: " · "))]
        if let email = sme.email { context["email"] = .string(email) }
        return .map(context)
    }

    func feedbackContext(page: String, language: Language) -> TemplateValue {
        ["endpoint": .string(portal.feedback.endpoint), "account": .string(accountPath), "page": .string(page),
         "fields": layouts.fields(language.rawValue) { feedbackFields(language) }]
    }

    /// The "Request a workshop" form (partials/workshop.mustache): its topic starts as the page's title.
    func workshopContext(page: String, topic: String) -> TemplateValue {
        ["endpoint": .string(portal.feedback.workshopEndpoint), "account": .string(accountPath), "page": .string(page), "topic": .string(topic),
         "limits": ["topic": .int(WorkshopFormLimits.topicMax), "preferredWeeks": .int(WorkshopFormLimits.preferredWeeksMax),
                    "notes": .int(WorkshopFormLimits.notesMax), "participantsMin": .int(WorkshopFormLimits.participants.lowerBound),
                    "participantsMax": .int(WorkshopFormLimits.participants.upperBound)]]
    }

    /// The form's fields in one language: the same on every page.
    func feedbackFields(_ language: Language) -> TemplateValue {
        .list(portal.feedback.fields.map { field -> TemplateValue in
            var context: TemplateMap = ["name": .string(field.name), "label": .string(field.label[language]),
                                                    "required": .bool(field.required), "type": .string(field.typeName)]
            switch field.kind {
            case .rating:
                context["isRating"] = true
                context["ratings"] = .list((1...5).map { ["value": .int($0), "id": .string("\(field.name)-\($0)")] })
            case .text(let max):
                context["isText"] = true
                context["max"] = .int(max)
            case .choice(let options):
                context["isChoice"] = true
                context["options"] = .list(options.map { ["value": .string($0.value), "label": .string($0.label[language])] })
            case .checkbox:
                context["isCheckbox"] = true
            }
            return .map(context)
        })
    }

    func kindLabel(_ kind: PageKind, _ language: Language) -> String {
        switch kind {
        case .insights: theme.string("insights", language)
        case .solutions: theme.string("solutions", language)
        case .caseStudies: theme.string("caseStudies", language)
        }
    }
}
