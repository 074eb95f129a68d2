import Foundation
import Hummingbird
import Logging
import PorticoCore
import ServiceLifecycle

/// `portico preview`: serves every account unencrypted on 127.0.0.1, rebuilds what a save affects and
/// reloads open tabs; content errors show as an overlay and the server keeps running.
public struct PreviewServer: Sendable {
    public let site: PreviewSite
    public let host: String
    public let port: Int
    public let pollInterval: Duration
    /// Polls instead of using inotify (network mounts, where inotify sees no change made elsewhere).
    public let poll: Bool
    let reload = LiveReload()
    let boundPort = BoundPort()

    public init(site: PreviewSite, host: String = "127.0.0.1", port: Int = 1313, pollInterval: Duration = .milliseconds(250),
                poll: Bool = false) {
        self.site = site
        self.host = host
        self.port = port
        self.pollInterval = pollInterval
        self.poll = poll
    }

    var watchedFolders: [URL] { [site.contentRoot] + site.themeFolders }

    /// Builds the application; `onRunning` receives the bound port (tests use port 0).
    public func application(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) -> some ApplicationProtocol {
        let router = Router()
        router.add(middleware: LocalHostOnly(port: boundPort))
        let site = self.site
        let reload = self.reload
        router.get("/_portico/events") { _, _ -> Response in
            let (id, stream) = await reload.subscribe()
            return Response(status: .ok, headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                            body: ResponseBody { writer in
                                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                                for await event in stream {
                                    try await writer.write(ByteBuffer(string: "data: \(event)\n\n"))
                                }
                                await reload.unsubscribe(id)
                                try await writer.finish(nil)
                            })
        }
        router.get("/_portico/status") { _, _ -> Response in
            let errors = await site.diagnostics.map { ["location": $0.location.description, "message": $0.message, "hint": $0.hint ?? "", "code": $0.code] }
            let body = JSONText.encode(["version": await site.version, "errors": errors] as [String: Any])
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"], body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        router.get("/_portico/live.js") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript"], body: .init(byteBuffer: ByteBuffer(string: LiveReload.script)))
        }
        router.get("/") { _, _ in
            let (accounts, errors) = (await site.accountList, await site.diagnostics)
            return Self.html(PreviewIndex.render(accounts, errors: errors))
        }
        // Read between rebuilds, never during one: a rebuild swaps an account's folder out and a new one in, and a
        // request in that window would find nothing (404) or half a site.
        router.get("**") { request, _ in
            let path = request.uri.path, output = site.output
            return await site.betweenRebuilds { Self.file(path, in: output) }
        }
        var configuration = ApplicationConfiguration(address: .hostname(host, port: port))
        configuration.serverName = "portico-preview"
        let boundPort = self.boundPort
        return Application(router: router, configuration: configuration, onServerRunning: { channel in
            let port = channel.localAddress?.port ?? 0
            boundPort.set(port)
            await onRunning(port)
        })
    }

    /// Watches content and templates until cancelled, rebuilding and telling the browsers after each save.
    public func watch() async {
        await watch(ChangeFeed.start(folders: watchedFolders, poll: poll, interval: pollInterval))
    }

    /// Sleeps until `feed` reports a change; what is saved during a rebuild is reported once it is done.
    func watch(_ feed: ChangeFeed) async {
        // What changed is the build plan's to find (its input stamp); a wake-up only says that something did.
        for await _ in feed.changes {
            _ = try? await site.rebuild()
            await reload.send("reload")
        }
    }

    /// Builds, serves and watches until SIGINT or SIGTERM, then stops within a second or two and returns.
    public func run() async throws {
        // Watch first: a save made while the first build runs is then rebuilt after it, not lost.
        let feed = ChangeFeed.start(folders: watchedFolders, poll: poll, interval: pollInterval)
        try await site.rebuild()
        let app = application { port in
            FileHandle.standardOutput.write(Data("Preview on http://\(host):\(port)/ (Ctrl-C to stop; watching with \(feed.mechanism.rawValue))\n".utf8))
        }
        let logger = Logger(label: "portico-preview")
        // Services stop in reverse order: the watcher first, closing the tabs' event streams, which the
        // server's graceful shutdown would otherwise wait for forever.
        var configuration = ServiceGroupConfiguration(services: [app, Watching(server: self, feed: feed)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        configuration.maximumGracefulShutdownDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }

    struct Watching: Service {
        let server: PreviewServer
        let feed: ChangeFeed

        func run() async throws {
            let (server, feed) = (server, feed)
            await cancelWhenGracefulShutdown { await server.watch(feed) }
            await server.reload.close()
        }
    }

    static func html(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func file(_ path: String, in root: URL) -> Response {
        let clean = (path.removingPercentEncoding ?? path).split(separator: "/").filter { $0 != ".." && $0 != "." }.joined(separator: "/")
        var url = root.appendingPathComponent(clean)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            if !path.hasSuffix("/") {
                return Response(status: .movedPermanently, headers: [.location: path + "/"])
            }
            url.appendPathComponent("index.html")
        }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return Response(status: .notFound, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "not found: \(path)\n")))
        }
        if url.pathExtension == "html" {
            var text = String(decoding: data, as: UTF8.self)
            let tag = "<script src=\"/_portico/live.js\"></script>"
            if let end = text.range(of: "</body>", options: .backwards) { text.insert(contentsOf: tag, at: end.lowerBound) } else { text += tag }
            return html(text)
        }
        return Response(status: .ok, headers: [.contentType: MediaType.of(url.path), .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

enum PreviewIndex {
    static func render(_ accounts: [(slug: String, name: String, pages: Int, drafts: Int)], errors: [Diagnostic]) -> String {
        func escape(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let items = accounts.map { "<li><a href=\"/\(escape($0.slug))/\">\(escape($0.name))</a> <small>\(counted($0.pages, "page")), \($0.drafts) drafts or future</small></li>" }.joined()
        return """
        <!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Portico preview</title>
        <meta name="viewport" content="width=device-width, initial-scale=1"><link rel="stylesheet" href="/_portico/portico.css"></head>
        <body><main class="pt-container"><h1>Portico preview</h1><p>Unencrypted, drafts and future pages included. Local only.</p>
        <ul>\(items)</ul>\(errors.isEmpty ? "" : "<p>\(counted(errors.count, "error")): see the overlay.</p>")</main></body></html>
        """
    }
}
