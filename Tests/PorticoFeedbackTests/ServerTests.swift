import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoCore
import PorticoGate
import Testing
@testable import PorticoFeedback

/// Every answer of `POST /v1/feedback`, against the real application, on both of its paths: Hummingbird's route
/// (router mode, no sockets) and the event loop's (a live server, where `EventLoopIngestHandler` takes the POSTs).
@Suite struct ServerTests {
    static let endpoint = "/v1/feedback"

    /// `takes`: whether the test posts a request the event loop's path takes (all but the health and oversized-body
    /// tests).
    func withServer(_ path: IngestPath, takes: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ test: @escaping @Sendable (any TestClientProtocol, FeedbackStore) async throws -> Void) async throws {
        let configuration = Fixture.configuration(configure: configure)
        let store = try FeedbackStore(path: configuration.databasePath)
        try await path.test(configuration, takes: takes) { client in try await test(client, store) }
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

    @Test(arguments: IngestPath.allCases) func storesAValidSubmissionBeforeAnswering201(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let response = try await post(client, Fixture.body())
            #expect(response.status == .created)
            let receipt = try JSONDecoder().decode([String: JSONValue].self, from: Data(buffer: response.body))
            let stored = try all(store)
            #expect(stored.count == 1)
            #expect(receipt["id"] == .integer(stored[0].id))
            #expect(String(buffer: response.body) == JSONValue.object(["id": .integer(stored[0].id), "status": .string("received")]).jsonText(),
                    "the receipt is written as the JSON writer writes it")
            #expect(stored[0].accountSlug == "acme" && stored[0].viewer == "alice" && stored[0].status == .open)
            #expect(stored[0].fields["message"] == .string("Useful, thanks"))
            // the fixture's body ticks `workshop`: a notification for the submission and one for its workshop request
            #expect(try await store.outboxCounts().pending == 2)
            #expect(try store.workshopRequests().map(\.submissionID) == [stored[0].id])
        }
    }

    @Test(arguments: IngestPath.allCases) func routesToTheSMEWhoseTopicsMatchThePageTags(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            for page in ["insights/cloud-costs/index.html", "solutions/payments-hub/index.html", "case-studies/pilot/index.html"] {
                #expect(try await post(client, Fixture.body(page: page)).status == .created)
            }
            #expect(try all(store).map(\.smeName) == ["Ada Lovelace", "Grace Hopper", "Grace Hopper"])
        }
    }

    @Test(arguments: IngestPath.allCases) func acceptsASlugPathAccountWithoutSMEs(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let body = Fixture.body(account: "beta", page: "insights/welcome/index.html", viewer: "carol")
            #expect(try await post(client, body, headers: Fixture.headers(for: body, slug: "beta", viewer: "carol")).status == .created)
            #expect(try all(store).first?.smeName == nil)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAMissingProof(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let response = try await post(client, Fixture.body(), headers: [.contentType: "application/json"])
            #expect(response.status == .unauthorized)
            #expect(try problem(response).field == Envelope.proofHeader)
            #expect(try all(store).isEmpty)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAWrongProof(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let body = Fixture.body()
            // bob's proof on alice's body, then a proof of a different body
            #expect(try await post(client, body, headers: Fixture.headers(for: body, viewer: "bob")).status == .unauthorized)
            let other = Fixture.headers(for: Fixture.body())
            #expect(try await post(client, body, headers: other).status == .unauthorized)
            #expect(try await post(client, body, headers: Fixture.headers(for: body, proof: "not-a-proof")).status == .unauthorized)
            #expect(try all(store).isEmpty)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAnUnknownAccountLikeAWrongProof(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let body = Fixture.body(account: "0123456789abcdef0123")
            let response = try await post(client, body, headers: Fixture.headers(for: body))
            #expect(response.status == .unauthorized)
            #expect(try problem(response).type == Problem.badProof.type)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAnExpiredViewer(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let body = Fixture.body(viewer: "old")
            let response = try await post(client, body, headers: Fixture.headers(for: body, viewer: "old"))
            #expect(response.status == .forbidden)
            #expect(try problem(response).type == "urn:portico:problem:viewer-expired")
            #expect(try all(store).isEmpty)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsARevokedViewer(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let body = Fixture.body(viewer: "eve")
            let response = try await post(client, body, headers: Fixture.headers(for: body, viewer: "eve"))
            #expect(response.status == .forbidden)
            #expect(try problem(response).type == "urn:portico:problem:viewer-revoked")
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAReplayedRequest(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let body = Fixture.body()
            #expect(try await post(client, body).status == .created)
            let replay = try await post(client, body)
            #expect(replay.status == .conflict)
            #expect(try problem(replay).field == "nonce")
            #expect(try all(store).count == 1)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAStaleOrFutureTimestamp(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
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

    @Test(arguments: IngestPath.allCases) func rejectsAnUnknownField(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let response = try await post(client, Fixture.body(fields: #"{"message":"hi","colour":"red"}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.colour")
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsOverLongText(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let long = String(repeating: "很", count: 501)
            let response = try await post(client, Fixture.body(fields: #"{"message":"\#(long)"}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.message")
            #expect(try await post(client, Fixture.body(fields: #"{"message":"\#(long.dropLast())"}"#)).status == .created)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAMissingRequiredField(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let response = try await post(client, Fixture.body(fields: #"{"rating":5}"#))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "fields.message")
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAPageTheAccountDoesNotPublish(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let response = try await post(client, Fixture.body(page: "insights/welcome/index.html"))
            #expect(response.status == .unprocessableContent)
            #expect(try problem(response).field == "page")
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAnOversizedBody(_ path: IngestPath) async throws {
        try await withServer(path, takes: false, { $0.maxBodyBytes = 1024 }) { client, store async throws in
            let body = Fixture.body(fields: #"{"message":"\#(String(repeating: "x", count: 1100))"}"#)
            let response = try await post(client, body)
            #expect(response.status == .contentTooLarge)
            #expect(try problem(response).field == "body")
            #expect(try all(store).isEmpty)
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsMalformedJSON(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
            let body = #"{"account": "#
            let response = try await post(client, body)
            #expect(response.status == .badRequest)
            #expect(try problem(response).type == "urn:portico:problem:malformed-json")
        }
    }

    @Test(arguments: IngestPath.allCases) func rejectsAWrongContentType(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
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

    @Test(arguments: IngestPath.allCases) func limitsSubmissionsPerViewer(_ path: IngestPath) async throws {
        try await withServer(path, { $0.viewerLimit = RateLimit(burst: 2, per: 60) }) { client, store async throws in
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

    @Test(arguments: IngestPath.allCases) func limitsFailedRequestsPerAddressButNeverAValidReader(_ path: IngestPath) async throws {
        try await withServer(path, { $0.addressLimit = RateLimit(burst: 2, per: 10) }) { client, store async throws in
            let junk = Fixture.body()
            let wrong = Fixture.headers(for: junk, viewer: "bob")
            #expect(try await post(client, junk, headers: wrong).status == .unauthorized)
            #expect(try await post(client, #"{"account":"#).status == .badRequest)
            let limited = try await post(client, junk, headers: wrong)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "5")
            #expect(try await post(client, Fixture.body()).status == .created, "a verified proof does not draw on the address")
            #expect(try await post(client, Fixture.body()).status == .created)
            #expect(try all(store).count == 2)
        }
    }

    @Test func unknownAccountAndViewerCostTheSameHMACAsAKnownOne() throws {
        let directory = try FeedbackServer(Fixture.configuration()).directory.current
        let body = Data(Fixture.body().utf8)
        let proof = ProofVerifier.proof(feedbackKey: Fixture.feedbackKey(account: "acme", viewer: "alice"), body: body)
        func macCalls(account: String, viewer: String, proof: String?) -> (calls: [(key: Int, message: Data)], verified: Bool) {
            let calls = Calls()
            let envelope = SubmissionEnvelope(account: account, page: "insights/cloud-costs/index.html", viewer: viewer,
                                              timestamp: 0, nonce: "n", rawFields: [:])
            let found = ReaderGate.verifiedViewer(envelope, proof: proof, body: body, in: directory) { key, message in
                calls.add((key.bytes.count, message))
                return key.mac(message)
            }
            return (calls.all, found != nil)
        }
        for (account, viewer) in [(Fixture.acmePath, "alice"), (Fixture.acmePath, "nobody"), ("0123456789abcdef0123", "alice")] {
            for given in [proof, "not-a-proof", nil] {
                let (calls, verified) = macCalls(account: account, viewer: viewer, proof: given)
                #expect(calls.count == 1 && calls[0].key == 32 && calls[0].message == body, "\(account) \(viewer) \(given ?? "none")")
                #expect(verified == (viewer == "alice" && account == Fixture.acmePath && given == proof))
            }
        }
    }

    @Test(arguments: IngestPath.allCases) func answersPreflightForThePortalOriginOnly(_ path: IngestPath) async throws {
        try await withServer(path) { client, _ async throws in
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

    @Test(arguments: IngestPath.allCases) func answersHealthAndRefusesOtherMethods(_ path: IngestPath) async throws {
        try await withServer(path, takes: false) { client, _ async throws in
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
        let brokenServer = try FeedbackServer(configuration: broken, directory: server.directory, store: server.store)
        #expect(!brokenServer.reload().isEmpty)
        #expect(server.directory.current.accounts.count == 2)
    }

    @Test func reloadTakesViewersFromTheKeyFileAndKeepsTheOldOneWhenItIsMalformed() async throws {
        let keysFile = FileManager.default.temporaryDirectory.appendingPathComponent("portico-keys-\(UUID().uuidString)")
        var keys = Fixture.serverKeys()
        try keys.write(to: keysFile)
        let server = try FeedbackServer(Fixture.configuration { $0.serverKeysFile = keysFile })
        #expect(server.directory.current.accounts[Fixture.acmePath]?.viewers["bob"]?.viewer.revoked == false)

        keys.accounts[0].viewers = keys.accounts[0].viewers.map { viewer in
            var viewer = viewer
            if viewer.id == "bob" { viewer.status = .revoked }
            return viewer
        }
        try keys.write(to: keysFile)
        #expect(server.reload().isEmpty)
        #expect(server.directory.current.accounts[Fixture.acmePath]?.viewers["bob"]?.viewer.revoked == true)

        try Data(#"{"format":"portico-server-keys","version":1,"accounts":[{"slug":"acme"}]}"#.utf8).write(to: keysFile)
        let problems = server.reload()
        #expect(problems.count == 1 && problems[0].contains("accounts[0].path"), "\(problems)")
        #expect(server.directory.current.accounts[Fixture.acmePath]?.viewers["bob"]?.viewer.revoked == true, "the previous keys stay")
    }
}

/// Records the MAC calls of one verification.
final class Calls: Sendable {
    private let calls = Locked<[(key: Int, message: Data)]>([])
    func add(_ call: (key: Int, message: Data)) { calls.withLock { $0.append(call) } }
    var all: [(key: Int, message: Data)] { calls.current }
}
