import Foundation
import Hummingbird
import Testing
@testable import PorticoPreview

/// What lets the preview stop and stay quiet: event streams that end on shutdown, the Host check against DNS
/// rebinding, and a watcher that reports saves, also in folders made after it started.
@Suite struct PreviewLifecycleTests {
    @Test func closingEndsOpenStreamsAndEveryLaterOne() async {
        let reload = LiveReload()
        let (_, open) = await reload.subscribe()
        await reload.close()
        var iterator = open.makeAsyncIterator()
        #expect(await iterator.next() == nil, "a tab's stream ends, so the server's shutdown need not wait for it")
        let (_, late) = await reload.subscribe()
        var lateIterator = late.makeAsyncIterator()
        await reload.send("reload")
        #expect(await lateIterator.next() == nil, "a tab reconnecting during shutdown gets an ended stream")
        #expect(await reload.count == 0)
    }

    @Test func onlyThisMachinesNamesAreAnswered() {
        for host in ["localhost", "127.0.0.1", "[::1]", "localhost:4000", "127.0.0.1:4000", "[::1]:4000", "LocalHost:4000"] {
            #expect(LocalHostOnly<BasicRequestContext>.accepts(host, port: 4000), "\(host)")
        }
        for host in ["attacker.example", "attacker.example:4000", "localhost.attacker.example:4000", "127.0.0.1.nip.io:4000",
                     "localhost:4001", "127.0.0.1:40000", "localhost:", ":4000", "", "[::1]:", "::1:4000", "0.0.0.0:4000"] {
            #expect(!LocalHostOnly<BasicRequestContext>.accepts(host, port: 4000), "\(host)")
        }
    }

    #if canImport(Glibc)
    @Test func inotifyReportsSavesNewFoldersAndTheirFiles() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("inotify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("a/b"), withIntermediateDirectories: true)
        try Data("one".utf8).write(to: root.appendingPathComponent("a/b/page.md"))
        defer { try? FileManager.default.removeItem(at: root) }
        let stream = try #require(InotifyWatcher.start(folders: [root]))
        var iterator = stream.makeAsyncIterator()

        try Data("two".utf8).write(to: root.appendingPathComponent("a/b/page.md"))
        #expect(await iterator.next() == .paths([root.path + "/a/b/page.md"]))

        // A folder tree made and filled at once: the files already in it when its watch is added are reported too.
        try FileManager.default.createDirectory(at: root.appendingPathComponent("new/deeper"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: root.appendingPathComponent("new/deeper/fresh.md"))
        var seen = Set<String>()
        while !seen.contains(root.path + "/new/deeper/fresh.md") {
            guard case .paths(let paths) = await iterator.next() else { Issue.record("expected paths"); return }
            seen.formUnion(paths)
        }
        // …and the new folder is watched from then on.
        try Data("y".utf8).write(to: root.appendingPathComponent("new/deeper/fresh.md"))
        #expect(await iterator.next() == .paths([root.path + "/new/deeper/fresh.md"]))

        // Hidden files (editor swap files) are not reported; removing a folder rebuilds everything.
        try Data("swap".utf8).write(to: root.appendingPathComponent("a/.page.md.swp"))
        try FileManager.default.removeItem(at: root.appendingPathComponent("new"))
        var last = await iterator.next()
        while case .paths(let paths)? = last, paths.allSatisfy({ $0.hasPrefix(root.path + "/new") }) { last = await iterator.next() }
        #expect(last == .everything)
    }
    #endif
}
