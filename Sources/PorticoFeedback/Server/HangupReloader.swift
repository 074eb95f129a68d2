import Foundation
import Logging
import PorticoCore
import ServiceLifecycle

/// Reloads `content/` on SIGHUP (viewers revoked or added, pages changed) without a restart.
/// A content folder with errors is reported and the previous one kept.
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
    /// Loads content again; keeps the current directory when the new one has errors. Returns the problems.
    @discardableResult
    public func reload() -> [Diagnostic] {
        let log = DiagnosticLog()
        let fresh = FeedbackDirectory.load(contentRoot: configuration.contentRoot, secret: configuration.secret, today: configuration.today(), log: log)
        if log.hasErrors {
            configuration.logger.error("reload: content has errors; keeping the previous content\n\(log.errors.map(\.description).joined(separator: "\n"))")
            return log.errors
        }
        directory.replace(with: fresh)
        configuration.logger.info("reload: \(fresh.accounts.count) accounts")
        return []
    }
}
