import Foundation
import PorticoTestSupport
import PorticoCore
import Testing
@testable import PorticoPreview

/// The preview's rebuilds, which take the last build's state and front matter from memory: after every save of
/// a writer's session the served folder equals a clean preview build of the same content, byte for byte, with
/// the same errors, and no rebuild reads the state or front-matter file back.
@Suite struct PreviewSiteTests {
    static let basic = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PorticoCoreTests/Fixtures/basic/content")
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PorticoCoreTests/Fixtures/golden-theme")

    func tree(_ folder: URL) -> [String: Data] { FolderTree.read(folder) }

    /// The same preview build into a fresh folder, without cache or memory.
    func clean(_ site: PreviewSite, in root: URL, step: Int) async throws -> (tree: [String: Data], errors: [Diagnostic]) {
        var builder = await site.builder
        builder.cache = nil
        builder.output = root.appendingPathComponent("clean-\(step)")
        defer { try? FileManager.default.removeItem(at: builder.output) }
        let log = DiagnosticLog()
        _ = try builder.build(log: log)
        return (tree(builder.output), log.all.filter { $0.severity == .error })
    }

    @Test func everyRebuildFromMemoryEqualsACleanBuild() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("preview-site-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let content = root.appendingPathComponent("content")
        try FileManager.default.copyItem(at: Self.basic, to: content)
        let site = PreviewSite(contentRoot: content, themeFolders: [Self.theme], output: root.appendingPathComponent("out"), script: nil)
        try await site.rebuild()

        func url(_ path: String) -> URL { content.appendingPathComponent(path) }
        func rewrite(_ path: String, _ change: (String) -> String) throws {
            try change(try String(contentsOf: url(path), encoding: .utf8)).write(to: url(path), atomically: false, encoding: .utf8)
        }
        let hello = "accounts/acme/insights/hello.md"
        let saves: [(String, () throws -> Void)] = [
            ("append to a page, in place", { try rewrite(hello) { $0 + "\nA new sentence.\n" } }),
            ("retitle it (lists, home and search show the title)", { try rewrite(hello) { $0.replacingOccurrences(of: "\ntitle: \"", with: "\ntitle: \"Retitled ") } }),
            ("write a copy and rename it over", {
                let copy = url("accounts/acme/insights/.hello.md.tmp")
                try (try String(contentsOf: url(hello), encoding: .utf8) + "\nSaved by rename.\n").write(to: copy, atomically: false, encoding: .utf8)
                _ = rename(copy.path, url(hello).path)
            }),
            ("add a page", { try "---\ntitle: Fresh\ndate: 2026-02-02\ntags: [grid]\n---\n\nFresh text.\n".write(to: url("accounts/acme/insights/fresh.md"), atomically: true, encoding: .utf8) }),
            ("break a page", { try rewrite("accounts/acme/insights/fresh.md") { $0.replacingOccurrences(of: "date: 2026-02-02", with: "date: someday") } }),
            ("fix it", { try rewrite("accounts/acme/insights/fresh.md") { $0.replacingOccurrences(of: "date: someday", with: "date: 2026-02-03") } }),
            ("edit the other account", { try rewrite("accounts/globex/solutions/storage.md") { $0 + "\nGlobex line.\n" } }),
            ("edit a library page both show", { try rewrite("library/solutions/grid-platform.md") { $0 + "\nLibrary line.\n" } }),
            ("delete the added page", { try FileManager.default.removeItem(at: url("accounts/acme/insights/fresh.md")) }),
            ("edit portal.yml", { try rewrite("portal.yml") { $0.replacingOccurrences(of: "Fixture Portals", with: "Renamed Portals") } }),
            ("edit the page again", { try rewrite(hello) { $0 + "\nLast sentence.\n" } }),
        ]
        for (step, (name, save)) in saves.enumerated() {
            try save()
            let rendered = try await site.rebuild()
            #expect(!rendered.isEmpty, "\(name): something was rendered again")
            let reference = try await clean(site, in: root, step: step)
            let served = tree(await site.output)
            let differing = Set(served.keys).union(reference.tree.keys).filter { served[$0] != reference.tree[$0] }.sorted()
            #expect(differing == [], "step \(step + 1), \(name)")
            #expect(await site.diagnostics == reference.errors, "step \(step + 1), \(name)")
        }
        #expect(await site.diagnostics.isEmpty)
        let memory = await site.memory
        #expect(memory.filesRead == 0, "no rebuild read the state or the front-matter file back")
    }
}
