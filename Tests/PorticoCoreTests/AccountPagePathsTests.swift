import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// The engagement server accepts reading signals for `htmlPagePaths`: it must be exactly the HTML pages a build writes.
@Suite struct AccountPagePathsTests {
    @Test func listsExactlyTheHTMLPagesRenderAllEmits() throws {
        let content = try Fixtures.content(overlay: nil)
        let builder = Fixtures.builder(content: content, output: Fixtures.temporaryFolder().appendingPathComponent("site"))
        let (portal, accounts) = builder.loadAndResolve(log: DiagnosticLog())
        let theme = Theme(folders: [PorticoTheme.directory], log: DiagnosticLog())
        for account in accounts {
            let renderer = AccountRenderer(portal: portal.config, account: account, theme: theme,
                                           knownPages: Set(portal.library.map(\.sourcePath) + portal.accounts.flatMap { $0.pages.map(\.sourcePath) }),
                                           knownAssets: Set(portal.libraryAssets + portal.accounts.flatMap(\.assets)), accountPath: account.slug)
            let emitted = Locked<[String]>([])
            try renderer.renderAll(log: DiagnosticLog()) { page in emitted.withLock { $0.append(page.path) } }
            let html = emitted.current.filter { $0.hasSuffix(".html") }
            #expect(html.count > account.pages.count + 2)
            #expect(AccountRenderer.htmlPagePaths(of: account, portal: portal.config).sorted() == html.sorted())
        }
    }

    @Test func theEngagementEndpointSitsBesideFeedback() {
        #expect(FeedbackConfig(endpoint: "https://fb.example.com/v1/feedback").engagementEndpoint == "https://fb.example.com/v1/engagement")
        #expect(FeedbackConfig(endpoint: "https://example.com/api/v1/feedback").engagementEndpoint == "https://example.com/api/v1/engagement")
        #expect(FeedbackConfig(endpoint: "https://example.com/api/v1/feedback/").engagementEndpoint == "https://example.com/api/v1/engagement")
        #expect(FeedbackConfig(endpoint: "https://example.com/hooks").engagementEndpoint == "https://example.com/hooks/v1/engagement")
    }
}
