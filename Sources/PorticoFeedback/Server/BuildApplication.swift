import Foundation
import Hummingbird
import HummingbirdAuth
import HummingbirdCore
import Logging
import NIOCore
import ServiceLifecycle
import PorticoCore

/// The server's parts: the content directory, the store and the routes over them.
public struct FeedbackServer: Sendable {
    public let configuration: ServerConfiguration
    public let directory: DirectoryHolder
    public let store: any PorticoStore
    public let consoleTheme: ConsoleTheme

    /// Loads the server key file (throws `ServerKeyFileError`) and content (throws `ContentProblems`), opens the database.
    public init(_ configuration: ServerConfiguration) throws {
        self.configuration = configuration
        let log = DiagnosticLog()
        let loaded = try FeedbackDirectory.load(configuration, log: log)
        for warning in log.warnings { configuration.logger.warning("\(warning)") }
        directory = DirectoryHolder(loaded)
        store = try FeedbackStore(path: configuration.databasePath)
        consoleTheme = try ConsoleTheme(overrides: configuration.consoleTemplateFolders)
    }

    /// The same over a store opened already (`portico serve --db postgres://…`).
    public init(_ configuration: ServerConfiguration, store: any PorticoStore) throws {
        self.configuration = configuration
        let log = DiagnosticLog()
        let loaded = try FeedbackDirectory.load(configuration, log: log)
        for warning in log.warnings { configuration.logger.warning("\(warning)") }
        directory = DirectoryHolder(loaded)
        self.store = store
        consoleTheme = try ConsoleTheme(overrides: configuration.consoleTemplateFolders)
    }

    init(configuration: ServerConfiguration, directory: DirectoryHolder, store: any PorticoStore) throws {
        self.configuration = configuration
        self.directory = directory
        self.store = store
        consoleTheme = try ConsoleTheme(overrides: configuration.consoleTemplateFolders)
    }

    /// hummingbird-auth's session storage over the database: an HttpOnly, SameSite=Strict cookie for /console.
    public var consoleSessions: SessionStorage<ConsoleSession> {
        SessionStorage(StoredSessions(store: store, clock: configuration.clock), configuration: SessionStorageConfiguration(
            sessionCookieParameters: SessionCookieParameters(name: "portico_console", path: "/console",
                                                             secure: configuration.consoleSecureCookies, sameSite: .strict),
            keyPrefix: "console."))
    }

    public func router() -> Router<FeedbackRequestContext> { router(readers: readerEndpoints()) }

    /// The controllers of the readers' POSTs, made once per application: the routes and the event loop's path
    /// (`eventLoopRoutes`) share them, and so share their limits.
    func readerEndpoints() -> ReaderEndpoints { ReaderEndpoints(gate: ReaderGate(configuration: configuration, directory: directory), store: store) }

    func router(readers: ReaderEndpoints) -> Router<FeedbackRequestContext> {
        let router = Router(context: FeedbackRequestContext.self)
        router.add(middleware: MethodGuard(allowed: [Envelope.path: [.post, .options], Envelope.workshopPath: [.post, .options],
                                                     ReadingEnvelope.path: [.post], Envelope.healthPath: [.get]]))
        router.add(middleware: CORSPolicy(directory: directory))
        let (controller, workshops, engagement) = (readers.feedback, readers.workshops, readers.engagement)
        let directory = self.directory
        router.post(RouterPath(Envelope.path)) { request, context in await controller.submit(request, context: context) }
        router.post(RouterPath(ReadingEnvelope.path)) { request, context in await engagement.record(request, context: context) }
        router.on(RouterPath(Envelope.path), method: .options) { request, _ in CORSPolicy<FeedbackRequestContext>.preflight(request, directory: directory) }
        router.post(RouterPath(Envelope.workshopPath)) { request, context in await workshops.submit(request, context: context) }
        router.on(RouterPath(Envelope.workshopPath), method: .options) { request, _ in
            CORSPolicy<FeedbackRequestContext>.preflight(request, directory: directory)
        }
        ConsoleController(configuration: configuration, directory: directory, store: store, theme: consoleTheme, overview: OverviewCache())
            .register(on: router, sessions: consoleSessions)
        if let site = configuration.siteFolder {
            router.add(middleware: FileMiddleware(site.path, searchForIndexHtml: true))
        }
        router.get(RouterPath(Envelope.healthPath)) { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: #"{"status":"ok"}"#)))
        }
        return router
    }

    public func outboxDeliverer() -> OutboxDeliverer {
        let directory = self.directory
        let override = configuration.webhookURL
        return OutboxDeliverer(store: store, webhook: { override ?? directory.current.portal.feedback.webhook.flatMap(URL.init(string:)) },
                               secret: configuration.webhookSecret, client: configuration.webhookClient, pollInterval: configuration.outboxPollInterval,
                               clock: configuration.clock, logger: Logger(label: "portico.outbox"))
    }
}

extension FeedbackServer {
    /// The POSTs `EventLoopIngestHandler` answers itself, through the same controllers as their routes.
    func eventLoopRoutes(_ readers: ReaderEndpoints) -> [EventLoopIngestHandler.Route] {
        let (feedback, engagement) = (readers.feedback, readers.engagement)
        return [
            .init(path: Envelope.path, maxBodyBytes: configuration.maxBodyBytes) { feedback.submit(body: $0, headers: $1, peer: $2, answer: $3) },
            .init(path: ReadingEnvelope.path, maxBodyBytes: ReadingEnvelope.maxBodyBytes) { engagement.record(body: $0, headers: $1, peer: $2, answer: $3) },
        ]
    }

    public func readingRetention() -> ReadingRetention {
        let directory = self.directory
        return ReadingRetention(store: store, retentionDays: { directory.current.portal.engagement.retentionDays },
                                clockSkew: configuration.clockSkew, interval: configuration.retentionInterval, clock: configuration.clock)
    }
}

/// The feedback server as a Hummingbird application; tests build exactly this.
public func buildApplication(_ configuration: ServerConfiguration) throws -> some ApplicationProtocol {
    try buildApplication(server: FeedbackServer(configuration))
}

public func buildApplication(server: FeedbackServer) -> some ApplicationProtocol {
    let serverName = "portico"
    let configuration = server.configuration
    var services: [any Service] = [server.outboxDeliverer(), server.readingRetention()]
    if configuration.reloadOnHangup { services.append(HangupReloader { server.reload() }) }
    let onListening = configuration.onListening
    let readers = server.readerEndpoints()
    let routes = configuration.eventLoopIngest ? server.eventLoopRoutes(readers) : []
    let (directory, onAnswer) = (server.directory, configuration.onEventLoopAnswer)
    @Sendable func handlers() -> [any RemovableChannelHandler] {
        routes.isEmpty ? [] : [EventLoopIngestHandler(routes: routes, directory: directory, serverName: serverName, onAnswer: onAnswer)]
    }
    let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: handlers())
    return Application(
        router: server.router(readers: readers),
        server: .http1(configuration: http1),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: configuration.logger)
}
