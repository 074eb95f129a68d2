import Foundation
import HTTPTypes
import Logging
import PorticoCore
import PorticoGate

/// Everything `buildApplication` needs; `portico serve` fills it from its options, tests from fixtures.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var contentRoot: URL
    /// The build's `.portico/server-keys`: proof keys, paths and viewer standing. The server never sees the secret.
    public var serverKeysFile: URL
    public var databasePath: String
    public var maxBodyBytes = 16 * 1024
    public var clockSkew = Envelope.defaultClockSkew
    public var viewerLimit = RateLimit(burst: 10, per: 60)
    /// Charged only by requests that fail (a wrong proof, a malformed body): valid readers never share it.
    public var addressLimit = RateLimit(burst: 60, per: 60)
    /// Reading batches per viewer (`POST /v1/engagement`), apart from feedback's: a reader switching tabs sends one each time.
    public var readingViewerLimit = RateLimit(burst: 60, per: 60)
    /// How often reading events past `engagement.retention_days` are deleted (also once at start).
    public var retentionInterval: Duration = .seconds(3600)
    /// Peers whose forwarding header names the client (`--trusted-proxy`); from anyone else it is ignored.
    public var trustedProxies: [AddressRange] = []
    public var forwardingHeader: ForwardingHeader = .xForwardedFor
    /// Standard Webhooks signing secret (`whsec_…`); deliveries wait while a webhook is set and this is not.
    public var webhookSecret: WebhookSecret?
    /// Overrides `feedback.webhook` of portal.yml (so the URL need not sit in git).
    public var webhookURL: URL?
    /// Console cookies are `Secure` and POSTs must come from an https origin: set when the server is reached over
    /// https (the CLI sets it when `feedback.endpoint` is https).
    public var consoleSecureCookies = false
    /// Folders whose `console/` overrides the default theme's console templates (`serve --templates`).
    public var consoleTemplateFolders: [URL] = []
    /// A built site served at `/` beside the endpoints (`serve --site`, for demos on one port).
    public var siteFolder: URL?
    /// Reload `content/` and the server key file on SIGHUP (the CLI turns it on; tests reload by hand).
    public var reloadOnHangup = false
    /// `POST /v1/feedback` and `/v1/engagement` answered on the connection's event loop when the request can be taken
    /// whole (the same checks and answers, a quarter less CPU; docs/design/ingest-event-loop.md). Off: every request
    /// goes through Hummingbird's routes (`serve --no-event-loop-ingest`).
    public var eventLoopIngest = true
    /// Called with the status of each answer the event loop's path writes, just before writing it (tests count them).
    public var onEventLoopAnswer: @Sendable (HTTPResponse.Status) -> Void = { _ in }
    public var webhookClient: any WebhookClient = URLSessionWebhookClient()
    public var outboxPollInterval: Duration = .seconds(1)
    public var clock: @Sendable () -> Date = { Date() }
    /// Asked on every signed request: PORTICO_TODAY is read once, and the UTC day comes from the clock's seconds
    /// (`Day.today()` copies the environment and builds a Calendar each time; bench/RESULTS.md,
    /// "What the shortcuts in the source save").
    public var today: @Sendable () -> Day = {
        let pinned = ProcessInfo.processInfo.environment["PORTICO_TODAY"].flatMap(Day.init)
        return { pinned ?? Day(ordinal: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down))) }
    }()
    public var logger = Logger(label: "portico.serve")
    /// Called with the bound port once listening (the CLI prints it; `--port 0` picks a free one).
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    public init(host: String = "127.0.0.1", port: Int = 8099, contentRoot: URL, serverKeysFile: URL, databasePath: String) {
        self.host = host
        self.port = port
        self.contentRoot = contentRoot
        self.serverKeysFile = serverKeysFile
        self.databasePath = databasePath
    }
}

public struct ContentProblems: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

extension FeedbackDirectory {
    /// The server key file, then content/: errors in either throw, warnings go to `log`.
    static func load(_ configuration: ServerConfiguration, log: DiagnosticLog) throws -> FeedbackDirectory {
        let keys = try ServerKeyFile.read(configuration.serverKeysFile)
        let directory = load(contentRoot: configuration.contentRoot, serverKeys: keys, log: log)
        if log.hasErrors { throw ContentProblems(diagnostics: log.errors) }
        return directory
    }
}
