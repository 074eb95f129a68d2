import Foundation

/// Library pieces appear in many accounts; their Markdown is parsed and rendered once per build.
/// A build may also start from the entries an earlier build left (`earlier`: the preview's last rebuild of the
/// same accounts), covering the accounts' own pages too: a save then renders only the Markdown that changed.
///
/// The only thing an account changes in a piece's HTML is where its links point. So an entry keeps the
/// links found in the first rendering and what each was rewritten to; another account reuses the HTML when
/// its own rewrites (made in the same order, with the same side effects: diagnostics, assets, anchors)
/// come out identical, and renders afresh otherwise.
public final class MarkdownCache: Sendable {
    struct Entry: Sendable {
        let markdown: String
        /// The same Markdown renders alike only under the same settings (an edited portal.yml or theme may change them).
        let settings: MarkdownRenderer.Settings
        let rendered: RenderedMarkdown
        let links: [MarkdownLink]
        let rewrites: [String?]
    }

    private let entries = Locked<[String: Entry]>([:])
    private let earlier: [String: Entry]
    /// Whether accounts' own pages go through the cache too, not only library pieces.
    let coversAccountPages: Bool
    private let renders = Locked(0)
    // By source path: within one build a path's Markdown, and so its plain text, is the same in every account
    // (link rewrites change URLs, never text).
    private let minutes = LockedMemo<Int>()
    private let searchTexts = LockedMemo<String>()

    public convenience init() {
        self.init(earlier: [:], coversAccountPages: false)
    }

    init(earlier: [String: Entry], coversAccountPages: Bool) {
        self.earlier = earlier
        self.coversAccountPages = coversAccountPages
    }

    /// What this build rendered or took from `earlier`, for the next build to start from.
    var entriesForNextBuild: [String: Entry] { entries.current }

    /// Reading time of a source page's Markdown, computed once per build.
    func readingMinutes(_ key: String, markdown: String) -> Int {
        minutes.value(key) { ReadingTime.minutes(markdown) }
    }

    /// What the search index keeps of a page's text, made once per build.
    func searchText(_ key: String, make: () -> String) -> String {
        searchTexts.value(key, make: make)
    }

    func entry(_ key: String, markdown: String, settings: MarkdownRenderer.Settings) -> Entry? {
        if let entry = entries.withLock({ $0[key] }) { return entry.markdown == markdown && entry.settings == settings ? entry : nil }
        guard let entry = earlier[key], entry.markdown == markdown, entry.settings == settings else { return nil }
        store(entry, for: key)
        return entry
    }

    /// Library pieces rendered, and how many times Markdown was rendered for them (for `build --timings`).
    public var counts: (pieces: Int, renders: Int) {
        (entries.withLock { $0.count }, renders.current)
    }

    func countRender() {
        renders.withLock { $0 += 1 }
    }

    func store(_ entry: Entry, for key: String) {
        entries.withLock { if $0[key] == nil { $0[key] = entry } }
    }
}

extension MarkdownRenderer {
    /// Renders through `cache` under `key` (a source path): see `MarkdownCache`.
    public func render(_ markdown: String, key: String, cache: MarkdownCache, rewrite: (MarkdownLink) -> String?) -> RenderedMarkdown {
        let settings = self.settings
        if let entry = cache.entry(key, markdown: markdown, settings: settings) {
            let rewrites = entry.links.map(rewrite)
            if rewrites == entry.rewrites { return entry.rendered }
            // Links were already rewritten once for this account: replay those answers, in order.
            cache.countRender()
            var replay = rewrites.makeIterator()
            return render(markdown) { _ in replay.next() ?? nil }
        }
        cache.countRender()
        var links: [MarkdownLink] = []
        var rewrites: [String?] = []
        let rendered = render(markdown) { link in
            let result = rewrite(link)
            links.append(link)
            rewrites.append(result)
            return result
        }
        cache.store(MarkdownCache.Entry(markdown: markdown, settings: settings, rendered: rendered, links: links, rewrites: rewrites), for: key)
        return rendered
    }
}
