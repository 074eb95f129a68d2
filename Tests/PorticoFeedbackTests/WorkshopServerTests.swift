import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoCore
import PorticoGate
import Testing
@testable import PorticoFeedback

/// `POST /v1/workshop` against the real application: the request that is stored, and every attack refused.
@Suite struct WorkshopServerTests {
    static let endpoint = "/v1/workshop"
    static let feedbackOnly = #"{"message":"hi"}"#
    static let goodFields = #"{"topic":"Cloud costs","preferred_weeks":"weeks 24-26","participants":12,"notes":"Remote is fine"}"#

    func withServer(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ test: @escaping @Sendable (any TestClientProtocol, FeedbackStore) async throws -> Void) async throws {
        let configuration = Fixture.configuration(configure: configure)
        let app = try buildApplication(configuration)
        let store = try FeedbackStore(path: configuration.databasePath)
        try await app.test(.router) { client in try await test(client, store) }
    }

    func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields? = nil, to uri: String = Self.endpoint) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .post, headers: headers ?? Fixture.headers(for: body), body: ByteBuffer(string: body))
    }

    func body(page: String = "insights/cloud-costs/index.html", nonce: String = Fixture.freshNonce(), fields: String = Self.goodFields) -> String {
        Fixture.body(page: page, nonce: nonce, fields: fields)
    }

    /// The problem's `field`, after checking the status and that nothing was stored.
    func refused(_ response: TestResponse, _ status: HTTPResponse.Status, _ store: FeedbackStore) throws -> String? {
        #expect(response.status == status)
        #expect(response.headers[.contentType] == "application/problem+json")
        #expect(try store.workshopRequests().isEmpty)
        let problem = try JSONValue.parse(Data(buffer: response.body))
        guard case .object(let object) = problem, case .string(let field)? = object["field"] else { return nil }
        return field
    }

    @Test func storesARoutedRequestBeforeAnswering201() async throws {
        try await withServer { client, store async throws in
            let response = try await post(client, body(page: "solutions/payments-hub/index.html"))
            #expect(response.status == .created)
            let receipt = try JSONValue.parse(Data(buffer: response.body))
            let stored = try store.workshopRequests()
            #expect(stored.count == 1)
            #expect(receipt == .object(["id": .integer(stored[0].id), "status": .string("received")]))
            let request = stored[0]
            #expect(request.state == .requested && request.accountSlug == "acme" && request.viewer == "alice")
            #expect(request.topic == "Cloud costs" && request.preferredWeeks == "weeks 24-26" && request.participants == 12 && request.notes == "Remote is fine")
            #expect(request.smeName == "Grace Hopper", "the SME whose topics match the page's tags")
            #expect(try store.history(.workshop, id: request.id).map { "\($0.actor) \($0.action)" } == ["reader created"])
            #expect(try await store.outboxCounts().pending == 1)
            #expect(try store.submissions().isEmpty)
        }
    }

    @Test func acceptsTheHomePageAndRoutesToTheAccountsFirstSME() async throws {
        try await withServer { client, store async throws in
            #expect(try await post(client, body(page: "index.html", fields: #"{"topic":"Anything","participants":1}"#)).status == .created)
            #expect(try await post(client, body(page: "zh-CN/index.html", fields: #"{"topic":"任何","participants":200}"#)).status == .created)
            #expect(try store.workshopRequests().map(\.smeName) == ["Ada Lovelace", "Ada Lovelace"])
            #expect(try store.workshopRequests().map(\.preferredWeeks) == ["", ""])
        }
    }

    @Test func rejectsAWrongProof() async throws {
        try await withServer { client, store async throws in
            let signed = body()
            #expect(try refused(try await post(client, signed, headers: Fixture.headers(for: signed, viewer: "bob")), .unauthorized, store)
                == Envelope.proofHeader)
            #expect(try refused(try await post(client, signed, headers: Fixture.headers(for: body())), .unauthorized, store) == Envelope.proofHeader)
            #expect(try refused(try await post(client, signed, headers: [.contentType: "application/json"]), .unauthorized, store) == Envelope.proofHeader)
        }
    }

    @Test func rejectsAPageOfAnotherAccount() async throws {
        try await withServer { client, store async throws in
            // beta's only article, signed by acme's alice
            #expect(try refused(try await post(client, body(page: "insights/welcome/index.html")), .unprocessableContent, store) == "page")
            #expect(try refused(try await post(client, body(page: "about/index.html")), .unprocessableContent, store) == "page")
            #expect(try refused(try await post(client, body(page: "fr/index.html")), .unprocessableContent, store) == "page")
            // the account's locale is en: its English home is index.html, not en/index.html
            #expect(try refused(try await post(client, body(page: "en/index.html")), .unprocessableContent, store) == "page")
        }
    }

    @Test func rejectsAReplayOnEitherEndpoint() async throws {
        try await withServer { client, store async throws in
            let signed = body()
            #expect(try await post(client, signed).status == .created)
            let replay = try await post(client, signed)
            #expect(replay.status == .conflict)
            #expect(try store.workshopRequests().count == 1)
            // a feedback body's nonce is spent for the workshop endpoint too
            let nonce = Fixture.freshNonce()
            #expect(try await post(client, Fixture.body(nonce: nonce, fields: Self.feedbackOnly), to: "/v1/feedback").status == .created)
            let crossed = body(nonce: nonce)
            #expect(try await post(client, crossed).status == .conflict)
            #expect(try store.workshopRequests().count == 1)
        }
    }

    @Test func rejectsAnOversizedBody() async throws {
        try await withServer({ $0.maxBodyBytes = 1024 }) { client, store async throws in
            let notes = String(repeating: "x", count: 1100)
            let response = try await post(client, body(fields: #"{"topic":"t","participants":3,"notes":"\#(notes)"}"#))
            #expect(try refused(response, .contentTooLarge, store) == "body")
        }
    }

    @Test func rejectsUnknownFields() async throws {
        try await withServer { client, store async throws in
            let extraField = body(fields: #"{"topic":"t","participants":3,"budget":"big"}"#)
            #expect(try refused(try await post(client, extraField), .unprocessableContent, store) == "fields.budget")
            let feedbackField = body(fields: #"{"topic":"t","participants":3,"message":"hi"}"#)
            #expect(try refused(try await post(client, feedbackField), .unprocessableContent, store) == "fields.message")
            let topLevel = String(body().dropLast()) + #","ip":"10.0.0.1"}"#
            #expect(try refused(try await post(client, topLevel), .unprocessableContent, store) == "ip")
        }
    }

    @Test func rejectsParticipantsOutsideOneTo200() async throws {
        try await withServer { client, store async throws in
            for participants in ["0", "201", "-3", "2.5", #""12""#, "true", "null"] {
                let response = try await post(client, body(fields: #"{"topic":"t","participants":\#(participants)}"#))
                #expect(try refused(response, .unprocessableContent, store) == "fields.participants", "participants \(participants)")
            }
            let missing = try await post(client, body(fields: #"{"topic":"t"}"#))
            #expect(try refused(missing, .unprocessableContent, store) == "fields.participants")
        }
    }

    @Test func rejectsAMissingTopicAndOverLongText() async throws {
        try await withServer { client, store async throws in
            #expect(try refused(try await post(client, body(fields: #"{"topic":"","participants":3}"#)), .unprocessableContent, store) == "fields.topic")
            #expect(try refused(try await post(client, body(fields: #"{"participants":3}"#)), .unprocessableContent, store) == "fields.topic")
            let long = String(repeating: "很", count: WorkshopFormLimits.notesMax + 1)
            let response = try await post(client, body(fields: #"{"topic":"t","participants":3,"notes":"\#(long)"}"#))
            #expect(try refused(response, .unprocessableContent, store) == "fields.notes")
        }
    }

    @Test func rejectsAStaleTimestampAndARevokedViewer() async throws {
        try await withServer { client, store async throws in
            let stale = Fixture.body(timestamp: Int(Fixture.now.timeIntervalSince1970) - 301, fields: Self.goodFields)
            #expect(try refused(try await post(client, stale), .unprocessableContent, store) == "timestamp")
            let eve = Fixture.body(viewer: "eve", fields: Self.goodFields)
            #expect(try refused(try await post(client, eve, headers: Fixture.headers(for: eve, viewer: "eve")), .forbidden, store) == "viewer")
        }
    }

    @Test func sharesTheViewersRateLimitWithFeedback() async throws {
        try await withServer({ $0.viewerLimit = RateLimit(burst: 2, per: 60) }) { client, store async throws in
            #expect(try await post(client, Fixture.body(fields: Self.feedbackOnly), to: "/v1/feedback").status == .created)
            #expect(try await post(client, body()).status == .created)
            #expect(try await post(client, body()).status == .tooManyRequests)
            #expect(try store.workshopRequests().count == 1)
        }
    }

    @Test func theFeedbackWorkshopBoxCreatesARequestNamedAfterThePage() async throws {
        try await withServer { client, store async throws in
            let asking = try await post(client, Fixture.body(fields: #"{"message":"Can we talk?","workshop":true}"#), to: "/v1/feedback")
            #expect(asking.status == .created)
            #expect(try await post(client, Fixture.body(fields: #"{"message":"No thanks","workshop":false}"#), to: "/v1/feedback").status == .created)
            let requests = try store.workshopRequests()
            let submissions = try store.submissions()
            #expect(requests.count == 1 && submissions.count == 2)
            #expect(requests[0].submissionID == submissions[0].id && requests[0].topic == "Cloud costs" && requests[0].smeName == "Ada Lovelace")
            #expect(requests[0].participants == nil && requests[0].page == "insights/cloud-costs/index.html")
            #expect(try await store.outboxCounts().pending == 3, "one notification per submission and one for the request")
        }
    }

    @Test func answersPreflightAndRefusesOtherMethods() async throws {
        try await withServer { client, _ async throws in
            let allowed = try await client.execute(uri: Self.endpoint, method: .options, headers: [.origin: Fixture.origin, .accessControlRequestMethod: "POST"])
            #expect(allowed.status == .noContent && allowed.headers[.accessControlAllowOrigin] == Fixture.origin)
            let wrong = try await client.execute(uri: Self.endpoint, method: .get)
            #expect(wrong.status == .methodNotAllowed && wrong.headers[.allow] == "POST, OPTIONS")
        }
    }
}
