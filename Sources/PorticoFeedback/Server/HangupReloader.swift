import Foundation
import Logging
import PorticoCore
import ServiceLifecycle

/// Reloads the server key file and `content/` on SIGHUP (viewers revoked or added, pages changed)
/// without a restart. A key file or content folder with errors is logged and the previous one kept.
struct HangupReloader: Service {
    let reload: @Sendable () -> Void

    func run() async throws {
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler(handler: reload)
        source.resume()
        try? await gracefulShutdown()
        source.cancel()
    }
}

extension FeedbackServer {
    /// Loads the key file and content again; keeps the current directory when either has errors. Returns the problems.
    @discardableResult
    public func reload() -> [String] {
        let log = DiagnosticLog()
        let fresh: FeedbackDirectory
        do { fresh = try FeedbackDirectory.load(configuration, log: log) } catch {
            let problems = (error as? ContentProblems)?.diagnostics.map(\.description) ?? ["\(error)"]
            configuration.logger.error("reload: keeping the previous keys and content: \(problems.joined(separator: "\n"))")
            return problems
        }
        for warning in log.warnings { configuration.logger.warning("reload: \(warning)") }
        directory.replace(with: fresh)
        configuration.logger.info("reload: \(fresh.accounts.count) accounts")
        return []
    }
}
