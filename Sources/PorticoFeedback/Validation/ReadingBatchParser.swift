import Foundation

/// Checks an engagement body's shape (`ReadingEnvelope`): everything that needs no account, before the proof.
public enum ReadingBatchParser {
    public static func parse(_ body: JSONValue) throws(ValidationFailure) -> SignedReadingBatch {
        guard case .object(let outer) = body else {
            throw ValidationFailure(field: "body", "the body must be a JSON object `{\"proof\": …, \"batch\": …}`, not \(body.typeName)")
        }
        try refuseUnknown(outer, allowed: ReadingEnvelope.outerKeys, prefix: "", what: "the body")
        let proof = try string(outer, "proof", field: "proof", "must be 43 base64url characters: b64u(HMAC-SHA256(feedbackKey, batch))") {
            $0.unicodeScalars.count == 43 && $0.unicodeScalars.allSatisfy(Base64URL.alphabet(contains:))
        }
        guard let batchValue = outer["batch"] else { throw ValidationFailure(field: "batch", "`batch` is required") }
        guard case .string(let batchText) = batchValue else {
            throw ValidationFailure(field: "batch", "`batch` must be a string holding the signed batch's JSON, not \(batchValue.typeName)")
        }
        let inner: JSONValue
        do { inner = try JSONValue.parse(Data(batchText.utf8)) } catch {
            throw ValidationFailure(field: "batch", "`batch` is not valid JSON")
        }
        return SignedReadingBatch(proof: proof, batchText: batchText, batch: try batch(inner))
    }

    static func batch(_ value: JSONValue) throws(ValidationFailure) -> ReadingBatch {
        guard case .object(let object) = value else { throw ValidationFailure(field: "batch", "`batch` must hold a JSON object, not \(value.typeName)") }
        try refuseUnknown(object, allowed: ReadingEnvelope.batchKeys, prefix: "batch.", what: "a reading batch")
        let account = try string(object, "account", field: "batch.account",
                                 "must be an account path: lowercase letters, digits and hyphens, at most \(Envelope.accountMaxLength)", Envelope.isAccount)
        let viewer = try string(object, "viewer", field: "batch.viewer",
                                "must be a viewer id: letters, digits and . _ @ -, at most \(Envelope.viewerMaxLength)", Envelope.isViewer)
        let timestamp = try integer(object, "timestamp", field: "batch.timestamp", in: Envelope.timestampRange, "a whole number of seconds since 1970")
        let nonce = try string(object, "nonce", field: "batch.nonce",
                               "must be \(Envelope.nonceMinLength)–\(Envelope.nonceMaxLength) base64url characters", Envelope.isNonce)
        guard let eventsValue = object["events"] else { throw ValidationFailure(field: "batch.events", "`events` is required") }
        guard case .array(let items) = eventsValue else {
            throw ValidationFailure(field: "batch.events", "`events` must be an array, not \(eventsValue.typeName)")
        }
        guard (1...ReadingEnvelope.maxEvents).contains(items.count) else {
            throw ValidationFailure(field: "batch.events", "a batch holds 1 to \(ReadingEnvelope.maxEvents) events, not \(items.count); send the rest in another batch")
        }
        var events: [ReadingEvent] = []
        for (index, item) in items.enumerated() {
            events.append(try event(item, field: "batch.events[\(index)]", sentAt: timestamp))
        }
        return ReadingBatch(account: account, viewer: viewer, timestamp: timestamp, nonce: nonce, events: events)
    }

    static func event(_ value: JSONValue, field: String, sentAt: Int64) throws(ValidationFailure) -> ReadingEvent {
        guard case .object(let object) = value else { throw ValidationFailure(field: field, "each event must be an object, not \(value.typeName)") }
        guard case .string(let kindText)? = object["kind"], let kind = ReadingEvent.Kind(rawValue: kindText) else {
            throw ValidationFailure(field: "\(field).kind", "`kind` must be `view` or `download`")
        }
        try refuseUnknown(object, allowed: kind == .view ? ReadingEnvelope.viewKeys : ReadingEnvelope.downloadKeys,
                          prefix: "\(field).", what: "a `\(kind.rawValue)` event")
        let page = try string(object, "page", field: "\(field).page",
                              "must be a page path relative to the account root, ending in index.html, at most \(Envelope.pageMaxLength) characters",
                              ReadingEnvelope.isPagePath)
        let maxAge = Int64(ReadingEnvelope.maxViewAgeSeconds)
        let startedAt = try integer(object, "started_at", field: "\(field).started_at", in: Envelope.timestampRange, "a whole number of seconds since 1970")
        guard startedAt <= sentAt else {
            throw ValidationFailure(field: "\(field).started_at", "`started_at` (\(startedAt)) is after the batch's `timestamp` (\(sentAt))")
        }
        guard sentAt - startedAt <= maxAge else {
            throw ValidationFailure(field: "\(field).started_at", "`started_at` is more than \(maxAge) s before the batch's `timestamp`")
        }
        switch kind {
        case .download:
            let file = try string(object, "file", field: "\(field).file",
                                  "must be the linked file's name within the account (like `assets/report.pdf`), at most \(ReadingEnvelope.fileMaxLength) characters",
                                  ReadingEnvelope.isFile)
            return ReadingEvent(page: page, kind: .download, startedAt: startedAt, file: file)
        case .view:
            let cap = Int64(ReadingEnvelope.maxActiveSeconds)
            let active = try integer(object, "active_seconds", field: "\(field).active_seconds", in: 0...cap,
                                     "a whole number of seconds from 0 to \(cap)")
            guard active <= sentAt - startedAt else {
                throw ValidationFailure(field: "\(field).active_seconds",
                                        "`active_seconds` (\(active)) is more than the \(sentAt - startedAt) s between `started_at` and the batch's `timestamp`")
            }
            let scroll = try integer(object, "scroll_percent", field: "\(field).scroll_percent", in: 0...100, "a whole number from 0 to 100")
            return ReadingEvent(page: page, kind: .view, startedAt: startedAt, activeSeconds: Int(active), scrollPercent: Int(scroll))
        }
    }

    private static func refuseUnknown(_ object: [String: JSONValue], allowed: Set<String>, prefix: String, what: String) throws(ValidationFailure) {
        if let unknown = firstUnknownKey(of: object, allowed: allowed) {
            throw ValidationFailure(field: prefix + unknown, "`\(unknown)` is not part of \(what); it has: \(allowed.sorted().joined(separator: ", "))")
        }
    }

    // `field` and `rule` are autoclosures: the messages are written only for a body that fails.
    private static func string(_ object: [String: JSONValue], _ key: String, field: @autoclosure () -> String, _ rule: @autoclosure () -> String,
                               _ check: (String) -> Bool) throws(ValidationFailure) -> String {
        guard let value = object[key] else { throw ValidationFailure(field: field(), "`\(key)` is required") }
        guard case .string(let text) = value else { throw ValidationFailure(field: field(), "`\(key)` must be a string, not \(value.typeName)") }
        guard check(text) else { throw ValidationFailure(field: field(), "`\(key)` \(rule())") }
        return text
    }

    private static func integer(_ object: [String: JSONValue], _ key: String, field: @autoclosure () -> String, in range: ClosedRange<Int64>,
                                _ rule: @autoclosure () -> String) throws(ValidationFailure) -> Int64 {
        guard let value = object[key] else { throw ValidationFailure(field: field(), "`\(key)` is required") }
        guard let number = value.integerValue, range.contains(number) else {
            throw ValidationFailure(field: field(), "`\(key)` must be \(rule())")
        }
        return number
    }
}
