import OpenAPIKit

/// JSON Schemas of `POST /v1/engagement`, from the same `ReadingEnvelope` and `Envelope` limits the parser checks.
enum ReadingSchemas {
    /// The `text/plain` body: the proof and the batch text it signs.
    static let body: JSONSchema = .object(
        description: "Sent as text/plain (navigator.sendBeacon with a string, no CORS preflight). `batch` is a ReadingBatch serialized as JSON; `proof` signs its exact UTF-8 bytes. At most \(ReadingEnvelope.maxBodyBytes) bytes.",
        properties: [
            "proof": .string(description: "b64u(HMAC-SHA256(feedbackKey, UTF-8 bytes of `batch`)); the key feedback is signed with.",
                             pattern: Envelope.proofPattern),
            "batch": .string(description: "The signed ReadingBatch (see components.schemas.ReadingBatch) as JSON text.", minLength: 2),
        ],
        additionalProperties: .a(false))

    static let batch: JSONSchema = .object(
        description: "What gate.js recorded since it last sent (docs/engagement.md).",
        properties: [
            "account": .string(description: "The account path: the site folder the pages are published in.",
                               maxLength: Envelope.accountMaxLength, pattern: Envelope.accountPattern),
            "viewer": .string(description: "The reader's viewer id.", maxLength: Envelope.viewerMaxLength, pattern: Envelope.viewerPattern),
            "timestamp": .integer(format: .int64, description: "Unix seconds when the batch was sent; must be within \(Envelope.defaultClockSkew) s of the server's clock.",
                                  maximum: (Int(Envelope.timestampRange.upperBound), exclusive: false),
                                  minimum: (Int(Envelope.timestampRange.lowerBound), exclusive: false)),
            "nonce": .string(description: "Random, never reused: a repeated nonce is a replay.",
                             minLength: Envelope.nonceMinLength, maxLength: Envelope.nonceMaxLength, pattern: Envelope.noncePattern),
            "events": .array(minItems: 1, maxItems: ReadingEnvelope.maxEvents, items: .one(of: [view, download])),
        ],
        additionalProperties: .a(false))

    static var page: JSONSchema {
        .string(description: "A page of the account, relative to its root (`index.html`, `insights/<slug>/index.html` …).",
                maxLength: Envelope.pageMaxLength, pattern: ReadingEnvelope.pagePattern)
    }

    static var startedAt: JSONSchema {
        .integer(format: .int64, description: "Unix seconds when the view began (or the file was clicked); not after `timestamp`, at most \(ReadingEnvelope.maxViewAgeSeconds) s before it.",
                 minimum: (0, exclusive: false))
    }

    static let view: JSONSchema = .object(
        description: "One visible stretch of a page view.",
        properties: [
            "page": page,
            "kind": .string(allowedValues: [AnyCodable("view")]),
            "started_at": startedAt,
            "active_seconds": .integer(description: "Seconds the tab was visible with the reader active in the last 30 s; at most the time since `started_at`.",
                                       maximum: (ReadingEnvelope.maxActiveSeconds, exclusive: false), minimum: (0, exclusive: false)),
            "scroll_percent": .integer(description: "The deepest point reached, as a percentage of the page.",
                                       maximum: (100, exclusive: false), minimum: (0, exclusive: false)),
        ],
        additionalProperties: .a(false))

    static let download: JSONSchema = .object(
        description: "A click on a link to one of the account's files.",
        properties: [
            "page": page,
            "kind": .string(allowedValues: [AnyCodable("download")]),
            "started_at": startedAt,
            "file": .string(description: "The file's name within the account (`assets/report.pdf`).",
                            maxLength: ReadingEnvelope.fileMaxLength, pattern: ReadingEnvelope.filePattern),
        ],
        additionalProperties: .a(false))
}
