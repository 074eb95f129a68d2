import Foundation
import HTTPTypes
import Logging
import Hummingbird
import NIOCore
import PorticoCore
import PorticoGate

/// The checks every signed reader request passes (`/v1/feedback`, `/v1/workshop`, and with its own proof and
/// budget `/v1/engagement`), in an order that tells an
/// unauthenticated client nothing about accounts or viewers: content type, body cap, JSON, envelope, proof,
/// viewer standing, then the viewer's rate limit and the clock skew. One gate serves every endpoint, so a reader's
/// budget and an address's failures count across them.
struct ReaderGate: Sendable {
    let configuration: ServerConfiguration
    let directory: DirectoryHolder
    let addressLimiter: RateLimiter
    let viewerLimiter: RateLimiter

    init(configuration: ServerConfiguration, directory: DirectoryHolder) {
        self.configuration = configuration
        self.directory = directory
        addressLimiter = RateLimiter(configuration.addressLimit)
        viewerLimiter = RateLimiter(configuration.viewerLimit)
    }

    /// A reader whose proof verified, and what they sent.
    struct Authenticated: AuthenticatedReader {
        var body: Data
        var envelope: SubmissionEnvelope
        var snapshot: FeedbackDirectory
        var account: FeedbackDirectory.AccountEntry
        var viewer: FeedbackDirectory.ViewerEntry
        var now: Date

        var limitKey: String { "\(account.path)\0\(viewer.viewer.id)" }
        var timestamp: Int64 { envelope.timestamp }
        static func clockProblem(_ failure: ValidationFailure) -> Problem { .invalid(failure) }
        static let timestampField = "timestamp"
    }

    /// The answer for `request`: `accept`'s response, or the problem any check (its own included) threw.
    func respond(to request: Request, context: FeedbackRequestContext, what: String, pages: EnvelopeParser.PageRule = .article,
                 accept: (Authenticated) async throws -> Response) async -> Response {
        await answer(request, context: context, what: what) { client in
            let now = configuration.clock()
            let body: Data
            do {
                try Self.requireJSON(request.headers)
                body = try await readBody(request)
            } catch let problem as Problem {
                throw charged(problem, client: client, now: now)
            }
            return try await accept(admit(body: body, headers: request.headers, client: client, now: now, pages: pages))
        }
    }

    /// `handle`'s response for the client that sent `request`, a thrown problem as itself, and anything else as a 500
    /// that says the `what` was not stored.
    func answer(_ request: Request, context: FeedbackRequestContext, what: String,
                handle: (_ client: String) async throws -> Response) async -> Response {
        let client = clientAddress(peer: context.peerAddress, headers: request.headers)
        do {
            return try await handle(client)
        } catch let problem as Problem {
            return problem.response()
        } catch {
            return internalError(error, what: what, logger: context.logger).response()
        }
    }

    /// A 500 for an error that is not the client's, logged: it says only that the `what` was not stored.
    func internalError(_ error: any Error, what: String, logger: Logger) -> Problem {
        logger.error("\(what): \(error)")
        return Problem.internalError(what: what)
    }

    /// The address limits count by: the peer, or the client a trusted proxy names.
    func clientAddress(peer: String, headers: HTTPFields) -> String {
        ClientAddress.resolve(peer: peer, headers: headers, trusted: configuration.trustedProxies, header: configuration.forwardingHeader)
    }

    /// Every check of a request whose body has been read, without suspending: all of the gate for the event loop's
    /// path, which takes only bodies within the cap.
    func admit(body: Data, headers: HTTPFields, client: String, now: Date, pages: EnvelopeParser.PageRule) throws -> Authenticated {
        try admit(client: client, now: now, viewerLimiter: viewerLimiter) {
            try Self.requireJSON(headers)
            return try authenticate(body: body, headers: headers, pages: pages, now: now)
        }
    }

    /// The checks after the proof's: a failure to `authenticate` is charged to the client's address (so a flood of
    /// junk from one address, or through one proxy, never turns away a reader whose proof verifies), a verified
    /// reader to their own viewer budget, then their timestamp must be within the clock skew.
    func admit<Reader: AuthenticatedReader>(client: String, now: Date, viewerLimiter: RateLimiter,
                                            authenticate: () throws -> Reader) throws -> Reader {
        let reader: Reader
        do {
            reader = try authenticate()
        } catch let problem as Problem {
            throw charged(problem, client: client, now: now)
        }
        return try admitted(reader, now: now, viewerLimiter: viewerLimiter)
    }

    /// A failed check charged to the client's address: the problem itself, or 429 once the address's budget is spent.
    func charged(_ problem: Problem, client: String, now: Date) -> Problem {
        if let wait = addressLimiter.take(client, now: now) { return Problem.rateLimited(retryAfter: wait, who: "address") }
        return problem
    }

