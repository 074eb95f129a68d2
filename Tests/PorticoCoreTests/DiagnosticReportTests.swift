import Foundation
import Testing
@testable import PorticoCore

/// Where and how problems of real content are reported (issue 19): remote images, root-relative links, columns in
/// characters, reference definitions, hints that fit the mistake, a repeated title, accounts that choose their kinds.
/// Fixtures under Fixtures/invalid/<case> are laid over the basic content.
@Suite struct DiagnosticReportTests {
    struct Case: Sendable, CustomStringConvertible {
        let overlay: String
        let code: String
        let file: String
        let line: Int
        let column: Int
        var description: String { "\(overlay) \(code)@\(line):\(column)" }
    }

    static let depot = "accounts/acme/case-studies/depot.md"

    static let cases: [Case] = [
        Case(overlay: "remote-image", code: "remote-image", file: depot, line: 8, column: 5),
        Case(overlay: "root-link", code: "root-link", file: depot, line: 8, column: 6),
        Case(overlay: "root-link", code: "root-link", file: depot, line: 8, column: 28),
        // `中文中文 [` : the link is the 6th character, the 14th byte.
        Case(overlay: "chinese-column", code: "broken-link", file: depot, line: 8, column: 6),
        // `title: 中文标题: 副标题`: the second `:` is the 12th character, the 20th byte.
        Case(overlay: "chinese-front-matter", code: "yaml-syntax", file: depot, line: 2, column: 12),
        // `industry: 能源行业: 电力`: the second `:` is the 15th character, the 23rd byte.
        Case(overlay: "chinese-config", code: "yaml-syntax", file: "accounts/globex/account.yml", line: 4, column: 15),
        Case(overlay: "reference-definition", code: "broken-link", file: depot, line: 12, column: 9),
        Case(overlay: "folder-link", code: "broken-link", file: depot, line: 8, column: 5),
        Case(overlay: "folder-link", code: "broken-link", file: depot, line: 8, column: 50),
    ]

    func build(_ content: URL, strict: Bool = false) -> (DiagnosticLog, URL, Bool) {
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        var options = BuildOptions(today: Fixtures.today)
        options.strict = strict
        let log = DiagnosticLog()
        let built = (try? Fixtures.builder(content: content, output: output, options: options).build(log: log)) != nil
        return (log, output, built)
    }

