import Foundation
import Testing
@testable import PorticoCore

/// The state file's one `Summary` and format line, and `BuildMemory`: builds that keep the last state and the
/// front-matter cache in memory give what a clean build gives, read neither file while memory mirrors it, and
/// read it again when another writer replaced it.
@Suite struct BuildMemoryTests {
    struct Project {
        let content: URL
        var cache: BuildCache
        let output: URL

        init(memory: BuildMemory? = nil) throws {
            let folder = Fixtures.temporaryFolder()
            content = try Fixtures.content()
            cache = BuildCache(project: folder)
            cache.racyWindow = 0
            cache.memory = memory
            output = folder.appendingPathComponent("site")
        }

        func build(log: DiagnosticLog = DiagnosticLog()) throws -> BuildSummary {
            var builder = Fixtures.builder(content: content, output: output)
            builder.cache = cache
            return try builder.build(log: log)
        }

        func edit(_ path: String, _ change: (String) -> String) throws {
            let file = content.appendingPathComponent(path)
            try change(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        }

        var stateFile: URL { cache.file(for: output) }
    }

    func clean(_ project: Project) throws -> (tree: [String: Data], diagnostics: [Diagnostic]) {
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        let log = DiagnosticLog()
        _ = try Fixtures.builder(content: project.content, output: output).build(log: log)
        return (Fixtures.tree(output), log.all)
    }

    @Test func theStateFileReadsBackAsWritten() throws {
        let project = try Project()
        _ = try project.build()
        let data = try Data(contentsOf: project.stateFile)
        let state = try #require(BuildState(data: data))
        #expect(state.data == data)
        #expect(state.summary.accounts.keys.sorted() == ["acme", "globex"])
        #expect(String(decoding: data.prefix(BuildState.format.utf8.count + 1), as: UTF8.self) == BuildState.format + "\n")
    }

    @Test func theStateKeepsEveryFieldAndRefusesDamage() throws {
        let warning = Diagnostic(.warning, "brand-contrast", at: SourceLocation(file: "accounts/x/account.yml"), "low\ncontrast ✓", hint: nil)
        let error = Diagnostic(.error, "bad-link", at: SourceLocation(file: "accounts/x/a.md", line: 3, column: 7), "no such page", hint: "fix it")
        let summary = BuildState.Summary(
            output: "/site", accounts: ["x": .init(directory: "x-1", fingerprint: "f", pages: 3, files: 4, sources: [warning], diagnostics: [error]),
                                        "a": .init(directory: "a", fingerprint: "", pages: 0, files: 0, sources: [], diagnostics: [])],
            totals: .init(accounts: 2, pages: 3, files: 5), diagnostics: [warning, error],
            known: .init(pages: ["library/b.md", "accounts/x/odd\nname.md", ""], assets: [], unreadable: ["accounts/x/u.md"]),
            shared: ["index.html"], outputState: "o", publishDigest: "", accessDigest: "d")
        let state = BuildState(summary: summary, inputs: .unusable)
        let data = state.data
        #expect(BuildState(data: data) == state)
        #expect(BuildState(data: data)?.data == data, "the same state is the same bytes")
        // A changed byte in the summary, or a cut-short file, is refused: the next build reads everything.
        let start = BuildState.format.utf8.count + 1 + String(summary.bytes.count).utf8.count + 1
        var damaged = data
        damaged[start + 20] ^= 1
        #expect(BuildState(data: damaged) == nil)
        #expect(BuildState(data: data.prefix(start + 40)) == nil)
    }

    @Test func aStateFileOfAnotherFormatMeansAFullBuild() throws {
        let project = try Project()
        _ = try project.build()
        let text = try Data(contentsOf: project.stateFile)
        let older = Data("portico-build-state-0".utf8) + text.drop(while: { $0 != 10 })
        try older.write(to: project.stateFile)
        #expect(BuildState(data: older) == nil)
        try project.edit("accounts/acme/insights/hello.md") { $0 + "\nOne more line.\n" }
        let log = DiagnosticLog()
        #expect(try project.build(log: log).scope == .all, "an older portico's state vouches for nothing")
        let reference = try clean(project)
        #expect(Fixtures.tree(project.output) == reference.tree)
        #expect(log.all == reference.diagnostics)
        #expect(try project.build().scope == .unchanged, "the full build wrote a state in this format")
    }

