import Foundation
import Testing
@testable import PorticoCore

/// The access history keeps a link taken back from coming back: a reverted revocation, a restored viewer or
/// account, an old branch, an id handed to someone else, an older generation. Each is attacked here.
@Suite struct AccessHistoryTests {
    let day = Day(year: 2026, month: 6, day: 1)
    let later = Day(year: 2026, month: 6, day: 2)

    func account(_ viewers: [Viewer], generation: Int = 1, slug: String = "acme") -> AccountConfig {
        var config = AccountConfig(slug: slug, name: LocalizedText(slug), generation: generation, viewers: viewers)
        config.generationLocation = SourceLocation(file: "accounts/\(slug)/account.yml", line: 3, column: 1)
        return config
    }

    func viewer(_ id: String, serial: String? = nil, email: String? = nil, name: String? = nil, revoked: Bool = false, line: Int = 7) -> Viewer {
        Viewer(id: id, serial: serial, name: name, email: email, revoked: revoked,
               location: SourceLocation(file: "accounts/acme/account.yml", line: line, column: 5))
    }

    /// The history after publishing each list of accounts in turn, one day apart.
    func published(_ publishes: [AccountConfig]...) -> AccessHistory {
        var history = AccessHistory()
        var date = day
        for configs in publishes {
            #expect(history.problems(configs, today: date).filter { $0.severity == .error }.isEmpty)
            history = history.publishing(configs, on: date, secret: "s", complete: true)
            date = Day(year: date.year, month: date.month, day: date.day + 1)
        }
        return history
    }

    func codes(_ history: AccessHistory, _ configs: [AccountConfig], today: Day? = nil) -> [String] {
        history.problems(configs, today: today ?? Day(year: 2026, month: 7, day: 1)).map(\.code)
    }

    @Test func revertingARevocationIsAnErrorAtTheViewer() {
        let history = published([account([viewer("ana"), viewer("bo")])], [account([viewer("ana", revoked: true), viewer("bo")])])
        let reverted = account([viewer("ana", line: 9), viewer("bo")])
        let problems = history.problems([reverted], today: later)
        #expect(problems.map(\.code) == ["revoked-link-returns"])
        #expect(problems.first?.location == SourceLocation(file: "accounts/acme/account.yml", line: 9, column: 5))
        #expect(problems.first?.message.contains("2026-06-02") == true)
        #expect(problems.first?.hint?.contains("portico token issue acme ana --new-serial") == true)
        // Still revoked: nothing to say.
        #expect(codes(history, [account([viewer("ana", revoked: true), viewer("bo")])]).isEmpty)
    }

    @Test func aRemovedViewerOrAccountCannotComeBackWithTheSameLink() {
        let removed = published([account([viewer("ana"), viewer("bo")])], [account([viewer("bo")])])
        #expect(codes(removed, [account([viewer("ana"), viewer("bo")])]) == ["revoked-link-returns"])
        let gone = published([account([viewer("ana")]), account([viewer("li")], slug: "globex")], [account([viewer("li")], slug: "globex")])
        #expect(codes(gone, [account([viewer("ana")])]) == ["revoked-link-returns"])
    }

    @Test func anOldBranchBuiltAfterARevocationWasPublishedFails() {
        let main = [account([viewer("ana", email: "ana@x.example"), viewer("bo", revoked: true)])]
        let old = [account([viewer("ana", email: "ana@x.example"), viewer("bo")])]
        let history = published(old, main)
        #expect(codes(history, old) == ["revoked-link-returns"])
        #expect(codes(history, main).isEmpty)
    }

    @Test func aNewSerialLetsARevokedReaderBackAndTheOldSerialStaysOut() {
        let history = published([account([viewer("ana")])], [account([viewer("ana", revoked: true)])])
        #expect(codes(history, [account([viewer("ana", serial: "k2")])]).isEmpty)
        let back = history.publishing([account([viewer("ana", serial: "k2")])], on: later, secret: "s", complete: true)
        // Going back to no serial (the first link) is refused, and so is a later revocation of k2 reverted.
        #expect(codes(back, [account([viewer("ana")])]) == ["revoked-link-returns"])
        let again = back.publishing([account([viewer("ana", serial: "k2", revoked: true)])], on: later, secret: "s", complete: true)
        #expect(codes(again, [account([viewer("ana", serial: "k2")])]) == ["revoked-link-returns"])
    }

