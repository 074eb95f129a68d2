import Foundation
import Logging
import ServiceLifecycle

/// Delivers the outbox to `feedback.webhook`: oldest first, signed per Standard Webhooks, each failure
/// retried later with exponential backoff, forever. Entries live in the database, so a restart resumes
/// where it stopped. Without a signing secret nothing is sent: entries wait.
public struct OutboxDeliverer: Service {
    let store: any PorticoStore
    let webhook: @Sendable () -> URL?
    let secret: WebhookSecret?
    let client: any WebhookClient
    let pollInterval: Duration
    let clock: @Sendable () -> Date
    let logger: Logger

    public init(store: any PorticoStore, webhook: @escaping @Sendable () -> URL?, secret: WebhookSecret?, client: any WebhookClient,
                pollInterval: Duration = .seconds(1), clock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "portico.outbox")) {
        self.store = store
        self.webhook = webhook
        self.secret = secret
        self.client = client
        self.pollInterval = pollInterval
        self.clock = clock
        self.logger = logger
    }

    /// Seconds to wait after the n-th failed attempt: 5, 10, 20 … capped at an hour.
    public static func backoff(afterAttempts attempts: Int) -> TimeInterval {
        min(3600, 5 * pow(2, Double(max(0, attempts - 1))))
    }

    /// Stops at graceful shutdown (SIGTERM) between deliveries; what is left waits in the database.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do { _ = try await deliverDue() } catch { logger.error("outbox: \(error)") }
                do { try await Task.sleep(for: pollInterval) } catch { return } // cancelled: shutting down
            }
        }
    }

    /// One pass over the entries that are due; returns how many were delivered.
    @discardableResult
    public func deliverDue() async throws -> Int {
        guard let url = webhook() else { return 0 }
        guard let secret else {
            logger.error("outbox: a webhook is set but PORTICO_WEBHOOK_SECRET is not; deliveries wait until it is")
            return 0
        }
        var delivered = 0
        for entry in try await store.dueNotifications(at: clock(), limit: 50) {
            do {
                let body = Data(entry.payload.utf8)
                let headers = secret.headers(id: "portico-\(entry.id)", timestamp: clock(), body: body)
                try await client.post(body, to: url, headers: headers)
                try await store.markDelivered(entry.id, at: clock())
                delivered += 1
            } catch {
                let retry = clock().addingTimeInterval(Self.backoff(afterAttempts: entry.attempts + 1))
                logger.warning("outbox: delivery \(entry.id) failed (attempt \(entry.attempts + 1)): \(error); retrying at \(retry)")
                try await store.markFailed(entry.id, error: String(describing: error), retryAt: retry)
            }
        }
        return delivered
    }
}
