import Foundation
import HTTPTypes
import Hummingbird
import PorticoCore
import PorticoGate

/// `POST /v1/engagement`: reading signals from gate.js (docs/engagement.md). The reader gate's admission with the
/// batch's own proof (sendBeacon cannot set headers): failures charged to the address, then the viewer's reading
/// limit (its own budget), the clock, the pages, and the replay guard.
struct EngagementController: Sendable {
    let gate: ReaderGate
    let store: any PorticoStore
    let viewerLimiter: RateLimiter

    init(gate: ReaderGate, store: any PorticoStore) {
        self.gate = gate
        self.store = store
        viewerLimiter = RateLimiter(gate.configuration.readingViewerLimit)
    }

    static let readingOff = Problem(.forbidden, "reading-off", "Reading signals are off",
                                    detail: "this portal does not collect reading signals (portal.yml: engagement.reading is not true)")

    /// A reader whose batch's proof verified.
    struct Reader: AuthenticatedReader {
        var signed: SignedReadingBatch
        var account: FeedbackDirectory.AccountEntry

        var limitKey: String { "\(account.path)\0\(signed.batch.viewer)" }
        var timestamp: Int64 { signed.batch.timestamp }
        static func clockProblem(_ failure: ValidationFailure) -> Problem { .invalidReading(failure) }
        static let timestampField = "batch.timestamp"
    }

    static let what = "reading batch"

    func record(_ request: Request, context: FeedbackRequestContext) async -> Response {
        await gate.answer(request, context: context, what: Self.what) { client in
            let snapshot = gate.directory.current
            guard snapshot.portal.engagement.reading else { throw Self.readingOff }
            let now = gate.configuration.clock()
            let body: Data
            do {
                try Self.requirePlainText(request.headers)
                body = try await ReaderGate.readBody(request, limit: ReadingEnvelope.maxBodyBytes, what: "a reading batch")
            } catch let problem as Problem {
                throw gate.charged(problem, client: client, now: now)
            }
            let reader = try admit(body, headers: request.headers, client: client, now: now, in: snapshot)
            do {
                try await store.insertReading(reader.signed.batch, accountSlug: reader.account.config.slug, receivedAt: now)
            } catch StoreError.duplicateNonce {
                throw Self.replayed
            }
            return Self.recorded.response
        }
    }

    /// The same for a batch whose body is read (the event loop's path): `answer` is called once, straight away when a
    /// check fails, or from the committing task once the batch is durable (or failed).
    func record(body: Data, headers: HTTPFields, peer: String, answer: @escaping @Sendable (HTTPAnswer) -> Void) {
        let client = gate.clientAddress(peer: peer, headers: headers)
        let now = gate.configuration.clock()
        let reader: Reader
        do {
            let snapshot = gate.directory.current
            guard snapshot.portal.engagement.reading else { throw Self.readingOff }
            reader = try admit(body, headers: headers, client: client, now: now, in: snapshot)
        } catch let problem as Problem {
            return answer(problem.answer)
        } catch {
            return answer(internalError(error))
        }
        store.insertReading(reader.signed.batch, accountSlug: reader.account.config.slug, receivedAt: now) { result in
            switch result {
            case .success: answer(Self.recorded)
            case .failure(StoreError.duplicateNonce): answer(Self.replayed.answer)
            case .failure(let error): answer(internalError(error))
            }
        }
    }

    static let recorded = HTTPAnswer(status: .noContent, headers: [:], body: ByteBuffer())
    static let replayed = Problem(.conflict, "replayed", "Replayed request", detail: "this batch's nonce was already used; send a new batch",
                                  field: "batch.nonce")

    private func internalError(_ error: any Error) -> HTTPAnswer {
        gate.internalError(error, what: Self.what, logger: gate.configuration.logger).answer
    }

    /// The gate's admission of a read body (its content type included; failures charged to the address), then the
    /// batch's pages. The route checks the content type before reading the body too, so a wrong one is not read.
    private func admit(_ body: Data, headers: HTTPFields, client: String, now: Date, in snapshot: FeedbackDirectory) throws -> Reader {
        let reader = try gate.admit(client: client, now: now, viewerLimiter: viewerLimiter) {
            try Self.requirePlainText(headers)
            return try authenticate(body, in: snapshot)
        }
        for (index, event) in reader.signed.batch.events.enumerated() where !reader.account.readablePages.contains(event.page) {
            throw Problem.invalidReading(ValidationFailure(field: "batch.events[\(index)].page", "`\(event.page)` is not a page of this account"))
        }
        return reader
    }

    /// From the JSON to a verified proof of an active viewer; any failure here is charged to the address.
    private func authenticate(_ body: Data, in snapshot: FeedbackDirectory) throws -> Reader {
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch {
            throw Problem(.badRequest, "malformed-json", "Malformed JSON", detail: "the body is not valid JSON", field: "body")
        }
        let signed: SignedReadingBatch
        do { signed = try ReadingBatchParser.parse(json) } catch { throw Problem.invalidReading(error) }
        // Unknown account, unknown viewer and a wrong proof answer alike, after the same work.
        let account = snapshot.accounts[signed.batch.account]
        let viewer = account?.viewers[signed.batch.viewer]
        guard ProofVerifier.verify(header: signed.proof, body: Data(signed.batchText.utf8), feedbackKey: viewer?.feedbackKey),
              let account, let viewer else {
            throw Problem.badReadingProof
        }
        try ReaderGate.requireActive(viewer, today: gate.configuration.today(), field: "batch.viewer")
        return Reader(signed: signed, account: account)
    }

    private static func requirePlainText(_ headers: HTTPFields) throws {
        guard isPlainText(headers.value(.contentType)) else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                          detail: "send reading signals as text/plain (what navigator.sendBeacon sends for a string)", field: "Content-Type")
        }
    }

    static func isPlainText(_ contentType: String?) -> Bool { MediaType.matches(contentType, ReadingEnvelope.contentType) }
}

extension Problem {
    static func invalidReading(_ failure: ValidationFailure) -> Problem {
        Problem(.unprocessableContent, "invalid-reading-batch", "The reading batch does not match the contract", detail: failure.detail, field: failure.field)
    }

    static let badReadingProof = Problem(.unauthorized, "invalid-proof", "The proof does not verify",
                                         detail: "`proof` does not match this account, viewer and batch", field: "proof")
}
