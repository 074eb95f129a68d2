import ArgumentParser
import Foundation
import Hummingbird
import PorticoCore
import PorticoFeedback
import PorticoGate

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the feedback server (POST /v1/feedback, GET /healthz).",
        discussion: "Reloads content/ on SIGHUP. Stops cleanly on SIGINT/SIGTERM. The contract is site/_portico/feedback.openapi.yaml.")

    @OptionGroup var project: ProjectOptions
    @Option(name: .long, help: "Address to listen on.") var host = "127.0.0.1"
    @Option(name: .long, help: "Port to listen on (0 picks a free one; the chosen port is printed).") var port = 8099
    @Option(name: .customLong("db"), help: "The SQLite database (default: feedback.sqlite beside the content folder).") var dbOption: String?
    var db: String { project.database(dbOption) }
    @Option(name: .customLong("max-body"), help: "Largest accepted body, in bytes.") var maxBody = 16 * 1024
    @Option(name: .customLong("viewer-limit"), help: "Submissions per viewer per minute.") var viewerLimit = 10
    @Option(name: .customLong("ip-limit"), help: "Requests per client address per minute.") var ipLimit = 60

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0–65535") }
        guard maxBody > 0, viewerLimit > 0, ipLimit > 0 else { throw ValidationError("--max-body and the limits must be positive") }
    }

    func run() async throws {
        let secret: PortalSecret
        do { secret = try PortalSecret.load(project: project.projectURL) } catch {
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
        var configuration = ServerConfiguration(host: host, port: port, contentRoot: project.contentURL, secret: secret, databasePath: db)
        configuration.maxBodyBytes = maxBody
        configuration.viewerLimit = RateLimit(burst: viewerLimit, per: 60)
        configuration.addressLimit = RateLimit(burst: ipLimit, per: 60)
        configuration.reloadOnHangup = true
        let host = self.host
        configuration.onListening = { port in
            // Written straight to the descriptor, unbuffered: scripts wait for this line.
            FileHandle.standardOutput.write(Data("Listening on http://\(host):\(port)\n".utf8))
        }
        let server: FeedbackServer
        do { server = try FeedbackServer(configuration) } catch let problems as ContentProblems {
            Terminal.print(problems.diagnostics, contentFolder: project.contentURL)
            Terminal.error("error: \(project.content) has errors; fix them before serving")
            throw Exit.contentErrors
        } catch {
            Terminal.error("error: cannot open \(db): \(error)")
            throw Exit.contentErrors
        }
        do { try await buildApplication(server: server).runService() } catch {
            Terminal.error("internal error: \(error)")
            throw Exit.internalError
        }
    }
}
