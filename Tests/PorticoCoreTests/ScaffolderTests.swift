import Foundation
import Testing
@testable import PorticoCore

/// `portico new` output must pass `check`.
@Suite struct ScaffolderTests {
    @Test func newAccountAndPiecesPassCheck() throws {
        let content = try Fixtures.content()
        let scaffolder = Scaffolder(contentRoot: content, today: Fixtures.today)
        let account = try scaffolder.account(slug: "initech", name: "Initech \"Labs\"", industry: "rail", locale: .zhCN)
        try scaffolder.write(account)
        let english = try scaffolder.page(kind: .insights, owner: "initech", title: "Signalling: what's next?")
        #expect(english.files.keys.first == "accounts/initech/insights/signalling-what-s-next.md")
        try scaffolder.write(english)
        let chinese = try scaffolder.page(kind: .caseStudies, owner: "library", title: "新零售的数据治理")
        #expect(chinese.files.keys.first == "library/case-studies/2026-06-01-case-study.md")
        #expect(chinese.notes.contains { $0.contains("date-based slug") })
        try scaffolder.write(chinese)
        let again = try scaffolder.page(kind: .caseStudies, owner: "library", title: "另一个标题")
        #expect(again.files.keys.first == "library/case-studies/2026-06-01-case-study-2.md")

        let log = DiagnosticLog()
        let builder = Fixtures.builder(content: content, output: Fixtures.temporaryFolder(), options: BuildOptions(drafts: true, today: Fixtures.today))
        try SiteChecker(builder: builder).check(log: log)
        #expect(log.errors.isEmpty, "\(log.errors)")
        let (portal, _) = builder.loadAndResolve(log: DiagnosticLog())
        #expect(portal.account("initech")?.config.name[.en] == "Initech \"Labs\"")
        #expect(portal.account("initech")?.pages.first?.draft == true)
    }

    @Test func neverOverwrites() throws {
        let content = try Fixtures.content()
        let scaffolder = Scaffolder(contentRoot: content, today: Fixtures.today)
        #expect(throws: Scaffolder.Failure.exists("content/accounts/acme")) { try scaffolder.account(slug: "acme", name: "A", industry: "x", locale: .en) }
        try scaffolder.write(try scaffolder.page(kind: .insights, owner: "acme", title: "Same"))
        #expect(throws: Scaffolder.Failure.self) { try scaffolder.page(kind: .insights, owner: "acme", title: "Same") }
        #expect(throws: Scaffolder.Failure.self) { try scaffolder.page(kind: .insights, owner: "nobody", title: "X") }
    }
}