    private func admitted<Reader: AuthenticatedReader>(_ reader: Reader, now: Date, viewerLimiter: RateLimiter) throws -> Reader {
        if let wait = viewerLimiter.take(reader.limitKey, now: now) { throw Problem.rateLimited(retryAfter: wait, who: "viewer") }
        let skew = Int64(configuration.clockSkew)
        guard abs(reader.timestamp - Int64(now.timeIntervalSince1970)) <= skew else {
            throw Reader.clockProblem(ValidationFailure(field: Reader.timestampField,
                                                        "`timestamp` is more than \(skew) s away from the server's clock; check the device's clock"))
        }
        return reader
    }

    private static func requireJSON(_ headers: HTTPFields) throws {
        guard MediaType.matches(headers.value(.contentType), "application/json") else {
            throw Problem(.unsupportedMediaType, "unsupported-media-type", "Unsupported content type",
                          detail: "send the submission as application/json", field: "Content-Type")
        }
    }

    /// From the JSON to a verified proof of an active viewer; any failure here is charged to the address.
    private func authenticate(body: Data, headers: HTTPFields, pages: EnvelopeParser.PageRule, now: Date) throws -> Authenticated {
        let json: JSONValue
        do { json = try JSONValue.parse(body) } catch {
            throw Problem(.badRequest, "malformed-json", "Malformed JSON", detail: "the body is not valid JSON", field: "body")
        }
        let envelope: SubmissionEnvelope
        do { envelope = try EnvelopeParser.parse(json, pages: pages) } catch { throw Problem.invalid(error) }

        let snapshot = directory.current
        guard let found = Self.verifiedViewer(envelope, proof: headers.value(Self.proofHeader), body: body, in: snapshot) else {
            throw Problem.badProof
        }
        let (account, viewer) = found
        try Self.requireActive(viewer, today: configuration.today())
        return Authenticated(body: body, envelope: envelope, snapshot: snapshot, account: account, viewer: viewer, now: now)
    }

    /// The account and viewer when the proof verifies. Unknown account, unknown viewer and a wrong proof
    /// answer alike and after the same work (one HMAC, one constant-time compare): nothing to enumerate.
    static func verifiedViewer(_ envelope: SubmissionEnvelope, proof: String?, body: Data, in snapshot: FeedbackDirectory,
                               mac: ProofVerifier.MAC = { $0.mac($1) })
        -> (FeedbackDirectory.AccountEntry, FeedbackDirectory.ViewerEntry)? {
        let account = snapshot.accounts[envelope.account]
        let viewer = account?.viewers[envelope.viewer]
        guard ProofVerifier.verify(header: proof, body: body, feedbackKey: viewer?.feedbackKey, mac: mac),
              let account, let viewer else { return nil }
        return (account, viewer)
    }

    /// The 201 of a stored submission or request.
    static func receipt(id: Int64) -> Response { receiptAnswer(id: id).response }

    static func receiptAnswer(id: Int64) -> HTTPAnswer {
        // What JSONWriter writes for {"id": id, "status": "received"} (sorted keys), without the dictionary.
        let receipt = #"{"id":"# + String(id) + #","status":"received"}"#
        return HTTPAnswer(status: .created, headers: [.contentType: "application/json"], body: ByteBuffer(string: receipt))
    }

    private static let proofHeader = HTTPField.Name(Envelope.proofHeader)!

    /// 403 for a viewer whose access expired or was revoked (their key still verifies until the next build).
    static func requireActive(_ viewer: FeedbackDirectory.ViewerEntry, today: Day, field: String = "viewer") throws {
        switch ViewerStatus(viewer.viewer, today: today) {
        case .active: break
        case .expired:
            throw Problem(.forbidden, "viewer-expired", "Access expired",
                          detail: "this viewer's access expired on \(viewer.viewer.expires?.description ?? "")", field: field)
        case .revoked:
            throw Problem(.forbidden, "viewer-revoked", "Access revoked", detail: "this viewer's access was revoked", field: field)
        }
    }

    private func readBody(_ request: Request) async throws -> Data {
        try await Self.readBody(request, limit: configuration.maxBodyBytes, what: "a submission")
    }

    static func readBody(_ request: Request, limit: Int, what: String) async throws -> Data {
        let tooLarge = Problem(.contentTooLarge, "body-too-large", "Body too large",
                               detail: "\(what) may be at most \(limit) bytes", field: "body")
        if let length = request.headers.value(.contentLength).flatMap(Int.init), length > limit { throw tooLarge }
        do {
            let buffer = try await request.body.collect(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch is NIOTooManyBytesError {
            throw tooLarge
        }
    }
}

/// What the gate's checks after the proof need from a reader, whichever proof they sent.
protocol AuthenticatedReader {
    /// The viewer's rate-limit bucket: their account's path and their id.
    var limitKey: String { get }
    /// When the reader says they sent the request (Unix seconds).
    var timestamp: Int64 { get }
    /// The problem for a timestamp outside the clock skew.
    static func clockProblem(_ failure: ValidationFailure) -> Problem
    static var timestampField: String { get }
}

extension Problem {
    static let replayed = Problem(.conflict, "replayed", "Replayed request", detail: "this nonce was already used; send a new submission",
                                  field: "nonce")
}