    @Test func reusingAnIdForSomeoneNewNeedsANewSerial() {
        let history = published([account([viewer("buyer", email: "ana@x.example", name: "Ana")])])
        #expect(codes(history, [account([viewer("buyer", email: "Ana@X.example", name: "Ana")])]).isEmpty, "e-mail case is not identity")
        #expect(codes(history, [account([viewer("buyer", email: "carl@x.example", name: "Carl")])]) == ["viewer-id-reused"])
        #expect(codes(history, [account([viewer("buyer", serial: "n1", email: "carl@x.example")])]).isEmpty)
        // Without e-mail addresses, a new name is a warning (a corrected spelling looks the same).
        let named = published([account([viewer("buyer", name: "Ana")])])
        let renamed = named.problems([account([viewer("buyer", name: "Carl")])], today: later)
        #expect(renamed.map(\.code) == ["viewer-renamed"] && renamed.allSatisfy { $0.severity == .warning })
    }

    @Test func anOlderGenerationIsRefusedAndANewerOneStartsAfresh() {
        let history = published([account([viewer("ana")])], [account([viewer("ana", revoked: true)], generation: 2)])
        let problems = history.problems([account([viewer("ana")], generation: 1)], today: later)
        #expect(problems.map(\.code) == ["generation-went-back"])
        #expect(problems.first?.location == SourceLocation(file: "accounts/acme/account.yml", line: 3, column: 1))
        // Generation 3: every token is new, so ana may be active again with no serial.
        #expect(codes(history, [account([viewer("ana")], generation: 3)]).isEmpty)
    }

    @Test func expiryExtendedIsNoReturn() {
        var expired = viewer("ana")
        expired.expires = Day(year: 2026, month: 5, day: 1)
        let history = published([account([expired])])
        #expect(history.accounts["acme"]?.viewers["ana"]?[""]?.state == .expired)
        var extended = expired
        extended.expires = Day(year: 2027, month: 1, day: 1)
        #expect(codes(history, [account([extended])]).isEmpty)
    }

    @Test func theFileIsDeterministicPrivateAndADamagedOneIsAnError() throws {
        let project = Fixtures.temporaryFolder()
        let file = AccessHistoryFile(project: project)
        #expect(try file.load() == AccessHistory())
        let history = published([account([viewer("ana", email: "ana@x.example", name: "Ana López")])])
        try file.save(history)
        #expect(try file.load() == history)
        let bytes = try Data(contentsOf: file.file)
        #expect(bytes == file.data(history))
        #expect(!String(decoding: bytes, as: UTF8.self).contains("ana@x.example") && !String(decoding: bytes, as: UTF8.self).contains("López"))
        var info = stat()
        #expect(stat(project.appendingPathComponent(".portico").path, &info) == 0 && info.st_mode & 0o777 == 0o700)

        try Data("{\"version\": 1, \"accounts\": ".utf8).write(to: file.file)
        let log = DiagnosticLog()
        #expect(file.load(into: log) == nil)
        #expect(log.errors.map(\.code) == ["access-history-damaged"])
    }
}

/// `portico token issue --new-serial` edits account.yml: only the serial line, at the viewer's indentation.
@Suite struct ViewerSerialEditTests {
    let text = """
    name: Acme
    viewers:
      - id: ana
        name: Ana
      - name: Bo
        id: bo
        serial: old1 # first link
      - {id: flow, name: Flow}

    """

    @Test func addsTheLineAfterTheIdAndTheParserReadsIt() throws {
        let (edited, line) = try ViewerSerialEdit.setting("k7x", viewer: "ana", in: text, file: "a.yml")
        #expect(line == 4)
        #expect(edited == text.replacingOccurrences(of: "  - id: ana\n", with: "  - id: ana\n    serial: k7x\n"))
        let (config, problems) = ConfigParser.account(edited, slug: "acme", file: "a.yml")
        #expect(problems.isEmpty)
        #expect(config.viewers.map(\.serial) == ["k7x", "old1", nil])
    }

