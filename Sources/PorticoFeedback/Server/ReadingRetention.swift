import Foundation
import Logging
import ServiceLifecycle

/// Enforces `engagement.retention_days`: at start and then every `interval`, deletes reading events whose view
/// started longer ago, and replay-guard rows past the window in which their batch could still be accepted.
public struct ReadingRetention: Service {
    let store: any PorticoStore
    let retentionDays: @Sendable () -> Int
    let clockSkew: Int
    let interval: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(store: any PorticoStore, retentionDays: @escaping @Sendable () -> Int, clockSkew: Int, interval: Duration,
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "portico.retention")) {
        self.store = store
        self.retentionDays = retentionDays
        self.clockSkew = clockSkew
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { try await prune() } catch { logger.error("retention: \(error)") }
                do { try await Task.sleep(for: interval) } catch { return }
            }
        }
    }

    /// One pass. A batch is accepted only while its timestamp is within `clockSkew` of the server's clock, so its
    /// nonce matters for at most twice that after it was received.
    @discardableResult
    public func prune() async throws -> (events: Int, batches: Int) {
        let now = clock()
        let removed = try await store.pruneReading(startedBefore: now.addingTimeInterval(-Double(retentionDays()) * 86_400),
                                                   batchesReceivedBefore: now.addingTimeInterval(-Double(2 * clockSkew + 60)))
        if removed.events > 0 { logger.info("retention: deleted \(removed.events) reading events older than \(retentionDays()) days") }
        return removed
    }
}