    @Test func buildsFromMemoryEqualCleanBuildsAndReadNoStateFile() throws {
        let memory = BuildMemory()
        let project = try Project(memory: memory)
        _ = try project.build()
        let edits: [(String, (String) -> String)] = [
            ("accounts/acme/insights/hello.md", { $0 + "\nOne more line.\n" }),
            ("accounts/acme/insights/hello.md", { $0.replacingOccurrences(of: "\ntitle:", with: "\ncolour: red\ntitle:") }),
            ("accounts/globex/solutions/storage.md", { $0 + "\nAnother line.\n" }),
            ("library/solutions/grid-platform.md", { $0 + "\nLibrary line.\n" }),
            ("accounts/acme/insights/hello.md", { $0.replacingOccurrences(of: "\ncolour: red\ntitle:", with: "\ntitle:") }),
        ]
        for (step, (path, change)) in edits.enumerated() {
            try project.edit(path, change)
            let log = DiagnosticLog()
            let summary = try project.build(log: log)
            let reference = try clean(project)
            #expect(Fixtures.tree(project.output) == reference.tree, "step \(step + 1): \(path)")
            #expect(log.all == reference.diagnostics, "step \(step + 1): \(path)")
            #expect(summary.scope != .unchanged, "step \(step + 1): \(path)")
        }
        #expect(memory.filesRead == 0, "every build took the state and the front matter from memory")
        #expect(try project.build().scope == .unchanged)
        // What memory holds is what the file holds: a build without memory plans the same from the file.
        var fromFile = project
        fromFile.cache.memory = nil
        #expect(try fromFile.build().scope == .unchanged)
    }

    @Test func anotherSaveInTheSameAccountRendersOnlyTheMarkdownThatChanged() throws {
        let project = try Project(memory: BuildMemory())
        _ = try project.build()
        // A title edit: the pages that show the page's card as a related card are rendered again too (a body-only
        // edit would render only the edited article, memory or not).
        try project.edit("accounts/acme/insights/hello.md") { $0.replacingOccurrences(of: "title: \"Hello Acme", with: "title: \"Hello Acme One") }
        let first = try project.build()
        #expect(first.scope == .accounts(["acme"]))
        #expect(first.libraryRenders.renders > 1, "the full build before left no Markdown in memory")
        try project.edit("accounts/acme/insights/hello.md") { $0.replacingOccurrences(of: "title: \"Hello Acme One", with: "title: \"Hello Acme Two") }
        let log = DiagnosticLog()
        let second = try project.build(log: log)
        #expect(second.scope == .accounts(["acme"]))
        #expect(second.libraryRenders.renders == 0, "a title edit changes no Markdown: every page's is taken from memory")
        let reference = try clean(project)
        #expect(Fixtures.tree(project.output) == reference.tree)
        #expect(log.all == reference.diagnostics)
    }

    @Test func aStateFileReplacedByAnotherWriterIsReadAgain() throws {
        let memory = BuildMemory()
        let project = try Project(memory: memory)
        _ = try project.build()
        // Another process's build of the same output leaves another state: here, one that vouches for nothing.
        var other = try #require(BuildState(data: try Data(contentsOf: project.stateFile)))
        other.summary.outputState = "someone else's"
        try other.data.write(to: project.stateFile, options: .atomic)
        #expect(try project.build().scope == .all, "the replaced file is read, and it does not vouch for the output")
        #expect(memory.filesRead == 1)
        #expect(try project.build().scope == .unchanged)
        #expect(memory.filesRead == 1)
    }

    @Test func buildsThatSaveTheStateLaterEqualCleanBuildsAndLeaveTheSameFile() throws {
        let memory = BuildMemory(savesStateLater: true)
        let project = try Project(memory: memory)
        _ = try project.build()
        for (step, line) in ["One.", "Two.", "Three."].enumerated() {
            try project.edit("accounts/acme/insights/hello.md") { $0 + "\n\(line)\n" }
            let log = DiagnosticLog()
            #expect(try project.build(log: log).scope == .accounts(["acme"]), "step \(step + 1)")
            let reference = try clean(project)
            #expect(Fixtures.tree(project.output) == reference.tree, "step \(step + 1)")
            #expect(log.all == reference.diagnostics, "step \(step + 1)")
        }
        memory.settle()
        var fromFile = project
        fromFile.cache.memory = nil
        #expect(try fromFile.build().scope == .unchanged, "the file written later vouches for the output as memory does")
    }

    /// The state is removed before each commit: a write still under way must land before that, never after it (it
    /// would vouch for an output the commit is changing).
    @Test func removingTheStateWaitsForItsWriteStillUnderWay() throws {
        let memory = BuildMemory(savesStateLater: true)
        var cache = BuildCache(folder: Fixtures.temporaryFolder())
        cache.memory = memory
        let output = Fixtures.temporaryFolder().appendingPathComponent("site")
        let file = cache.file(for: output)
        try FileManager.default.createDirectory(at: cache.folder, withIntermediateDirectories: true)
        let go = DispatchSemaphore(value: 0)
        memory.saveLater {
            go.wait()
            _ = FileManager.default.createFile(atPath: file.path, contents: Data("state".utf8))
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.05) { go.signal() }
        cache.remove(for: output)
        memory.settle()
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }
}
