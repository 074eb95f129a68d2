import Foundation
import PorticoCore
import Testing
@testable import PorticoFeedback

/// A webhook receiver that fails a set number of times, then accepts.
final class FlakyWebhook: WebhookClient, Sendable {
    private struct State {
        var failuresLeft: Int
        var received: [(id: String, body: Data)] = []
    }
    private let state: Locked<State>

    init(failures: Int) { state = Locked(State(failuresLeft: failures)) }

    func post(_ body: Data, to url: URL, headers: [(name: String, value: String)]) async throws {
        try state.withLock { state in
            if state.failuresLeft > 0 {
                state.failuresLeft -= 1
                throw WebhookFailure(description: "HTTP 503")
            }
            state.received.append((headers.first { $0.name == "webhook-id" }?.value ?? "", body))
        }
    }

    var deliveries: [(id: String, body: Data)] { state.current.received }
}

final class Clock: Sendable {
    private let value: Locked<Date>
    init(_ start: Date) { value = Locked(start) }
    var now: Date { value.current }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

@Suite struct OutboxTests {
    func storeOne(_ store: FeedbackStore, nonce: String = Fixture.freshNonce()) async throws -> Int64 {
        let submission = Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: "alice",
                                    timestamp: 1, nonce: nonce, fields: ["message": .string("hi")])
        let new = NewSubmission(receivedAt: Fixture.now, accountSlug: "acme", submission: submission, body: Data("{}".utf8),
                                sme: .init(name: "Ada Lovelace", email: "ada@vendor.example"))
        return try await store.insert(new) { Notification.payload(id: $0, accountSlug: "acme", new: new) }
    }

    static let secret = try! WebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")

    func deliverer(_ store: FeedbackStore, _ client: any WebhookClient, _ clock: Clock, webhook: URL? = URL(string: "http://hooks.example/x"),
                   secret: WebhookSecret? = secret) -> OutboxDeliverer {
        OutboxDeliverer(store: store, webhook: { webhook }, secret: secret, client: client, clock: { clock.now })
    }

    @Test func retriesAFailedDeliveryWithBackoffAcrossARestart() async throws {
        let path = Fixture.databasePath()
        let clock = Clock(Fixture.now)
        let client = FlakyWebhook(failures: 2)
        let id = try await storeOne(try FeedbackStore(path: path))

        #expect(try await deliverer(try FeedbackStore(path: path), client, clock).deliverDue() == 0)
        #expect(try await deliverer(try FeedbackStore(path: path), client, clock).deliverDue() == 0, "not due before the backoff")
        clock.advance(OutboxDeliverer.backoff(afterAttempts: 1))
        // a "restart": a fresh store on the same file still has the entry
        #expect(try await deliverer(try FeedbackStore(path: path), client, clock).deliverDue() == 0)
        clock.advance(OutboxDeliverer.backoff(afterAttempts: 2))
        #expect(try await deliverer(try FeedbackStore(path: path), client, clock).deliverDue() == 1)
        #expect(try await FeedbackStore(path: path).outboxCounts() == (pending: 0, delivered: 1))

        let delivery = try #require(client.deliveries.first)
        let payload = try JSONValue.parse(delivery.body)
        guard case .object(let object) = payload else { Issue.record("payload is not an object"); return }
        #expect(object["id"] == .integer(id))
        #expect(object["account"] == .string("acme"))
        #expect(object["received_at"] == .string("2025-06-01T00:00:00Z"))
        #expect(object["sme"] == .object(["name": .string("Ada Lovelace"), "email": .string("ada@vendor.example")]))
    }

    @Test func keepsEntriesWhileNoWebhookIsConfigured() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        _ = try await storeOne(store)
        let client = FlakyWebhook(failures: 0)
        #expect(try await deliverer(store, client, Clock(Fixture.now), webhook: nil).deliverDue() == 0)
        #expect(try await store.outboxCounts() == (pending: 1, delivered: 0))
    }

    @Test func sendsNothingUnsignedWhileTheSecretIsMissing() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        _ = try await storeOne(store)
        let client = FlakyWebhook(failures: 0)
        #expect(try await deliverer(store, client, Clock(Fixture.now), secret: nil).deliverDue() == 0)
        #expect(client.deliveries.isEmpty)
        #expect(try await store.outboxCounts() == (pending: 1, delivered: 0))
        #expect(try await deliverer(store, client, Clock(Fixture.now)).deliverDue() == 1)
        #expect(client.deliveries.map(\.id) == ["portico-1"], "the id the receiver deduplicates by")
    }

    /// The example of the Standard Webhooks reference libraries' tests (github.com/standard-webhooks).
    @Test func signsAsTheStandardWebhooksExample() throws {
        let headers = Self.secret.headers(id: "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp: Date(timeIntervalSince1970: 1_614_265_330),
                                          body: Data(#"{"test": 2432232314}"#.utf8))
        #expect(headers.map(\.name) == ["webhook-id", "webhook-timestamp", "webhook-signature"])
        #expect(headers[1].value == "1614265330")
        #expect(headers[2].value == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=")
    }

    @Test func refusesASecretThatIsNotWhsec() {
        #expect(throws: WebhookSecretError.self) { try WebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") }
        #expect(throws: WebhookSecretError.self) { try WebhookSecret("whsec_not base64!") }
        #expect(throws: WebhookSecretError.self) { try WebhookSecret("whsec_AAAA") }
    }

    @Test func backoffDoublesAndIsCapped() {
        #expect(OutboxDeliverer.backoff(afterAttempts: 1) == 5)
        #expect(OutboxDeliverer.backoff(afterAttempts: 2) == 10)
        #expect(OutboxDeliverer.backoff(afterAttempts: 30) == 3600)
    }
}
