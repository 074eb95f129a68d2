import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// Rebuilding one account renders its pages on every core; the pages and the order of the warnings
/// must be exactly those of a one-thread rendering.
@Suite struct ConcurrentPagesTests {
    @Test func concurrentPagesEqualSequentialPages() throws {
        let content = try Fixtures.content(overlay: nil)
        // Warnings from several pages of one account, so the order they are reported in can differ.
        let acme = content.appendingPathComponent("accounts/acme")
        for (page, extra) in [("insights/hello.md", "\n\nSee [gone](nope-one.md) and <b>bold</b>.\n"),
                              ("case-studies/depot.md", "\n\n[two](../solutions/nope-two.md) and [three](nope-three.md)\n")] {
            let file = acme.appendingPathComponent(page)
            try (String(contentsOf: file, encoding: .utf8) + extra).write(to: file, atomically: true, encoding: .utf8)
        }
        let builder = Fixtures.builder(content: content, output: Fixtures.temporaryFolder().appendingPathComponent("site"))
        let (portal, accounts) = builder.loadAndResolve(log: DiagnosticLog())
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        for account in accounts {
            func render(concurrent: Bool) throws -> ([String: String], [Diagnostic]) {
                let renderer = AccountRenderer(portal: portal.config, account: account, theme: theme,
                                               knownPages: Set(portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) }),
                                               knownAssets: Set(portal.libraryAssets + portal.accounts.flatMap(\.assets)), accountPath: account.slug)
                let log = DiagnosticLog()
                let pages = Pages()
                try renderer.renderAll(log: log, concurrentPages: concurrent) { pages.add($0) }
                return (pages.all, log.reported)
            }
            let sequential = try render(concurrent: false)
            let concurrent = try render(concurrent: true)
            #expect(concurrent.0 == sequential.0)
            // In the order reported (`log.all` sorts, which would hide an order bug).
            #expect(concurrent.1.map(\.message) == sequential.1.map(\.message))
            if account.slug == "acme" {   // the comparison above is not of two empty lists
                #expect(Set(sequential.1.map(\.location.file)).count >= 2)
                #expect(sequential.1.count >= 4)
            }
            // renderAll emits exactly the pages pageCount promises (articles; per language home, search, its shards and every list page).
            #expect(sequential.0.count == AccountRenderer.pageCount(of: account, portal: portal.config))
            #expect(sequential.0.count > account.pages.count + 5 * Set([account.config.locale] + account.pages.map(\.language)).count - 1)
        }
    }

    final class Pages: Sendable {
        private let pages = Locked<[String: String]>([:])
        func add(_ page: RenderedPage) { pages.withLock { $0[page.path] = page.html } }
        var all: [String: String] { pages.current }
    }
}
