import Foundation
import OpenAPIKit
import PorticoCore
import Yams

/// The feedback endpoint's contract as OpenAPI 3.1, from the same field definitions that render the form
/// and that the server validates. It names no account.
public enum FeedbackSpec {
    static let problemJSON = OpenAPI.ContentType(rawValue: "application/problem+json")!

    public static func document(for config: PortalConfig) -> OpenAPI.Document {
        let rules = FieldRule.rules(for: config.feedback)
        let components = OpenAPI.Components(
            schemas: [
                "Submission": FieldSchemas.submission(rules),
                "WorkshopRequest": FieldSchemas.workshopRequest,
                "Receipt": FieldSchemas.receipt,
                "Problem": FieldSchemas.problem,
                "Health": FieldSchemas.health,
                "ReadingBody": ReadingSchemas.body,
                "ReadingBatch": ReadingSchemas.batch,
            ])
        let paths: OpenAPI.PathItem.Map = [
            OpenAPI.Path(rawValue: Envelope.path): .b(OpenAPI.PathItem(post: submit, options: preflight("preflightFeedback"))),
            OpenAPI.Path(rawValue: Envelope.workshopPath): .b(OpenAPI.PathItem(post: requestWorkshop, options: preflight("preflightWorkshop"))),
            OpenAPI.Path(rawValue: ReadingEnvelope.path): .b(OpenAPI.PathItem(post: reading)),
            OpenAPI.Path(rawValue: Envelope.healthPath): .b(OpenAPI.PathItem(get: health)),
        ]
        return OpenAPI.Document(
            openAPIVersion: .v3_1_1,
            info: OpenAPI.Document.Info(
                title: "\(config.title) feedback",
                description: "Reader feedback from the portal's article pages, workshop requests from its articles and home pages, and reading signals when portal.yml turns them on (`portico serve`).",
                version: "1"),
            servers: [OpenAPI.Server(url: serverURL(config.feedback.endpoint))],
            paths: paths,
            components: components)
    }

    public static func yaml(for config: PortalConfig) throws -> String {
        try YAMLKeys.quoteNumericKeys(YAMLEncoder().encode(document(for: config)))
    }

    /// The endpoint without its `/v1/feedback` path: where the server is.
    static func serverURL(_ endpoint: String) -> URL {
        let base = endpoint.hasSuffix(Envelope.path) ? String(endpoint.dropLast(Envelope.path.count)) : endpoint
        return URL(string: base.isEmpty ? "/" : base) ?? URL(string: "/")!
    }

    private static func schemaRef(_ name: String) -> JSONSchema { .reference(.component(named: name)) }

    private static func json(_ name: String) -> OpenAPI.Content.Map { [.json: .b(OpenAPI.Content(schema: schemaRef(name)))] }

    private static func problem(_ description: String, headers: OpenAPI.Header.Map? = nil) -> Either<OpenAPI.Reference<OpenAPI.Response>, OpenAPI.Response> {
        .b(OpenAPI.Response(description: description, headers: headers,
                            content: [problemJSON: .b(OpenAPI.Content(schema: schemaRef("Problem")))]))
    }

    private static var retryAfter: OpenAPI.Header.Map {
        ["Retry-After": .b(OpenAPI.Header(schema: .integer(minimum: (1, exclusive: false)), description: "Seconds to wait.", required: true))]
    }

    private static var submit: OpenAPI.Operation {
        signed(summary: "Submit feedback on a page", operationId: "submitFeedback", body: "Submission",
               description: "Accepted only with a valid proof from an active viewer, a timestamp within \(Envelope.defaultClockSkew) s, and a nonce never seen before. A 201 is sent only after the submission is committed. A ticked `workshop` checkbox also stores a workshop request.")
    }

    private static var requestWorkshop: OpenAPI.Operation {
        signed(summary: "Request a workshop", operationId: "requestWorkshop", body: "WorkshopRequest",
               description: "The same proof, timestamp and nonce rules as feedback (a nonce is spent on either endpoint). The request is stored in state `requested` and routed to an SME; a 201 is sent only after it is committed.")
    }

    private static func signed(summary: String, operationId: String, body: String, description: String) -> OpenAPI.Operation {
        OpenAPI.Operation(
            summary: summary,
            description: description,
            operationId: operationId,
            parameters: [
                .b(.header(name: Envelope.proofHeader, required: true,
                           schemaOrContent: .a(.init(.string(pattern: Envelope.proofPattern), style: .default(for: .header))),
                           description: "b64u(HMAC-SHA256(feedbackKey, raw body bytes)); feedbackKey = HKDF(token, \"feedback\\0\" + keyCheck, 32), keyCheck from the page's keyring.")),
            ],
            requestBody: OpenAPI.Request(content: json(body), required: true),
            responses: [
                201: .b(OpenAPI.Response(description: "Stored.", content: json("Receipt"))),
                400: problem("The body is not JSON."),
                401: problem("The proof is missing or does not match the account, viewer and body."),
                403: problem("The viewer's access has expired or was revoked."),
                409: problem("This nonce was already used: a replayed request."),
                413: problem("The body is larger than the server accepts."),
                415: problem("The body is not `application/json`."),
                422: problem("The body does not match this contract; `field` names the part that failed."),
                429: problem("Too many submissions from this viewer or address.", headers: retryAfter),
            ])
    }

    static let plainText = OpenAPI.ContentType(rawValue: ReadingEnvelope.contentType)!

    private static var reading: OpenAPI.Operation {
        OpenAPI.Operation(
            summary: "Record reading signals",
            description: "A batch of page views and downloads from gate.js (docs/engagement.md). The proof is in the body (sendBeacon cannot set headers): it must verify over `batch` with the viewer's key, the batch's timestamp be within \(Envelope.defaultClockSkew) s, its nonce never seen before, every page one the account publishes. A 204 is sent only after the events are committed.",
            operationId: "recordReading",
            requestBody: OpenAPI.Request(content: [plainText: .b(OpenAPI.Content(schema: schemaRef("ReadingBody")))], required: true),
            responses: [
                204: .b(OpenAPI.Response(description: "Stored.")),
                400: problem("The body is not JSON."),
                401: problem("The proof does not match the account, viewer and batch."),
                403: problem("The portal does not collect reading signals, or the viewer's access has expired or was revoked."),
                409: problem("This batch's nonce was already used: a replayed request."),
                413: problem("The body is larger than \(ReadingEnvelope.maxBodyBytes) bytes."),
                415: problem("The body is not `text/plain`."),
                422: problem("The body or batch does not match this contract; `field` names the part that failed."),
                429: problem("Too many batches from this viewer, or failures from this address.", headers: retryAfter),
            ])
    }

    private static func preflight(_ operationId: String) -> OpenAPI.Operation {
        OpenAPI.Operation(
            summary: "CORS preflight",
            description: "Allowed only for the portal's own origin (`base_url`).",
            operationId: operationId,
            parameters: [
                .b(.header(name: "Origin", required: false, schemaOrContent: .a(.init(.string, style: .default(for: .header))))),
                .b(.header(name: "Access-Control-Request-Method", required: false, schemaOrContent: .a(.init(.string, style: .default(for: .header))))),
            ],
            responses: [
                204: .b(OpenAPI.Response(description: "Allowed (or not a CORS request).")),
                403: problem("The origin is not the portal's."),
            ])
    }

    private static var health: OpenAPI.Operation {
        OpenAPI.Operation(summary: "Liveness", operationId: "health",
                          responses: [200: .b(OpenAPI.Response(description: "Serving.", content: json("Health")))])
    }
}