    func write(_ text: String, _ path: String, in content: URL) throws {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    func page(_ body: String, title: String = "Depot automation") -> String {
        "---\ntitle: \(title)\ndate: 2026-01-15\n---\n\n\(body)\n"
    }

    func html(_ output: URL, _ path: String) throws -> String {
        try String(contentsOf: output.appendingPathComponent(path), encoding: .utf8)
    }

    @Test(arguments: cases)
    func errorAtFileLineAndCharacterColumn(_ example: Case) throws {
        let (log, _, built) = build(try Fixtures.content(overlay: example.overlay))
        #expect(!built)
        let found = log.errors.filter { $0.code == example.code }.map { "\($0.location.file):\($0.location.line ?? 0):\($0.location.column ?? 0)" }
        #expect(found.contains("\(example.file):\(example.line):\(example.column)"), "got \(log.errors)")
        #expect(log.errors.allSatisfy { $0.hint != nil }, "every error says how to fix it")
    }

    @Test func remoteImageNamesWhereToPutTheFile() throws {
        let (log, _, _) = build(try Fixtures.content(overlay: "remote-image"))
        let error = try #require(log.errors.first { $0.code == "remote-image" })
        #expect(error.message.contains("https://cdn.example.com/arch.png"))
        #expect(error.hint?.contains("accounts/acme/assets/") == true)
        #expect(error.hint?.contains("../assets/arch.png") == true)
    }

    @Test func remoteLinksStayAsWritten() throws {
        let content = try Fixtures.content()
        try write(page("[docs](https://example.com/docs) ![chart](data:image/png;base64,AAAA)"), Self.depot, in: content)
        let (log, output, built) = build(content)
        #expect(built, "\(log.errors)")
        #expect(try html(output, "acme/case-studies/depot/index.html").contains("href=\"https://example.com/docs\""))
    }

    @Test func rootRelativeLinksResolveInsideTheAccount() throws {
        let content = try Fixtures.content()
        try write(page("[home](/) [insights](/insights/) [hello](/insights/hello/#top) [search](/search/) ![map](/assets/map.svg) ![chart](/assets/library/chart.svg)"),
                  Self.depot, in: content)
        let (log, output, built) = build(content)
        #expect(built, "\(log.errors)")
        let page = try html(output, "acme/case-studies/depot/index.html")
        for expected in ["href=\"../../\"", "href=\"../../insights/\"", "href=\"../../insights/hello/#top\"", "href=\"../../search/\"",
                         "src=\"../../assets/map.svg\"", "src=\"../../assets/library/chart.svg\""] {
            #expect(page.contains(expected), "\(expected) missing")
        }
        #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("acme/assets/map.svg").path))
    }

    @Test func rootRelativeLinkToAPageTheAccountDoesNotPublishIsAnError() throws {
        let content = try Fixtures.content()
        try write(page("[storage](/solutions/storage/)"), Self.depot, in: content)   // globex's page
        let (log, _, built) = build(content)
        #expect(!built)
        let error = try #require(log.errors.first { $0.code == "root-link" })
        #expect(error.location.line == 6 && error.location.column == 1)
    }

    @Test func queryAndFragmentAreKept() throws {
        let content = try Fixtures.content()
        try write(page("[other](../insights/hello.md?tab=2#x) [map](../assets/map.svg?v=3)"), Self.depot, in: content)
        let (log, output, built) = build(content)
        #expect(built, "\(log.errors)")
        let page = try html(output, "acme/case-studies/depot/index.html")
        #expect(page.contains("href=\"../../insights/hello/?tab=2#x\""))
        #expect(page.contains("href=\"../../assets/map.svg?v=3\""))
    }

    @Test func brokenReferenceDefinitionIsReportedOnceWhereItIsWritten() throws {
        let (log, _, _) = build(try Fixtures.content(overlay: "reference-definition"))
        let broken = log.errors.filter { $0.code == "broken-link" }
        #expect(broken.count == 1, "\(broken)")
        #expect(broken.first?.message.contains("used at lines 8 and 10") == true, "\(broken)")
    }

    @Test func workingReferenceLinksAreRewritten() throws {
        let content = try Fixtures.content()
        try write(page("See [hello][h] and [Hello].\n\n[h]: ../insights/hello.md\n[hello]: ../insights/hello.md#top"), Self.depot, in: content)
        let (log, output, built) = build(content)
        #expect(built, "\(log.errors)")
        let page = try html(output, "acme/case-studies/depot/index.html")
        #expect(page.contains("href=\"../../insights/hello/\"") && page.contains("href=\"../../insights/hello/#top\""))
    }

    @Test func folderAndWebAddressLinksGetHintsForTheirMistake() throws {
        let (log, _, _) = build(try Fixtures.content(overlay: "folder-link"))
        let folder = try #require(log.errors.first { $0.location.column == 5 })
        #expect(folder.message.contains("folder"))
        #expect(folder.hint?.contains("assets") == false, "\(folder)")
        #expect(folder.hint?.contains("/solutions/") == true, "\(folder)")
        let address = try #require(log.errors.first { $0.location.column == 50 })
        #expect(address.hint?.contains("../insights/hello.md") == true, "\(address)")
        #expect(address.hint?.contains("assets") == false)
    }

    @Test func missingImageHintSaysWhereImagesBelong() throws {
        let content = try Fixtures.content()
        try write(page("![plan](../assets/nope.png) [sheet](../nope.pdf)"), Self.depot, in: content)
        let (log, _, _) = build(content)
        let image = try #require(log.errors.first { $0.code == "missing-image" })
        #expect(image.hint?.contains("accounts/acme/assets/") == true)
        let file = try #require(log.errors.first { $0.code == "broken-link" })
        #expect(file.hint?.contains("relative to accounts/acme/case-studies/depot.md") == true)
        #expect(file.hint?.contains("images") == false)
    }

    @Test func headingRepeatingTheTitleIsDropped() throws {
        let content = try Fixtures.content()
        try write(page("# Depot automation\n\n## Results\n\n[bad](nope.md)"), Self.depot, in: content)
        let (log, _, _) = build(content)
        // The dropped line keeps its place: the broken link is still reported at line 10.
        #expect(log.errors.first { $0.code == "broken-link" }?.location.line == 10)
        try write(page("# Depot automation\n\n## Results"), Self.depot, in: content)
        let (clean, output, built) = build(content)
        #expect(built && !clean.warnings.contains { $0.code == "second-h1" })
        let article = try html(output, "acme/case-studies/depot/index.html")
        #expect(article.components(separatedBy: "<h1").count == 2, "one <h1>: \(article)")
    }

    @Test func headingOtherThanTheTitleIsKeptWithAWarning() throws {
        let content = try Fixtures.content()
        try write(page("\n  # Something else\n\nText."), Self.depot, in: content)
        let (log, _, built) = build(content)
        #expect(built)
        let warning = try #require(log.warnings.first { $0.code == "second-h1" })
        #expect(warning.location.line == 7 && warning.location.column == 3)
        #expect(warning.hint != nil)
    }

    @Test func libraryOnlyAccountPassesStrict() throws {
        let content = try Fixtures.content()
        try write("name: Initech\ninclude:\n  - pages: [insights/unrelated.md]\nviewers:\n  - id: bo\n", "accounts/initech/account.yml", in: content)
        let (log, _, _) = build(content, strict: true)
        #expect(!log.all.contains { $0.location.file.hasPrefix("accounts/initech/") }, "\(log.all)")
        #expect(!log.all.contains { $0.code == "empty-section" })
    }

    @Test func accountWithNoPageAtAllIsWarned() throws {
        let content = try Fixtures.content()
        try write("name: Initech\nviewers:\n  - id: bo\n", "accounts/initech/account.yml", in: content)
        let (log, _, _) = build(content)
        let warning = try #require(log.warnings.first { $0.code == "empty-account" })
        #expect(warning.location.file == "accounts/initech/account.yml")
    }

    @Test func columnsCountCharactersNotBytes() {
        let columns = CharacterColumns("ab\n中文\tx [y\r\né")
        #expect(columns.column(line: 1, byteColumn: 3) == 3)
        #expect(columns.column(line: 2, byteColumn: 7) == 3)    // after two 3-byte characters
        #expect(columns.column(line: 2, byteColumn: 8) == 4)    // a tab is one
        #expect(columns.column(line: 3, byteColumn: 3) == 2)
    }

    @Test func referenceUsesAreToldFromInlineLinks() {
        let references = ReferenceDefinitions("[a](x.md) [b][Plan  Ref] [plan ref] ![c][]\n\n[plan ref]: y.md\n[c]:\n  z.png\n")
        func use(_ column: Int, image: Bool = false) -> Int? {
            references.definition(usedBy: MarkdownLink(url: "", isImage: image, line: 1, column: column))?.line
        }
        #expect(use(1) == nil)
        #expect(use(11) == 3)
        #expect(use(26) == 3)
        #expect(use(37, image: true) == 5)
    }
}
