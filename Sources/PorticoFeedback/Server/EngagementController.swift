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

    func record(_ request: Request, context: FeedbackRequestContext) async -> Response {
        await gate.answer(request, context: context, what: "reading batch") { client in
            let snapshot = gate.directory.current
            guard snapshot.portal.engagement.reading else { throw Self.readingOff }
            let now = gate.configuration.clock()
            let reader = try await gate.admit(client: client, now: now, viewerLimiter: viewerLimiter) {
                try await authenticate(request, in: snapshot)
            }
            let batch = reader.signed.batch
            for (index, event) in batch.events.enumerated() where !reader.account.readablePages.contains(event.page) {
                throw Problem.invalidReading(ValidationFailure(field: "batch.events[\(index)].page", "`\(event.page)` is not a page of this account"))
            }
            do {
                try await store.insertReading(batch, accountSlug: reader.account.config.slug, receivedAt: now)
            } catch StoreError.duplicateNonce {
                throw Problem(.conflict, "replayed", "Replayed request", detail: "this batch's nonce was already used; send a new batch", field: "batch.nonce")
            }
            return Response(status: .noContent)
        }
    }

    /// Everything up to a verified proof of an active viewer; any failure here is charged to the address.
    private func authenticate(_ request: Request, in snapshot: FeedbackDirectory) async throws -> Reader {
        guard Self.isPlainText(request.headers.value(.contentType)) else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                          detail: "send reading signals as text/plain (what navigator.sendBeacon sends for a string)", field: "Content-Type")
        }
        let body = try await ReaderGate.readBody(request, limit: ReadingEnvelope.maxBodyBytes, what: "a reading batch")
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

    static func isPlainText(_ contentType: String?) -> Bool { MediaType.matches(contentType, ReadingEnvelope.contentType) }
}

extension Problem {
    static func invalidReading(_ failure: ValidationFailure) -> Problem {
        Problem(.unprocessableContent, "invalid-reading-batch", "The reading batch does not match the contract", detail: failure.detail, field: failure.field)
    }

    static let badReadingProof = Problem(.unauthorized, "invalid-proof", "The proof does not verify",
                                         detail: "`proof` does not match this account, viewer and batch", field: "proof")
}
