import ArgumentParser
import Foundation
import Hummingbird
import PorticoCore
import PorticoFeedback
import PorticoGate

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the feedback server (POST /v1/feedback, POST /v1/engagement, GET /healthz).",
        discussion: """
            Needs no portal secret: it reads the key file every build writes (.portico/server-keys), which verifies \
            readers' proofs but opens no page. Reloads the key file and content/ on SIGHUP. On SIGTERM or SIGINT it \
            stops accepting, finishes the requests in flight and exits 0. Webhook deliveries are signed with \
            PORTICO_WEBHOOK_SECRET (Standard Webhooks); PORTICO_WEBHOOK_URL overrides portal.yml's feedback.webhook. \
            The contract is site/_portico/feedback.openapi.yaml.
            """)

    @OptionGroup var project: ProjectOptions
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port to listen on (0 picks a free one; the chosen port is printed).") var port = 8099
    @Option(name: .customLong("db"), help: ArgumentHelp(
        "The database: a SQLite file (PATH or sqlite:PATH; default: feedback.sqlite beside the content folder) or postgres://user@host:port/database.",
        discussion: "Missing migrations are applied at start; a database migrated by a newer portico is refused (docs/postgres.md)."))
    var dbOption: String?
    var db: String { project.database(dbOption) }
    @Option(name: .customLong("server-keys"), help: "The key file `portico build` writes (default: .portico/server-keys).")
    var serverKeys: String?
    @Option(name: .long, help: "Submissions per viewer per minute.") var viewerLimit = 10
    @Option(name: .customLong("reading-limit"), help: "Reading-signal batches per viewer per minute (docs/engagement.md).") var readingLimit = 60
    @Option(name: .customLong("ip-limit"), help: "Failed requests (wrong proof, malformed) per client address per minute.") var ipLimit = 60
    @Option(name: .customLong("max-body"), help: "Largest accepted body, in bytes.") var maxBody = 16 * 1024
    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "A proxy (CIDR or address, IPv4 or IPv6) whose forwarding header names the client; repeatable.",
        discussion: "From any other peer the header is ignored. The client is the rightmost hop that is not itself trusted."))
    var trustedProxies: [String] = []
    @Option(name: .customLong("templates"), help: "A theme folder whose console/ overrides the console's templates, strings or stylesheet.")
    var templates: String?
    @Option(name: .customLong("site"), help: "Also serve this built site folder at / (for local demos; publish to a static host in production).")
    var site: String?
    @Option(name: .customLong("forwarded-header"), help: "The header the trusted proxy sets: x-forwarded-for or forwarded (RFC 7239).")
    var forwardedHeader = "x-forwarded-for"
    @Flag(name: .customLong("no-event-loop-ingest"), help: ArgumentHelp(
        "Answer POST /v1/feedback and /v1/engagement through Hummingbird's routes only, not on the event loop.",
        discussion: "The same checks and answers either way; the event loop's path costs a quarter less CPU (docs/design/ingest-event-loop.md)."))
    var noEventLoopIngest = false

    func validate() throws {
        do { _ = try StoreLocation(db) } catch { throw ValidationError("--db: \(error)") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxBody > 0, viewerLimit > 0, ipLimit > 0, readingLimit > 0 else { throw ValidationError("--max-body and the limits must be positive") }
        for proxy in trustedProxies where AddressRange(proxy) == nil {
            throw ValidationError("--trusted-proxy \(proxy) is not an address or CIDR range (like 10.0.0.0/8, 127.0.0.1 or ::1/128)")
        }
        guard ForwardingHeader(rawValue: forwardedHeader.lowercased()) != nil else {
            throw ValidationError("--forwarded-header must be x-forwarded-for or forwarded")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        if environment["PORTICO_SECRET"].map({ !$0.isEmpty }) == true {
            // Never read: the point of the key file is that this internet-facing process cannot open the portal.
            Terminal.error("warning: PORTICO_SECRET is set but serve never reads it; unset it in the server's environment")
        }
        let keysFile = serverKeys.map { URL(fileURLWithPath: $0) } ?? ServerKeyFile.defaultLocation(project: project.projectURL)
        let location = try StoreLocation(db)
        let databasePath = if case .sqlite(let path) = location { path } else { db }
        var configuration = ServerConfiguration(host: host, port: port, contentRoot: project.contentURL, serverKeysFile: keysFile, databasePath: databasePath)
        configuration.maxBodyBytes = maxBody
        configuration.viewerLimit = RateLimit(burst: viewerLimit, per: 60)
        configuration.readingViewerLimit = RateLimit(burst: readingLimit, per: 60)
        configuration.addressLimit = RateLimit(burst: ipLimit, per: 60)
        configuration.trustedProxies = trustedProxies.compactMap(AddressRange.init)
        configuration.forwardingHeader = ForwardingHeader(rawValue: forwardedHeader.lowercased()) ?? .xForwardedFor
        configuration.reloadOnHangup = true
        configuration.eventLoopIngest = !noEventLoopIngest
        let (portal, _) = ContentLoader(root: project.contentURL).loadConfigOnly()
        configuration.consoleSecureCookies = ConsoleAddress.isSecure(portal)
        configuration.consoleTemplateFolders = templates.map { [URL(fileURLWithPath: $0)] } ?? []
        if let site {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: site, isDirectory: &isFolder), isFolder.boolValue else {
                Terminal.error("error: --site \(site) is not a folder; build the site first (portico build --out \(site))")
                throw Exit.contentErrors
            }
            configuration.siteFolder = URL(fileURLWithPath: site)
        }
        do { try configureWebhook(&configuration, environment: environment) } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
        let host = self.host
        configuration.onListening = { port in
            // Written straight to the descriptor, unbuffered: scripts wait for this line.
            FileHandle.standardOutput.write(Data("Listening on http://\(host):\(port)\n".utf8))
        }
        let store: any PorticoStore
        do { store = try await location.open() } catch {
            Terminal.error("error: cannot open \(location): \(error)")
            throw Exit.contentErrors
        }
        let server: FeedbackServer
        do { server = try FeedbackServer(configuration, store: store) } catch let problems as ContentProblems {
            await store.close()
            Terminal.print(problems.diagnostics, contentFolder: project.contentURL)
            Terminal.error("error: \(project.content) has errors; fix them before serving")
            throw Exit.contentErrors
        } catch let problem as ServerKeyFileError {
            await store.close()
            Terminal.error("error: \(problem)")
            throw Exit.contentErrors
        } catch let problem as ConsoleTheme.LoadError {
            await store.close()
            Terminal.error("error: \(problem)")
            throw Exit.contentErrors
        } catch {
            await store.close()
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
        do { try await buildApplication(server: server).runService() } catch {
            await store.close()
            Terminal.error("internal error: \(error)")
            throw Exit.internalError
        }
        await store.close()
    }

    /// PORTICO_WEBHOOK_SECRET signs; PORTICO_WEBHOOK_URL, when set, replaces portal.yml's URL. A webhook without
    /// a secret is refused: unsigned deliveries are what this replaces.
    private func configureWebhook(_ configuration: inout ServerConfiguration, environment: [String: String]) throws {
        if let text = environment["PORTICO_WEBHOOK_URL"], !text.isEmpty {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
                throw ValidationError("PORTICO_WEBHOOK_URL is not an http(s) URL: \(text)")
            }
            configuration.webhookURL = url
        }
        if let text = environment["PORTICO_WEBHOOK_SECRET"], !text.isEmpty {
            do { configuration.webhookSecret = try WebhookSecret(text) } catch {
                throw ValidationError("PORTICO_WEBHOOK_SECRET: \(error)")
            }
        }
        let (portal, _) = ContentLoader(root: project.contentURL).loadConfigOnly()
        if configuration.webhookSecret == nil, configuration.webhookURL != nil || portal.feedback.webhook != nil {
            throw ValidationError("a webhook is configured but PORTICO_WEBHOOK_SECRET is not set; deliveries are signed "
                                  + "(Standard Webhooks): set it to a whsec_ secret shared with the receiver")
        }
    }
}
