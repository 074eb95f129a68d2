import Foundation
import Logging
import PorticoCore
import PorticoGate

/// Everything `buildApplication` needs; `portico serve` fills it from its options, tests from fixtures.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var contentRoot: URL
    public var secret: PortalSecret
    public var databasePath: String
    public var maxBodyBytes = 16 * 1024
    public var clockSkew = Envelope.defaultClockSkew
    public var viewerLimit = RateLimit(burst: 10, per: 60)
    public var addressLimit = RateLimit(burst: 60, per: 60)
    /// Reload `content/` on SIGHUP (the CLI turns it on; tests reload by hand).
    public var reloadOnHangup = false
    public var webhookClient: any WebhookClient = URLSessionWebhookClient()
    public var outboxPollInterval: Duration = .seconds(1)
    public var clock: @Sendable () -> Date = { Date() }
    public var today: @Sendable () -> Day = { Day.today() }
    public var logger = Logger(label: "portico.serve")
    /// Called with the bound port once listening (the CLI prints it; `--port 0` picks a free one).
    public var onListening: @Sendable (Int) async -> Void = { _ in }

    public init(host: String = "127.0.0.1", port: Int = 8099, contentRoot: URL, secret: PortalSecret, databasePath: String) {
        self.host = host
        self.port = port
        self.contentRoot = contentRoot
        self.secret = secret
        self.databasePath = databasePath
    }
}

public struct ContentProblems: Error, CustomStringConvertible {
    public var diagnostics: [Diagnostic]
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
