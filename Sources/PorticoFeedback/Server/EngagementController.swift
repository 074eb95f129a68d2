import Foundation
import HTTPTypes
import Hummingbird
import PorticoCore
import PorticoGate

/// `POST /v1/engagement`: reading signals from gate.js (docs/engagement.md). The trust model of feedback: the proof
/// is checked with the viewer's key from the server key file after the same work for unknown accounts and viewers,
/// only failures are charged to the address, then the viewer's limit, the clock, the pages, and the replay guard.
struct EngagementController: Sendable {
    let configuration: ServerConfiguration
    let directory: DirectoryHolder
    let store: any PorticoStore
    let addressLimiter: RateLimiter
    let viewerLimiter: RateLimiter

    init(configuration: ServerConfiguration, directory: DirectoryHolder, store: any PorticoStore, addressLimiter: RateLimiter) {
        self.configuration = configuration
        self.directory = directory
        self.store = store
        self.addressLimiter = addressLimiter
        viewerLimiter = RateLimiter(configuration.readingViewerLimit)
    }

    static let readingOff = Problem(.forbidden, "reading-off", "Reading signals are off",
                                    detail: "this portal does not collect reading signals (portal.yml: engagement.reading is not true)")

    func record(_ request: Request, context: FeedbackRequestContext) async -> Response {
        let client = ClientAddress.resolve(peer: context.peerAddress, headers: request.headers,
                                           trusted: configuration.trustedProxies, header: configuration.forwardingHeader)
        do {
            return try await accept(request, client: client)
        } catch let problem as Problem {
            return problem.response()
        } catch {
            context.logger.error("engagement: \(error)")
            return Problem(.internalServerError, "internal", "Internal error", detail: "the reading signals were not stored").response()
        }
    }

    private func accept(_ request: Request, client: String) async throws -> Response {
        let snapshot = directory.current
        guard snapshot.portal.engagement.reading else { throw Self.readingOff }
        let now = configuration.clock()
        let signed: SignedReadingBatch
        let account: FeedbackDirectory.AccountEntry
        do {
            (signed, account) = try await authenticate(request, in: snapshot)
        } catch let problem as Problem {
            if let wait = addressLimiter.take(client, now: now) { throw Problem.rateLimited(retryAfter: wait, who: "address") }
            throw problem
        }
        let batch = signed.batch
        if let wait = viewerLimiter.take("\(account.path)\0\(batch.viewer)", now: now) {
            throw Problem.rateLimited(retryAfter: wait, who: "viewer")
        }
        let skew = Int64(configuration.clockSkew)
        guard abs(batch.timestamp - Int64(now.timeIntervalSince1970)) <= skew else {
            throw Problem.invalidReading(ValidationFailure(field: "batch.timestamp",
                                                           "`timestamp` is more than \(skew) s away from the server's clock; check the device's clock"))
        }
        for (index, event) in batch.events.enumerated() where !account.readablePages.contains(event.page) {
            throw Problem.invalidReading(ValidationFailure(field: "batch.events[\(index)].page", "`\(event.page)` is not a page of this account"))
        }
        do {
            try await store.insertReading(batch, accountSlug: account.config.slug, receivedAt: now)
        } catch StoreError.duplicateNonce {
            throw Problem(.conflict, "replayed", "Replayed request", detail: "this batch's nonce was already used; send a new batch", field: "batch.nonce")
        }
        return Response(status: .noContent)
    }

    /// Everything up to a verified proof of an active viewer; any failure here is charged to the address.
    private func authenticate(_ request: Request, in snapshot: FeedbackDirectory) async throws -> (SignedReadingBatch, FeedbackDirectory.AccountEntry) {
        guard Self.isPlainText(request.headers[.contentType]) else {
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
        try ReaderGate.requireActive(viewer, today: configuration.today(), field: "batch.viewer")
        return (signed, account)
    }

    static func isPlainText(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == ReadingEnvelope.contentType
    }
}

extension Problem {
    static func invalidReading(_ failure: ValidationFailure) -> Problem {
        Problem(.unprocessableContent, "invalid-reading-batch", "The reading batch does not match the contract", detail: failure.detail, field: failure.field)
    }

    static let badReadingProof = Problem(.unauthorized, "invalid-proof", "The proof does not verify",
                                         detail: "`proof` does not match this account, viewer and batch", field: "proof")
}
