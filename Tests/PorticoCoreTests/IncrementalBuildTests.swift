import Foundation
import Testing
@testable import PorticoCore

/// The input stamp's two shortcuts: nothing changed (the site is left alone) and changes inside account
/// folders (only those accounts are read). Each must give what a clean build gives, byte for byte and
/// diagnostic for diagnostic, and must step aside whenever it could not.
@Suite struct IncrementalBuildTests {
    struct Project {
        let content: URL
        let cache: BuildCache
        let output: URL
        let publishes: PublishLog

        func build(options: BuildOptions = BuildOptions(today: Fixtures.today), log: DiagnosticLog = DiagnosticLog()) throws -> BuildSummary {
            var builder = Fixtures.builder(content: content, output: output, options: options)
            builder.cache = cache
            builder.publishLog = publishes
            return try builder.build(log: log)
        }

        func edit(_ path: String, _ change: (String) -> String) throws {
            let file = content.appendingPathComponent(path)
            try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        }
    }

    func project() throws -> Project {
        let folder = Fixtures.temporaryFolder()
        var cache = BuildCache(project: folder)
        cache.racyWindow = 0
        return Project(content: try Fixtures.content(), cache: cache, output: folder.appendingPathComponent("site"),
                       publishes: PublishLog(project: folder))
    }

    /// A build without cache of the same content: its files, its diagnostics and what it would publish.
    func clean(_ project: Project) throws -> (tree: [String: Data], diagnostics: [Diagnostic], summary: BuildSummary, record: PublishRecord) {
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        let builder = Fixtures.builder(content: project.content, output: output)
        let log = DiagnosticLog()
        let summary = try builder.build(log: log)
        let (_, accounts) = builder.loadAndResolve(log: DiagnosticLog())
        return (Fixtures.tree(output), log.all, summary, PublishRecord(date: Fixtures.today, accounts: accounts))
    }

    func counts(_ summary: BuildSummary) -> [Int] { [summary.accounts, summary.pages, summary.files, summary.warnings] }

    func inode(_ url: URL) -> UInt64? {
        var info = stat()
        return lstat(url.path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    @Test func nothingChangedLeavesTheSiteAndSaysWhatACleanBuildSays() throws {
        let project = try project()
        // A warning, so that "says the same" has something to say.
        try project.edit("accounts/acme/insights/hello.md") { $0.replacingOccurrences(of: "date: 2026-03-02", with: "date: 2026-03-02\ncolour: red") }
        let firstLog = DiagnosticLog()
        let first = try project.build(log: firstLog)
        #expect(first.scope == .all)
        let page = project.output.appendingPathComponent("acme/insights/hello/index.html")
        let before = inode(page)
        let records = try FileManager.default.contentsOfDirectory(atPath: project.publishes.folder.path).sorted()

        let secondLog = DiagnosticLog()
        let second = try project.build(log: secondLog)
        #expect(second.scope == .unchanged)
        #expect(inode(page) == before)
        #expect(secondLog.all == firstLog.all)
        #expect(secondLog.all.contains { $0.code == "unknown-key" })
        let reference = try clean(project)
        #expect(Fixtures.tree(project.output) == reference.tree)
        #expect(secondLog.all == reference.diagnostics)
        #expect(counts(second) == counts(reference.summary))
        #expect(try FileManager.default.contentsOfDirectory(atPath: project.publishes.folder.path).sorted() == records,
                "the same publish is not recorded twice")
        #expect(project.publishes.latest() == reference.record)
    }

    @Test func anEditInOneAccountReadsAndRendersOnlyThatAccount() throws {
        let project = try project()
        // The other account has a warning of its own: it must still be reported though its folder is not read.
        try project.edit("accounts/globex/solutions/storage.md") { $0.replacingOccurrences(of: "\ntitle:", with: "\ncolour: red\ntitle:") }
        _ = try project.build()
        let kept = project.output.appendingPathComponent("globex/solutions/storage/index.html")
        let keptBefore = inode(kept)

        try project.edit("accounts/acme/insights/hello.md") { $0 + "\nOne more line.\n" }
        let log = DiagnosticLog()
        let summary = try project.build(log: log)
        #expect(summary.scope == .accounts(["acme"]))
        #expect(inode(kept) == keptBefore, "the other account's folder is kept as it was")
        #expect(try String(contentsOf: project.output.appendingPathComponent("acme/insights/hello/index.html"), encoding: .utf8)
            .contains("One more line."))
        let reference = try clean(project)
        #expect(Fixtures.tree(project.output) == reference.tree)
        #expect(log.all == reference.diagnostics)
        #expect(log.all.contains { $0.code == "unknown-key" && $0.location.file.contains("globex") })
        #expect(counts(summary) == counts(reference.summary))
        #expect(project.publishes.latest() == reference.record, "the publish log holds what a full build would record")

        // And the next build, with nothing changed, keeps it all.
        #expect(try project.build().scope == .unchanged)
        #expect(Fixtures.tree(project.output) == reference.tree)
    }

