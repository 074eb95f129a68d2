import Foundation

/// Which of one account's output pages stay as the last build left them, decided before any page is rendered:
/// each page's fingerprint (see `PageReuse`) is made here and nowhere else. Without a `PageReuse` (a clean
/// build, a test) every page is made again and nothing is recorded.
///
/// The `keeps…` questions for home, lists and search record the fingerprint of a page that is made again, so
/// ask each once per page.
struct AccountReusePlan: Sendable {
    private let reuse: PageReuse?
    private let account: ResolvedAccount
    /// Each page's card key per language, by page index.
    private let cardKeys: [Language: [String]]
    /// Each article's fingerprint, by page index (nil without reuse).
    private let articleKeys: [String?]
    /// Whether each article stays as it is, by page index.
    let keepsArticle: [Bool]
    /// Whether each search shard stays as it is, by shard number, per language.
    let keepsShard: [Language: [Bool]]

    /// `related`: each page's related pages (`RelatedIndex.related(to:)`), by page index. The kept articles' reports
    /// are reported again to `log`, in page order.
    init(reuse: PageReuse?, account: ResolvedAccount, languages: [Language], cards: [Language: [TemplateMap]], related: [[Int]],
         shards: [Range<Int>], shardPath: (Language, Int) -> String, log: DiagnosticLog) {
        self.reuse = reuse
        self.account = account
        guard let reuse else {
            (cardKeys, articleKeys) = ([:], Array(repeating: nil, count: account.pages.count))
            keepsArticle = Array(repeating: false, count: account.pages.count)
            keepsShard = Dictionary(uniqueKeysWithValues: languages.map { ($0, Array(repeating: false, count: shards.count)) })
            return
        }
        let cardKeys = cards.mapValues { $0.map(reuse.cardKey) }
        let pageHashes = account.pages.map(reuse.hash(of:))
        let articleKeys = account.pages.indices.map { index in
            let page = account.pages[index]
            return reuse.fingerprint(["article", page.outputPath, pageHashes[index]]
                                     + related[index].map { cardKeys[page.language]![$0] })
        }
        keepsArticle = zip(account.pages, articleKeys).map { page, key in
            guard let record = reuse.kept(key, path: page.outputPath) else { return false }
            log.report(contentsOf: record.diagnostics)
            return true
        }
        // A shard covers the sources of its pages: it is made again where one of them changed.
        keepsShard = Dictionary(uniqueKeysWithValues: languages.map { language in
            (language, shards.enumerated().map { number, range in
                Self.keeps(reuse, ["shard", language.rawValue, String(number)] + range.map { pageHashes[$0] }, path: shardPath(language, number))
            })
        })
        (self.cardKeys, self.articleKeys) = (cardKeys, articleKeys)
    }

    /// Records what rendering article `index` reported, and the library assets it shows (the account's own assets
    /// are published whether shown or not).
    func rendered(article index: Int, _ page: RenderedPage, diagnostics: [Diagnostic]) {
        guard let reuse, let key = articleKeys[index] else { return }
        let library = page.assets.filter { !$0.sourcePath.hasPrefix("accounts/\(account.slug)/") }
        reuse.record(key, .init(diagnostics: diagnostics,
                                assets: library.map { AssetReference(url: "", sourcePath: $0.sourcePath, outputPath: $0.outputPath) }))
    }

    /// Home shows the newest pieces of each kind.
    func keepsHome(_ language: Language, path: String) -> Bool {
        keeps(["home", language.rawValue] + PageKind.allCases.flatMap { account.pageIndices(of: $0).prefix(6).map { cardKey($0, language) } },
              path: path)
    }

    /// The pages of one kind's list (`ListPages.plan`) to make again: a list page shows its cards, its place in the
    /// list and the kind's tags. `prefix`: the language's folder in the account.
    func listPagesToMake(_ list: (tags: [ListTag], pages: [ListPage]), _ language: Language, prefix: String) -> [ListPage] {
        guard let reuse else { return list.pages }
        let tags = list.tags.map { "\($0.name)\u{1}\($0.folderName)\u{1}\($0.count)" }.joined(separator: "\u{2}")
        return list.pages.filter { page in
            !Self.keeps(reuse, ["list", language.rawValue, page.path, String(page.count), tags] + page.pages.map { cardKey($0, language) },
                        path: prefix + page.path)
        }
    }

    /// The search page lists its shards by name.
    func keepsSearch(_ language: Language, shardNames: [String], path: String) -> Bool {
        keeps(["search", language.rawValue] + shardNames, path: path)
    }

    private func cardKey(_ index: Int, _ language: Language) -> String { cardKeys[language]![index] }

    private func keeps(_ fields: @autoclosure () -> [String], path: String) -> Bool {
        guard let reuse else { return false }
        return Self.keeps(reuse, fields(), path: path)
    }

    /// Whether the page with these fingerprint fields stays; if not, its new fingerprint is recorded.
    private static func keeps(_ reuse: PageReuse, _ fields: [String], path: String) -> Bool {
        let fingerprint = reuse.fingerprint(fields)
        if reuse.kept(fingerprint, path: path) != nil { return true }
        reuse.record(fingerprint, .init())
        return false
    }
}