    @Test func replacesAnExistingSerial() throws {
        let (edited, line) = try ViewerSerialEdit.setting("new2", viewer: "bo", in: text, file: "a.yml")
        #expect(line == 7)
        #expect(edited == text.replacingOccurrences(of: "    serial: old1 # first link", with: "    serial: new2"))
    }

    @Test func refusesAFlowMappingAndAnUnknownViewer() {
        #expect(throws: ViewerSerialEdit.Refused.self) { try ViewerSerialEdit.setting("a", viewer: "flow", in: text, file: "a.yml") }
        #expect(throws: ViewerSerialEdit.Refused.self) { try ViewerSerialEdit.setting("a", viewer: "nobody", in: text, file: "a.yml") }
    }

    @Test func freshSerialsAreValidAndDiffer() {
        let serials = (0..<50).map { _ in ViewerSerialEdit.fresh() }
        #expect(serials.allSatisfy(Identifier.isSerial))
        #expect(Set(serials).count == 50)
    }

    @Test func aBadSerialIsAnErrorAtItsValue() {
        let (_, problems) = ConfigParser.account("name: A\nviewers:\n  - id: ana\n    serial: \"no spaces\"\n", slug: "a", file: "a.yml")
        #expect(problems.map(\.code) == ["bad-serial"])
        #expect(problems.first?.location == SourceLocation(file: "a.yml", line: 4, column: 13))
    }
}

/// The build checks the history on every path: a full build, a build of the changed accounts only, and the
/// "nothing changed" shortcut, which steps aside when the history is not the one the last build left.
@Suite struct AccessHistoryBuildTests {
    struct Project {
        let folder = Fixtures.temporaryFolder()
        let content: URL
        var access: AccessGuard { AccessGuard(file: AccessHistoryFile(project: folder), records: true, secret: "s") }

        func build(cached: Bool = true) throws -> BuildSummary {
            var cache = BuildCache(project: folder)
            cache.racyWindow = 0
            var builder = Fixtures.builder(content: content, output: folder.appendingPathComponent("site"))
            if cached { builder.cache = cache }
            builder.access = access
            return try builder.build(log: DiagnosticLog())
        }

        func edit(_ change: (String) -> String) throws {
            let file = content.appendingPathComponent("accounts/acme/account.yml")
            try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        }

        func failure(cached: Bool = true) -> [String] {
            do { _ = try build(cached: cached); return [] } catch let failed as BuildFailed {
                return failed.diagnostics.filter { $0.severity == .error }.map(\.code)
            } catch { return ["\(error)"] }
        }
    }

    let revoke: (String) -> String = { $0.replacingOccurrences(of: "  - id: ana\n", with: "  - id: ana\n    revoked: true\n") }
    let unrevoke: (String) -> String = { $0.replacingOccurrences(of: "  - id: ana\n    revoked: true\n", with: "  - id: ana\n") }

    @Test func aRevertedRevocationFailsTheIncrementalAndTheFullBuild() throws {
        let project = Project(content: try Fixtures.content())
        #expect(try project.build().scope == .all)
        #expect(try project.build().scope == .unchanged)
        try project.edit(revoke)
        #expect(try project.build().scope == .accounts(["acme"]))
        #expect(try project.access.file.load().accounts["acme"]?.viewers["ana"]?[""]?.state == .revoked)
        try project.edit(unrevoke)
        #expect(project.failure() == ["revoked-link-returns"])
        #expect(project.failure(cached: false) == ["revoked-link-returns"])
    }

    @Test func aHistoryChangedSinceTheLastBuildIsCheckedNotSkipped() throws {
        let project = Project(content: try Fixtures.content())
        _ = try project.build()
        // Another checkout published ana's revocation; this one still has her active and nothing else changed.
        let file = project.access.file
        var history = try file.load()
        history.accounts["acme"]?.viewers["ana"]?[""]?.state = .revoked
        try file.save(history)
        #expect(project.failure() == ["revoked-link-returns"])
    }
}
