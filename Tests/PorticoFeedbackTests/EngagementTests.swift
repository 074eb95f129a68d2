import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoCore
import PorticoGate
import Testing
@testable import PorticoFeedback

/// `POST /v1/engagement` against the real application, on both of its paths (`IngestPath`): what it stores, and every
/// attack it refuses.
@Suite struct EngagementTests {
    /// `takes`: whether the test posts a batch the event loop's path takes (not one over the body cap).
    func withServer(_ path: IngestPath, takes: Bool = true, contentRoot: URL? = nil, _ configure: (inout ServerConfiguration) -> Void = { _ in },
                    _ test: @escaping @Sendable (any TestClientProtocol, FeedbackStore) async throws -> Void) async throws {
        let configuration = Fixture.configuration { configuration in
            if let contentRoot { configuration.contentRoot = contentRoot }
            configuration.readingViewerLimit = .unlimited
            configure(&configuration)
        }
        let store = try FeedbackStore(path: configuration.databasePath)
        try await path.test(configuration, takes: takes) { client in try await test(client, store) }
    }

    func post(_ client: any TestClientProtocol, _ body: String, headers: HTTPFields = ReadingFixture.headers) async throws -> TestResponse {
        try await client.execute(uri: ReadingEnvelope.path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    struct ProblemBody: Decodable { var type: String; var status: Int; var detail: String?; var field: String? }

    func problem(_ response: TestResponse) throws -> ProblemBody {
        #expect(response.headers[.contentType] == "application/problem+json")
        return try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: response.body))
    }

