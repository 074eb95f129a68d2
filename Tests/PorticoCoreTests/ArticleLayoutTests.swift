import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// Articles share a pre-rendered layout shell only while the layout shows nothing of the article but its
/// title and body; a layout that shows `{{page.…}}` is rendered for each article with that article's values.
@Suite struct ArticleLayoutTests {
    /// The default theme copied, its layout showing each article's summary and date after the body (in a partial,
    /// so the check has to follow includes).
    func themeShowingArticleValues() throws -> Theme {
        let folder = Fixtures.temporaryFolder().appendingPathComponent("theme")
        try FileManager.default.copyItem(at: PorticoTheme.directory, to: folder)
        let layout = folder.appendingPathComponent("layout.mustache")
        let text = try String(contentsOf: layout, encoding: .utf8)
        try text.replacingOccurrences(of: "{{{body}}}", with: "{{{body}}}\n{{> probe}}")
            .write(to: layout, atomically: true, encoding: .utf8)
        try "<p class=\"probe\">{{#page}}{{summary}}|{{dateISO}}{{/page}}</p>\n"
            .write(to: folder.appendingPathComponent("partials/probe.mustache"), atomically: true, encoding: .utf8)
        let log = DiagnosticLog()
        let theme = Theme(folders: [folder], log: log)
        #expect(log.errors.isEmpty)
        return theme
    }

    @Test func aLayoutShowingPageValuesShowsEachArticlesOwn() throws {
        let content = try Fixtures.content(overlay: nil)
        // Several articles of one kind, each with a summary and date of its own (one without a summary).
        for (number, summary) in ["First of three.", "Second of three.", nil].enumerated() {
            let front = "---\ntitle: Note \(number)\ndate: 2026-0\(number + 1)-1\(number)\n" + (summary.map { "summary: \($0)\n" } ?? "") + "---\nText \(number).\n"
            try front.write(to: content.appendingPathComponent("accounts/acme/insights/note-\(number).md"), atomically: true, encoding: .utf8)
        }
        let builder = Fixtures.builder(content: content, output: Fixtures.temporaryFolder().appendingPathComponent("site"))
        let (portal, accounts) = builder.loadAndResolve(log: DiagnosticLog())
        let theme = try themeShowingArticleValues()
        var checked = 0
        for account in accounts {
            let renderer = AccountRenderer(portal: portal.config, account: account, theme: theme,
                                           knownPages: Set(portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) }),
                                           knownAssets: Set(portal.libraryAssets + portal.accounts.flatMap(\.assets)), accountPath: account.slug)
            #expect(renderer.layoutReadsArticleValues)
            let rendered = Locked<[String: String]>([:])
            try renderer.renderAll(log: DiagnosticLog()) { page in rendered.withLock { $0[page.path] = page.html } }
            let html = rendered.current
            for page in account.pages {
                let expected = "<p class=\"probe\">\(page.source.summary ?? "")|\(page.source.date.description)</p>"
                #expect(html[page.outputPath]?.contains(expected) == true, "\(account.slug)/\(page.outputPath)")
                checked += 1
            }
        }
        #expect(checked >= 6)
        let summaries = Set(accounts.flatMap(\.pages).compactMap(\.source.summary))
        let dates = Set(accounts.flatMap(\.pages).map(\.source.date))
        #expect(summaries.count >= 2 && dates.count >= 2, "the fixture's articles differ, so a shared shell would show")
    }

    @Test func theDefaultLayoutKeepsTheSharedShell() {
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        #expect(!theme.reads("layout", anyOf: AccountRenderer.articleValues))
        #expect(theme.reads("article", anyOf: ["page"]))
    }
}
