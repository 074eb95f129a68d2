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

    public func router() -> Router<FeedbackRequestContext> { router(gate: ReaderGate(configuration: configuration, directory: directory)) }

    /// The routes, all behind `gate`: one gate for every signed endpoint, so junk sent to any of them counts against
    /// the same sender's address.
    func router(gate: ReaderGate) -> Router<FeedbackRequestContext> {
        let router = Router(context: FeedbackRequestContext.self)
        router.add(middleware: MethodGuard(allowed: [Envelope.path: [.post, .options], Envelope.workshopPath: [.post, .options],
                                                     ReadingEnvelope.path: [.post], Envelope.healthPath: [.get]]))
        router.add(middleware: CORSPolicy(directory: directory))
        let controller = FeedbackController(gate: gate, store: store)
        let workshops = WorkshopController(gate: gate, store: store)
        let engagement = EngagementController(gate: gate, store: store)
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
    let gate = ReaderGate(configuration: configuration, directory: server.directory)
    // The event-loop path shares the routes' gate, so its limits and theirs are one.
    let feedback = FeedbackController(gate: gate, store: server.store)
    let directory = server.directory
    let eventLoopIngest = configuration.eventLoopIngest
    let (maxBodyBytes, onAnswer) = (configuration.maxBodyBytes, configuration.onEventLoopAnswer)
    @Sendable func handlers() -> [any RemovableChannelHandler] {
        guard eventLoopIngest else { return [] }
        return [EventLoopFeedbackHandler(controller: feedback, directory: directory, serverName: serverName, maxBodyBytes: maxBodyBytes,
                                         onAnswer: onAnswer)]
    }
    let http1 = HTTP1Channel.Configuration(additionalChannelHandlers: handlers())
    return Application(
        router: server.router(gate: gate),
        server: .http1(configuration: http1),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
        services: services,
        onServerRunning: { channel in await onListening(channel.localAddress?.port ?? configuration.port) },
        logger: configuration.logger)
}