    @Test func changesOutsideAccountFoldersReadEverything() throws {
        let project = try project()
        _ = try project.build()
        let changes: [(String, (String) -> String)] = [
            ("library/solutions/grid-platform.md", { $0 + "\nShared edit.\n" }),
            ("portal.yml", { $0.replacingOccurrences(of: "Fixture Portals", with: "Renamed Portals") }),
        ]
        for (path, change) in changes {
            try project.edit(path, change)
            #expect(try project.build().scope == .all, "\(path)")
            #expect(Fixtures.tree(project.output) == (try clean(project)).tree, "\(path)")
        }
    }

    @Test func anAccountWhoseLinkTargetsChangeIsNotBuiltAlone() throws {
        let project = try project()
        _ = try project.build()
        // A new page changes what links may point at, for every account: everything is read.
        try "---\ntitle: New\ndate: 2026-01-05\n---\nNew page.\n"
            .write(to: project.content.appendingPathComponent("accounts/acme/insights/new.md"), atomically: true, encoding: .utf8)
        #expect(try project.build().scope == .all)
        #expect(Fixtures.tree(project.output) == (try clean(project)).tree)
        // So does removing one.
        try FileManager.default.removeItem(at: project.content.appendingPathComponent("accounts/acme/insights/new.md"))
        #expect(try project.build().scope == .all)
        #expect(Fixtures.tree(project.output) == (try clean(project)).tree)
    }

    @Test func otherOptionsOrAnotherDayReadEverything() throws {
        let project = try project()
        _ = try project.build()
        #expect(try project.build(options: BuildOptions(drafts: true, today: Fixtures.today)).scope == .all)
        #expect(try project.build(options: BuildOptions(drafts: true, today: Fixtures.today)).scope == .unchanged)
        let tomorrow = Day(year: 2026, month: 6, day: 2)
        #expect(try project.build(options: BuildOptions(drafts: true, today: tomorrow)).scope == .all)
    }

    @Test func aTamperedOutputIsRebuilt() throws {
        let project = try project()
        _ = try project.build()
        let good = Fixtures.tree(project.output)
        try "stray".write(to: project.output.appendingPathComponent("stray.txt"), atomically: true, encoding: .utf8)
        #expect(try project.build().scope != .unchanged)
        #expect(Fixtures.tree(project.output) == good)
        try "edited".write(to: project.output.appendingPathComponent("robots.txt"), atomically: true, encoding: .utf8)
        #expect(try project.build().scope != .unchanged)
        #expect(Fixtures.tree(project.output) == good)
        try FileManager.default.removeItem(at: project.output.appendingPathComponent("globex"))
        #expect(try project.build().scope == .all)
        #expect(Fixtures.tree(project.output) == good)
    }

    @Test func anotherPublishInBetweenIsRecordedAgain() throws {
        let project = try project()
        _ = try project.build()
        let ours = try #require(project.publishes.latest())
        // Another output's build (say, a different branch) published something else since.
        var other = ours
        other.accounts["acme"] = [:]
        try project.publishes.record(other)
        #expect(try project.build().scope != .unchanged, "the newest publish is not this site's")
        #expect(project.publishes.latest() == ours)
    }

