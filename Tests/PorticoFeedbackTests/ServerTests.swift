import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoCore
import Testing
@testable import PorticoFeedback

/// Every answer of `POST /v1/feedback`, against the real application (router mode).
@Suite struct ServerTests {
    static let endpoint = "/v1/feedback"

    func withServer(_ configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ test: @escaping @Sendable (any TestClientProtocol, FeedbackStore) async throws -> Void) async throws {
        let configuration = Fixture.configuration(configure: configure)
        let app = try buildApplication(configuration)
        let store = try FeedbackStore(path: configuration.databasePath)
        try await app.test(.router) { client in try await test(client, store) }
    }

    func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields? = nil) async throws -> TestResponse {
        try await client.execute(uri: Self.endpoint, method: .post, headers: headers ?? Fixture.headers(for: body),
                                 body: ByteBuffer(string: body))
    }

    struct ProblemBody: Decodable { var type: String; var title: String; var status: Int; var detail: String?; var field: String? }

    func problem(_ response: TestResponse) throws -> ProblemBody {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: response.body))
    }

    func all(_ store: FeedbackStore) throws -> [StoredSubmission] {
        try store.submissions(SubmissionFilter(statuses: Set(SubmissionStatus.allCases)))
    }

    @Test func storesAValidSubmissionBeforeAnswering201() async throws {
        try await withServer { client, store async throws in
            let response = try await post(client, Fixture.body())
            #expect(response.status == .created)
            let receipt = try JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: response.body))
            let stored = try all(store)
            #expect(stored.count == 1)
            #expect(receipt["id"] == .integer(stored[0].id))
            #expect(stored[0].accountSlug == "acme" && stored[0].viewer == "alice" && stored[0].status == .open)
            #expect(stored[0].fields["message"] == .string("Useful, thanks"))
            #expect(try store.outboxCounts().pending == 1)
        }
    }

    @Test func routesToTheSMEWhoseTopicsMatchThePageTags() async throws {
        try await withServer { client, store async throws in
            for page in ["insights/cloud-costs/index.html", "solutions/payments-hub/index.html", "case-studies/pilot/index.html"] {
                #expect(try await post(client, Fixture.body(page: page)).status == .created)
            }
            #expect(try all(store).map(\.smeName) == ["Ada Lovelace", "Grace Hopper", "Grace Hopper"])
        }
    }

    @Test func acceptsASlugPathAccountWithoutSMEs() async throws {
        try await withServer { client, store async throws in
            let body = Fixture.body(account: "beta", page: "insights/welcome/index.html", viewer: "carol")
            #expect(try await post(client, body, headers: Fixture.headers(for: body, slug: "beta", viewer: "carol")).status == .created)
            #expect(try all(store).first?.smeName == nil)
        }
    }

    @Test func rejectsAMissingProof() async throws {
        try await withServer { client, store async throws in
            let response = try await post(client, Fixture.body(), headers: [.contentType: "application/json"])
            #expect(response.status == .unauthorized)
            #expect(try problem(response).field == Envelope.proofHeader)
            #expect(try all(store).isEmpty)
        }
    }

    @Test func rejectsAWrongProof() async throws {
        try await withServer { client, store async throws in
            let body = Fixture.body()
            // bob's proof on alice's body, then a proof of a different body
            #expect(try await post(client, body, headers: Fixture.headers(for: body, viewer: "bob")).status == .unauthorized)
            let other = Fixture.headers(for: Fixture.body())
            #expect(try await post(client, body, headers: other).status == .unauthorized)
            #expect(try await post(client, body, headers: Fixture.headers(for: body, proof: "not-a-proof")).status == .unauthorized)
            #expect(try all(store).isEmpty)
        }
    }

    @Test func rejectsAnUnknownAccountLikeAWrongProof() async throws {
        try await withServer { client, _ async throws in
            let body = Fixture.body(account: "0123456789abcdef0123")
            let response = try await post(client, body, headers: Fixture.headers(for: body))
            #expect(response.status == .unauthorized)
            #expect(try problem(response).type == Problem.badProof.type)
        }
    }

    @Test func rejectsAnExpiredViewer() async throws {
        try await withServer { client, store async throws in
            let body = Fixture.body(viewer: "old")
            let response = try await post(client, body, headers: Fixture.headers(for: body, viewer: "old"))
            #expect(response.status == .forbidden)
            #expect(try problem(response).type == "urn:portico:problem:viewer-expired")
            #expect(try all(store).isEmpty)
        }
    }

    @Test func rejectsARevokedViewer() async throws {
        try await withServer { client, _ async throws in
            let body = Fixture.body(viewer: "eve")
            let response = try await post(client, body, headers: Fixture.headers(for: body, viewer: "eve"))
            #expect(response.status == .forbidden)
            #expect(try problem(response).type == "urn:portico:problem:viewer-revoked")
        }
    }

    @Test func rejectsAReplayedRequest() async throws {
        try await withServer { client, store async throws in
            let body = Fixture.body()
            #expect(try await post(client, body).status == .created)
            let replay = try await post(client, body)
            #expect(replay.status == .conflict)
            #expect(try problem(replay).field == "nonce")
            #expect(try all(store).count == 1)
        }
    }

    @Test func rejectsAStaleOrFutureTimestamp() async throws {
        try await withServer { client, store async throws in
            let now = Int(Fixture.now.timeIntervalSince1970)
            for timestamp in [now - 301, now + 301] {
                let response = try await post(client, Fixture.body(timestamp: timestamp))
                #expect(response.status == .unprocessableContent)
                #expect(try problem(response).field == "timestamp")
            }
            #expect(try await post(client, Fixture.body(timestamp: now - 300)).status == .created)
            #expect(try all(store).count == 1)
        }
    }

    @Test func rejectsAnUnknownField() async throws {
        try await withServer { client, _ async throws in
            let response = try await post(client, Fixture.body(fields: #"{"message":"hi","colour":"red"}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.colour")
        }
    }

    @Test func rejectsOverLongText() async throws {
        try await withServer { client, _ async throws in
            let long = String(repeating: "很", count: 501)
            let response = try await post(client, Fixture.body(fields: #"{"message":"\#(long)"}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.message")
            #expect(try await post(client, Fixture.body(fields: #"{"message":"\#(long.dropLast())"}"#)).status == .created)
        }
    }

    @Test func rejectsAMissingRequiredField() async throws {
        try await withServer { client, _ async throws in
            let response = try await post(client, Fixture.body(fields: #"{"rating":5}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.message")
        }
    }

    @Test func rejectsAPageTheAccountDoesNotPublish() async throws {
        try await withServer { client, _ async throws in
            let response = try await post(client, Fixture.body(page: "insights/welcome/index.html"))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "page")
        }
    }

    @Test func rejectsAnOversizedBody() async throws {
        try await withServer({ $0.maxBodyBytes = 1024 }) { client, store async throws in
            let body = Fixture.body(website: String(repeating: "x", count: 1100))
            let response = try await post(client, body)
            #expect(response.status == .contentTooLarge)
            #expect(try problem(response).field == "body")
            #expect(try all(store).isEmpty)
        }
    }

    @Test func rejectsMalformedJSON() async throws {
        try await withServer { client, _ async throws in
            let body = #"{"account": "#
            let response = try await post(client, body)
            #expect(response.status == .badRequest)
            #expect(try problem(response).type == "urn:portico:problem:malformed-json")
        }
    }

    @Test func rejectsAWrongContentType() async throws {
        try await withServer { client, _ async throws in
            let body = Fixture.body()
            var headers = Fixture.headers(for: body)
            headers[.contentType] = "text/plain"
            let response = try await post(client, body, headers: headers)
            #expect(response.status == .unsupportedMediaType)
            #expect(try problem(response).field == "Content-Type")
            headers[.contentType] = "application/json; charset=utf-8"
            #expect(try await post(client, body, headers: headers).status == .created)
        }
    }

    @Test func storesAHoneypotHitAsSpamAndAnswersLikeAnyOther() async throws {
        try await withServer { client, store async throws in
            let response = try await post(client, Fixture.body(website: "http://spam.example"))
            #expect(response.status == .created)
            #expect(try store.submissions().isEmpty, "spam is not listed by default")
            #expect(try all(store).map(\.status) == [.spam])
            #expect(try store.outboxCounts().pending == 0, "nobody is notified of spam")
        }
    }

    @Test func limitsSubmissionsPerViewer() async throws {
        try await withServer({ $0.viewerLimit = RateLimit(burst: 2, per: 60) }) { client, store async throws in
            #expect(try await post(client, Fixture.body()).status == .created)
            #expect(try await post(client, Fixture.body()).status == .created)
            let limited = try await post(client, Fixture.body())
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "30")
            let bobBody = Fixture.body(viewer: "bob")
            #expect(try await post(client, bobBody, headers: Fixture.headers(for: bobBody, viewer: "bob")).status == .created)
            #expect(try all(store).count == 3)
        }
    }

    @Test func limitsRequestsPerAddress() async throws {
        try await withServer({ $0.addressLimit = RateLimit(burst: 1, per: 10) }) { client, _ async throws in
            #expect(try await post(client, Fixture.body()).status == .created)
            let limited = try await post(client, Fixture.body())
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "10")
        }
    }

    @Test func answersPreflightForThePortalOriginOnly() async throws {
        try await withServer { client, _ async throws in
            let allowed = try await client.execute(uri: Self.endpoint, method: .options,
                                                   headers: [.origin: Fixture.origin, .accessControlRequestMethod: "POST"])
            #expect(allowed.status == .noContent)
            #expect(allowed.headers[.accessControlAllowOrigin] == Fixture.origin)
            #expect(allowed.headers[.accessControlAllowHeaders]?.contains(Envelope.proofHeader) == true)
            let denied = try await client.execute(uri: Self.endpoint, method: .options,
                                                  headers: [.origin: "https://evil.example", .accessControlRequestMethod: "POST"])
            #expect(denied.status == .forbidden)
            #expect(denied.headers[.accessControlAllowOrigin] == nil)
            let body = Fixture.body()
            var headers = Fixture.headers(for: body)
            headers[.origin] = Fixture.origin
            #expect(try await post(client, body, headers: headers).headers[.accessControlAllowOrigin] == Fixture.origin)
        }
    }

    @Test func answersHealthAndRefusesOtherMethods() async throws {
        try await withServer { client, _ async throws in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            let wrong = try await client.execute(uri: Self.endpoint, method: .get)
            #expect(wrong.status == .methodNotAllowed)
            #expect(wrong.headers[.allow] == "POST, OPTIONS")
        }
    }

    @Test func reloadPicksUpContentAndKeepsTheOldOneOnErrors() async throws {
        let configuration = Fixture.configuration()
        let server = try FeedbackServer(configuration)
        #expect(server.reload().isEmpty)
        #expect(server.directory.current.accounts[Fixture.acmePath]?.viewers.keys.sorted() == ["alice", "bob", "eve", "old"])
        var broken = configuration
        broken.contentRoot = URL(fileURLWithPath: "/nonexistent-portico-content")
        let brokenServer = FeedbackServer(configuration: broken, directory: server.directory, store: server.store)
        #expect(!brokenServer.reload().isEmpty)
        #expect(server.directory.current.accounts.count == 2)
    }
}
