import Foundation
import Hummingbird
import HummingbirdTesting
import PorticoCore
import Testing
@testable import PorticoPreview

/// The preview on a real socket: edit a file, see the page change and the reload event; break it, see the error; fix it.
@Suite struct PreviewServerTests {
    static let basic = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PorticoCoreTests/Fixtures/basic/content")
    static let theme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("PorticoCoreTests/Fixtures/golden-theme")

    func makeSite() throws -> (PreviewSite, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("preview-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let content = root.appendingPathComponent("content")
        try FileManager.default.copyItem(at: Self.basic, to: content)
        return (PreviewSite(contentRoot: content, themeFolders: [Self.theme], output: root.appendingPathComponent("out"), script: nil), content)
    }

    /// A rebuild is long synchronous work: it runs on the preview's own queue, never on Swift's cooperative pool.
    @Test func rebuildsRunOffTheConcurrencyPool() async throws {
        let (site, _) = try makeSite()
        #expect(await site.onRebuildQueue())
        #expect(!RebuildExecutor.shared.isCurrent)
    }

    @Test func editBreakAndFixAPage() async throws {
        let (site, content) = try makeSite()
        try await site.rebuild()
        let server = PreviewServer(site: site, port: 0, pollInterval: .milliseconds(50))
        let page = content.appendingPathComponent("accounts/acme/case-studies/depot.md")
        let original = try String(contentsOf: page, encoding: .utf8)
        try await server.application().test(.live) { client in
            let watcher = Task { await server.watch() }
            defer { watcher.cancel() }
            let first = try await client.execute(uri: "/acme/case-studies/depot/", method: .get)
            #expect(first.status == .ok)
            #expect(String(buffer: first.body).contains("Depot automation"))
            #expect(String(buffer: first.body).contains("/_portico/live.js"))
            #expect(String(buffer: first.body).contains("DRAFT") == false)

            let before = await site.version
            try original.replacingOccurrences(of: "title: Depot automation", with: "title: Depot automation RENAMED")
                .write(to: page, atomically: true, encoding: .utf8)
            try await waitForVersion(after: before, of: site)
            let edited = try await client.execute(uri: "/acme/case-studies/depot/", method: .get)
            #expect(String(buffer: edited.body).contains("Depot automation RENAMED"))

            let beforeBreak = await site.version
            try original.replacingOccurrences(of: "date: 2026-01-15", with: "date: someday").write(to: page, atomically: true, encoding: .utf8)
            try await waitForVersion(after: beforeBreak, of: site)
            let broken = try await client.execute(uri: "/_portico/status", method: .get)
            let status = String(buffer: broken.body)
            #expect(status.contains("accounts/acme/case-studies/depot.md:3:7"))
            #expect(status.contains("not a date"))
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .ok, "the server keeps running with errors")

            let beforeFix = await site.version
            try original.write(to: page, atomically: true, encoding: .utf8)
            try await waitForVersion(after: beforeFix, of: site)
            let fixed = try await client.execute(uri: "/_portico/status", method: .get)
            #expect(String(buffer: fixed.body).contains("\"errors\":[]"))
            let back = try await client.execute(uri: "/acme/case-studies/depot/", method: .get)
            #expect(String(buffer: back.body).contains("Depot automation"))
        }
    }

    @Test func reloadEventReachesSubscribers() async throws {
        let (site, _) = try makeSite()
        try await site.rebuild()
        let server = PreviewServer(site: site, port: 0)
        let (_, stream) = await server.reload.subscribe()
        await server.reload.send("reload")
        var iterator = stream.makeAsyncIterator()
        #expect(await iterator.next() == "reload")
    }

    @Test func onlyTheAccountsAnEditAffectsAreRendered() async throws {
        let (site, content) = try makeSite()
        try await site.rebuild()
        func append(_ path: String) throws {
            let url = content.appendingPathComponent(path)
            try (try String(contentsOf: url, encoding: .utf8) + "\nEdited.\n").write(to: url, atomically: true, encoding: .utf8)
        }
        try append("accounts/acme/insights/hello.md")
        #expect(try await site.rebuild() == ["acme"])
        try append("library/solutions/grid-platform.md")
        #expect(try await site.rebuild() == ["acme", "globex"], "a library page shows in both accounts")
        try append("library/insights/unrelated.md")
        #expect(try await site.rebuild() == [], "no account includes it")
        let portal = content.appendingPathComponent("portal.yml")
        try (try String(contentsOf: portal, encoding: .utf8)).replacingOccurrences(of: "Fixture Portals", with: "Renamed Portals")
            .write(to: portal, atomically: true, encoding: .utf8)
        #expect(try await site.rebuild() == ["acme", "globex"])
        #expect(try await site.rebuild() == [], "nothing changed")
    }

    @Test func draftsAreServedAndMarked() async throws {
        let (site, _) = try makeSite()
        try await site.rebuild()
        let server = PreviewServer(site: site, port: 0)
        try await server.application().test(.router) { client in
            let draft = try await client.execute(uri: "/acme/insights/draft-note/", method: .get)
            #expect(draft.status == .ok)
            #expect(String(buffer: draft.body).contains("DRAFT"))
            let future = try await client.execute(uri: "/acme/insights/future-note/", method: .get)
            #expect(String(buffer: future.body).contains("FUTURE"))
            let escape = try await client.execute(uri: "/../../etc/passwd", method: .get)
            #expect(escape.status == .notFound)
        }
    }

    func waitForVersion(after version: Int, of site: PreviewSite) async throws {
        for _ in 0..<200 {
            if await site.version > version { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("the preview did not rebuild within 5 s")
    }
}