    func counts(_ store: FeedbackStore) throws -> (events: Int, batches: Int) {
        try store.pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reading_event")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM reading_batch")!)
        }
    }

    /// Expects `status`, a problem naming `field`, and nothing stored.
    func expectRefused(_ client: any TestClientProtocol, _ store: FeedbackStore, _ body: String, status: HTTPResponse.Status,
                       field: String?, headers: HTTPFields = ReadingFixture.headers, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let response = try await post(client, body, headers: headers)
        #expect(response.status == status, sourceLocation: sourceLocation)
        if let field { #expect(try problem(response).field == field, sourceLocation: sourceLocation) }
        let stored = try counts(store)
        #expect(stored.events == 0 && stored.batches == 0, sourceLocation: sourceLocation)
    }

    @Test(arguments: IngestPath.allCases) func storesViewsAndDownloadsBeforeAnswering204(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let batch = ReadingFixture.batch(events: [ReadingFixture.view(), ReadingFixture.view(page: "index.html", active: 0, scroll: 0),
                                                      ReadingFixture.download()])
            let response = try await post(client, ReadingFixture.body(batch))
            #expect(response.status == .noContent)
            let rows = try store.readingEvents(account: "acme")
            #expect(rows.map(\.page) == ["insights/cloud-costs/index.html", "index.html", "insights/cloud-costs/index.html"])
            #expect(rows.map(\.kind) == ["view", "view", "download"])
            #expect(rows[0].viewer == "alice" && rows[0].activeSeconds == 42 && rows[0].scrollPercent == 80 && rows[0].file == nil)
            #expect(rows[0].startedAt == Fixture.now.addingTimeInterval(-120) && rows[0].receivedAt == Fixture.now)
            #expect(rows[2].file == "assets/report.pdf")
            #expect(try counts(store).batches == 1)
        }
    }

    @Test(arguments: IngestPath.allCases) func acceptsEveryPageKindTheAccountPublishes(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let pages = ["index.html", "insights/index.html", "solutions/index.html", "case-studies/index.html", "search/index.html",
                         "solutions/payments-hub/index.html", "case-studies/pilot/index.html"]
            let response = try await post(client, ReadingFixture.body(ReadingFixture.batch(events: pages.map { ReadingFixture.view(page: $0) })))
            #expect(response.status == .noContent, "\(String(buffer: response.body))")
            #expect(Set(try store.readingEvents(account: "acme").map(\.page)) == Set(pages))
        }
    }

    @Test(arguments: IngestPath.allCases) func storesNoAddressNorUserAgent(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            var headers = ReadingFixture.headers
            headers[.userAgent] = "MARKER-AGENT/1.0"
            headers[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.77"
            #expect(try await post(client, ReadingFixture.body(ReadingFixture.batch()), headers: headers).status == .noContent)
            let dump = try await store.pool.read { db in
                try ["reading_event", "reading_batch"].flatMap { table in
                    try Row.fetchAll(db, sql: "SELECT * FROM \(table)").map { $0.description }
                }.joined(separator: "\n")
            }
            #expect(!dump.isEmpty && !dump.contains("MARKER-AGENT") && !dump.contains("203.0.113.77") && !dump.contains("127.0.0.1"))
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesAWrongProof(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let batch = ReadingFixture.batch()
            // bob's key on alice's batch, a proof of another batch, a proof that is not one
            try await expectRefused(client, store, ReadingFixture.body(batch, signer: "bob"), status: .unauthorized, field: "proof")
            let other = ProofVerifier.proof(feedbackKey: Fixture.feedbackKey(account: "acme", viewer: "alice"), body: Data(ReadingFixture.batch().utf8))
            try await expectRefused(client, store, ReadingFixture.body(batch, proof: other), status: .unauthorized, field: "proof")
            // the batch changed after signing (more active seconds)
            let signed = ReadingFixture.body(batch)
            try await expectRefused(client, store, signed.replacingOccurrences(of: #"active_seconds\":42"#, with: #"active_seconds\":43"#),
                                    status: .unauthorized, field: "proof")
            try await expectRefused(client, store, ReadingFixture.body(batch, proof: String(repeating: "A", count: 43)), status: .unauthorized, field: "proof")
            try await expectRefused(client, store, ReadingFixture.body(batch, proof: "short"), status: .unprocessableContent, field: "proof")
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesUnknownAccountsAndViewersLikeAWrongProof(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let unknownAccount = ReadingFixture.batch(account: "0123456789abcdef0123")
            try await expectRefused(client, store, ReadingFixture.body(unknownAccount), status: .unauthorized, field: "proof")
            let unknownViewer = ReadingFixture.batch(viewer: "mallory")
            try await expectRefused(client, store, ReadingFixture.body(unknownViewer), status: .unauthorized, field: "proof")
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesAnotherAccountsPage(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            // beta's article, signed correctly by acme's alice; and a page no account has
            for page in ["insights/welcome/index.html", "insights/no-such-piece/index.html", "zh-CN/index.html"] {
                try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [ReadingFixture.view(), ReadingFixture.view(page: page)])),
                                        status: .unprocessableContent, field: "batch.events[1].page")
            }
            // while carol of beta may report it
            let beta = ReadingFixture.batch(account: "beta", viewer: "carol", events: [ReadingFixture.view(page: "insights/welcome/index.html")])
            #expect(try await post(client, ReadingFixture.body(beta, slug: "beta", signer: "carol")).status == .noContent)
            #expect(try store.readingEvents(account: "acme").isEmpty && store.readingEvents(account: "beta").count == 1)
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesNegativeOrAbsurdDurations(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let now = ReadingFixture.nowSeconds
            let cases: [(String, String)] = [
                (ReadingFixture.view(active: -1), "batch.events[0].active_seconds"),
                // more active seconds than have passed since the view began
                (ReadingFixture.view(startedAt: now - 10, active: 11), "batch.events[0].active_seconds"),
                // over the per-event cap, though the view began long enough ago
                (ReadingFixture.view(startedAt: now - 86_400, active: ReadingEnvelope.maxActiveSeconds + 1), "batch.events[0].active_seconds"),
                (ReadingFixture.view(startedAt: now + 5), "batch.events[0].started_at"),
                (ReadingFixture.view(startedAt: now - ReadingEnvelope.maxViewAgeSeconds - 1, active: 0), "batch.events[0].started_at"),
                (ReadingFixture.view(startedAt: -5, active: 0), "batch.events[0].started_at"),
                (ReadingFixture.view(scroll: 101), "batch.events[0].scroll_percent"),
                (ReadingFixture.view(scroll: -1), "batch.events[0].scroll_percent"),
                (ReadingFixture.view().replacingOccurrences(of: #""active_seconds":42"#, with: #""active_seconds":4.5"#), "batch.events[0].active_seconds"),
                (ReadingFixture.view().replacingOccurrences(of: #""active_seconds":42"#, with: #""active_seconds":"42""#), "batch.events[0].active_seconds"),
            ]
            for (event, field) in cases {
                try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [event])), status: .unprocessableContent, field: field)
            }
            // the limits themselves are accepted
            let edge = ReadingFixture.view(startedAt: now - ReadingEnvelope.maxActiveSeconds, active: ReadingEnvelope.maxActiveSeconds, scroll: 100)
            #expect(try await post(client, ReadingFixture.body(ReadingFixture.batch(events: [edge]))).status == .noContent)
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesAReplayedBatch(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let body = ReadingFixture.body(ReadingFixture.batch())
            #expect(try await post(client, body).status == .noContent)
            let replay = try await post(client, body)
            #expect(replay.status == .conflict)
            #expect(try problem(replay).field == "batch.nonce")
            #expect(try counts(store) == (1, 1))
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesAStaleOrFutureBatch(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            for timestamp in [ReadingFixture.nowSeconds - 301, ReadingFixture.nowSeconds + 301] {
                let batch = ReadingFixture.batch(timestamp: timestamp, events: [ReadingFixture.view(startedAt: timestamp - 100, active: 10)])
                try await expectRefused(client, store, ReadingFixture.body(batch), status: .unprocessableContent, field: "batch.timestamp")
            }
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesOversizedBatchesAndBodies(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let tooMany = ReadingFixture.batch(events: Array(repeating: ReadingFixture.view(), count: ReadingEnvelope.maxEvents + 1))
            try await expectRefused(client, store, ReadingFixture.body(tooMany), status: .unprocessableContent, field: "batch.events")
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [])), status: .unprocessableContent, field: "batch.events")
            let huge = ReadingFixture.body(ReadingFixture.batch(extra: #","pad":""# + String(repeating: "x", count: ReadingEnvelope.maxBodyBytes) + #"""#))
            try await expectRefused(client, store, huge, status: .contentTooLarge, field: "body")
            // the most a batch may hold is accepted
            let full = ReadingFixture.batch(events: Array(repeating: ReadingFixture.view(), count: ReadingEnvelope.maxEvents))
            #expect(try await post(client, ReadingFixture.body(full)).status == .noContent)
            #expect(try counts(store).events == ReadingEnvelope.maxEvents)
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesUnknownFields(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            let batch = ReadingFixture.batch()
            try await expectRefused(client, store, ReadingFixture.body(batch, extra: #","ip":"1.2.3.4""#), status: .unprocessableContent, field: "ip")
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(extra: #","user_agent":"x""#)),
                                    status: .unprocessableContent, field: "batch.user_agent")
            let withExtra = ReadingFixture.view().replacingOccurrences(of: "}", with: #","title":"x"}"#)
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [withExtra])),
                                    status: .unprocessableContent, field: "batch.events[0].title")
            // a view names no file, a download must, and kinds are only these two
            let viewWithFile = ReadingFixture.view().replacingOccurrences(of: "}", with: #","file":"assets/a.pdf"}"#)
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [viewWithFile])),
                                    status: .unprocessableContent, field: "batch.events[0].file")
            let downloadWithoutFile = ReadingFixture.download().replacingOccurrences(of: #","file":"assets/report.pdf""#, with: "")
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [downloadWithoutFile])),
                                    status: .unprocessableContent, field: "batch.events[0].file")
            for file in ["../secret", "/etc/passwd", "assets//x.pdf"] {
                try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [ReadingFixture.download(file: file)])),
                                        status: .unprocessableContent, field: "batch.events[0].file")
            }
            let otherKind = ReadingFixture.view().replacingOccurrences(of: #""kind":"view""#, with: #""kind":"print""#)
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch(events: [otherKind])),
                                    status: .unprocessableContent, field: "batch.events[0].kind")
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesMalformedBodiesAndOtherContentTypes(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            try await expectRefused(client, store, ReadingFixture.body(ReadingFixture.batch()), status: .unsupportedMediaType, field: "Content-Type",
                                    headers: [.contentType: "application/json"])
            try await expectRefused(client, store, "not json", status: .badRequest, field: "body")
            try await expectRefused(client, store, #"{"proof":"\#(String(repeating: "A", count: 43))","batch":"not json"}"#,
                                    status: .unprocessableContent, field: "batch")
            try await expectRefused(client, store, #"{"proof":"\#(String(repeating: "A", count: 43))","batch":{"account":"x"}}"#,
                                    status: .unprocessableContent, field: "batch")
        }
    }

    @Test(arguments: IngestPath.allCases) func refusesExpiredAndRevokedViewers(_ path: IngestPath) async throws {
        try await withServer(path) { client, store async throws in
            for (viewer, type) in [("old", "viewer-expired"), ("eve", "viewer-revoked")] {
                let response = try await post(client, ReadingFixture.body(ReadingFixture.batch(viewer: viewer), signer: viewer))
                #expect(response.status == .forbidden)
                #expect(try problem(response).type == "urn:portico:problem:\(type)")
            }
            #expect(try counts(store) == (0, 0))
        }
    }

    @Test(arguments: IngestPath.allCases) func onlyFailuresAreChargedToTheAddress(_ path: IngestPath) async throws {
        try await withServer(path, { $0.addressLimit = RateLimit(burst: 2, per: 3600) }) { client, store async throws in
            for _ in 0..<5 { #expect(try await post(client, ReadingFixture.body(ReadingFixture.batch())).status == .noContent) }
            for _ in 0..<2 { #expect(try await post(client, ReadingFixture.body(ReadingFixture.batch(), signer: "bob")).status == .unauthorized) }
            let limited = try await post(client, ReadingFixture.body(ReadingFixture.batch(), signer: "bob"))
            #expect(limited.status == .tooManyRequests && limited.headers[.retryAfter] != nil)
        }
    }

    @Test(arguments: IngestPath.allCases) func answers403WhenThePortalHasReadingOff(_ path: IngestPath) async throws {
        let root = try ReadingFixture.contentCopy(reading: false)
        try await withServer(path, contentRoot: root) { client, store async throws in
            let response = try await post(client, ReadingFixture.body(ReadingFixture.batch()))
            #expect(response.status == .forbidden)
            #expect(try problem(response).type == "urn:portico:problem:reading-off")
            #expect(try counts(store) == (0, 0))
        }
    }

    @Test func retentionDeletesOldEventsAndReplayGuards() async throws {
        let database = Fixture.databasePath()
        let store = try FeedbackStore(path: database)
        let now = Fixture.now
        func batch(_ viewer: String, startedDaysAgo days: Int, nonce: String) -> ReadingBatch {
            let started = Int64(now.timeIntervalSince1970) - Int64(days * 86_400)
            return ReadingBatch(account: "p", viewer: viewer, timestamp: started + 10, nonce: nonce,
                                events: [ReadingEvent(page: "index.html", kind: .view, startedAt: started, activeSeconds: 5)])
        }
        try await store.insertReading(batch("alice", startedDaysAgo: 31, nonce: "n-old-aaaaaaaaaaaa"), accountSlug: "acme", receivedAt: now.addingTimeInterval(-31 * 86_400))
        try await store.insertReading(batch("alice", startedDaysAgo: 29, nonce: "n-new-aaaaaaaaaaaa"), accountSlug: "acme", receivedAt: now.addingTimeInterval(-60))
        let retention = ReadingRetention(store: store, retentionDays: { 30 }, clockSkew: 300, interval: .seconds(3600), clock: { now })
        let removed = try await retention.prune()
        #expect(removed.events == 1 && removed.batches == 1)
        let left = try store.readingEvents(account: "acme")
        #expect(left.count == 1 && left[0].startedAt == now.addingTimeInterval(-29 * 86_400))
        // the recent batch's nonce still guards against its replay
        await #expect(throws: StoreError.duplicateNonce) {
            try await store.insertReading(batch("alice", startedDaysAgo: 29, nonce: "n-new-aaaaaaaaaaaa"), accountSlug: "acme", receivedAt: now)
        }
    }

    @Test func theOpenAPIDocumentDescribesTheEndpoint() throws {
        let portal = ContentLoader(root: Fixture.contentRoot).load(into: DiagnosticLog()).config
        let yaml = try FeedbackSpec.yaml(for: portal)
        #expect(yaml.contains("/v1/engagement:") && yaml.contains("recordReading") && yaml.contains("text/plain"))
        #expect(yaml.contains("ReadingBatch:") && yaml.contains("maxItems: \(ReadingEnvelope.maxEvents)"))
    }
}

extension ReadingFixture {
    /// A copy of the fixture content with `engagement.reading` set as given.
    static func contentCopy(reading: Bool) throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("portico-content-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Fixture.contentRoot, to: root)
        let file = root.appendingPathComponent("portal.yml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let changed = text.replacingOccurrences(of: "  reading: true", with: "  reading: \(reading)")
        try changed.write(to: file, atomically: true, encoding: .utf8)
        return root
    }
}