    @Test func aFailedAccountOnlyBuildChangesNothing() throws {
        let project = try project()
        _ = try project.build()
        let good = Fixtures.tree(project.output)
        try project.edit("accounts/acme/insights/hello.md") { $0.replacingOccurrences(of: "date: 2026-03-02", with: "date: soon") }
        let log = DiagnosticLog()
        #expect(throws: BuildFailed.self) { try project.build(log: log) }
        #expect(log.errors.contains { $0.location.file == "accounts/acme/insights/hello.md" })
        #expect(Fixtures.tree(project.output) == good)
        try project.edit("accounts/acme/insights/hello.md") { $0.replacingOccurrences(of: "date: soon", with: "date: 2026-03-02") }
        _ = try project.build()
        #expect(Fixtures.tree(project.output) == good)
    }
}

@Suite struct InputStampTests {
    func stamp(_ files: [String: InputStamp.FileState], taken: Int64 = 10_000_000_000, settings: String = "s") -> InputStamp {
        InputStamp(settings: settings, files: files, taken: taken)
    }

    let old = InputStamp.FileState(size: 10, modified: 1_000_000_000, changed: 1_000_000_000, inode: 7)

    @Test func namesAddedRemovedAndModifiedContent() throws {
        let before = stamp(["content/a.md": old, "content/b.md": old, "content/c.md": old])
        var modified = old
        modified.size = 11
        let after = stamp(["content/a.md": old, "content/b.md": modified, "content/d.md": old])
        #expect(after.changedContent(since: before) == ["b.md", "c.md", "d.md"])
        #expect(before.changedContent(since: before) == [])
    }

    @Test func anyOtherChangeCannotBeCompared() throws {
        let before = stamp(["content/a.md": old, "theme0/layout.mustache": old])
        var modified = old
        modified.modified += 1
        #expect(stamp(["content/a.md": old, "theme0/layout.mustache": modified]).changedContent(since: before) == nil)
        #expect(stamp(["content/a.md": old, "theme0/layout.mustache": old], settings: "t").changedContent(since: before) == nil)
    }

    @Test func aFileChangedJustBeforeTheScanCountsAsChanged() throws {
        // Written 1 s before the previous scan: a second write in the same clock tick could have kept every field.
        var recent = old
        recent.modified = 9_000_000_000
        let before = stamp(["content/a.md": recent, "content/b.md": old])
        #expect(before.changedContent(since: before) == ["a.md"])
        #expect(before.changedContent(since: before, racyWindow: 0) == [])
    }

    @Test func storedTextReadsBack() throws {
        let folder = Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("accounts/a b"), withIntermediateDirectories: true)
        try "x".write(to: folder.appendingPathComponent("accounts/a b/page.md"), atomically: true, encoding: .utf8)
        try "y".write(to: folder.appendingPathComponent(".hidden"), atomically: true, encoding: .utf8)
        let scanned = InputStamp.scan(contentRoot: folder, themeFolders: [], settings: "settings")
        #expect(Set(scanned.files.keys) == ["content/accounts/a b/page.md"])
        let text = try #require(scanned.text)
        #expect(InputStamp(text: text) == scanned)
        var changed = scanned
        changed.files["content/x"] = InputStamp.FileState(size: 0, modified: -5, changed: Int64.max, inode: UInt64.max)
        #expect(InputStamp(text: try #require(changed.text)) == changed)
        changed.files["content/y"] = InputStamp.FileState(size: 10, modified: Int64.min, changed: 1_700_000_000_123_456_789, inode: 0)
        let lines = String(decoding: try #require(changed.text), as: UTF8.self)
        #expect(lines.contains("content/x\t0\t-5\t9223372036854775807\t18446744073709551615\ncontent/y\t10\t-9223372036854775808\t1700000000123456789\t0\n"))
        let wrongVersion = String(decoding: text, as: UTF8.self).replacingOccurrences(of: "portico-inputs 1", with: "portico-inputs 0")
        #expect(InputStamp(text: Data(wrongVersion.utf8)) == nil)
        #expect(InputStamp(text: text.dropLast(3)) == nil, "a cut-short file is not read as a shorter stamp")
    }

    @Test func aLinkedFolderMakesTheStampUnusable() throws {
        let folder = Fixtures.temporaryFolder()
        let target = Fixtures.temporaryFolder()
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("accounts"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("accounts/linked"), withDestinationURL: target)
        #expect(InputStamp.scan(contentRoot: folder, themeFolders: [], settings: "s").text == nil)
    }
}
