/// Checks the top level of a submission body against `Envelope`'s limits.
public enum EnvelopeParser {
    /// Which page paths an endpoint takes: feedback is about an article; a workshop may be asked for on the home page too.
    public enum PageRule: Sendable {
        case article, articleOrHome

        func accepts(_ text: String) -> Bool {
            switch self {
            case .article: Envelope.isPage(text)
            case .articleOrHome: Envelope.isPage(text) || Envelope.isHomePage(text)
            }
        }

        var rule: String {
            switch self {
            case .article: "must be a page path like `insights/<slug>/index.html`, at most \(Envelope.pageMaxLength) characters"
            case .articleOrHome: "must be a page path like `insights/<slug>/index.html`, or a home page (`index.html`, `<language>/index.html`)"
            }
        }
    }

    public static func parse(_ body: JSONValue, pages: PageRule = .article) throws(ValidationFailure) -> SubmissionEnvelope {
        guard case .object(let object) = body else {
            throw ValidationFailure(field: "body", "the body must be a JSON object, not \(body.typeName)")
        }
        // One pass over the members, matching the keys by comparison (short strings compare inline): on every
        // submission's path, where a check of each key against a set plus a lookup of each hashed every key twice.
        var account, page, viewer, timestamp, nonce, fields: JSONValue?
        var unknown: String?
        for (key, value) in object {
            switch key {
            case "account": account = value
            case "page": page = value
            case "viewer": viewer = value
            case "timestamp": timestamp = value
            case "nonce": nonce = value
            case "fields": fields = value
            default: unknown = firstInSortedOrder(unknown, key)
            }
        }
        if let unknown { throw ValidationFailure(field: unknown, "`\(unknown)` is not part of a submission") }
        let accountText = try string(account, "account", check: Envelope.isAccount,
                                     "must be an account path: lowercase letters, digits and hyphens, at most \(Envelope.accountMaxLength)")
        let pageText = try string(page, "page", check: pages.accepts, pages.rule)
        let viewerText = try string(viewer, "viewer", check: Envelope.isViewer,
                                    "must be a viewer id: letters, digits and . _ @ -, at most \(Envelope.viewerMaxLength)")
        guard let timestamp else { throw ValidationFailure(field: "timestamp", "`timestamp` is required") }
        guard let seconds = timestamp.integerValue, Envelope.timestampRange.contains(seconds) else {
            throw ValidationFailure(field: "timestamp", "`timestamp` must be a whole number of seconds since 1970")
        }
        let nonceText = try string(nonce, "nonce", check: Envelope.isNonce,
                                   "must be \(Envelope.nonceMinLength)–\(Envelope.nonceMaxLength) base64url characters")
        guard let fields else { throw ValidationFailure(field: "fields", "`fields` is required") }
        guard case .object(let fieldObject) = fields else {
            throw ValidationFailure(field: "fields", "`fields` must be an object, not \(fields.typeName)")
        }
        return SubmissionEnvelope(account: accountText, page: pageText, viewer: viewerText, timestamp: seconds, nonce: nonceText,
                                  rawFields: fieldObject)
    }

    // `rule` is an autoclosure: the message is written only for a body that fails.
    private static func string(_ member: JSONValue?, _ key: String, check: (String) -> Bool,
                               _ rule: @autoclosure () -> String) throws(ValidationFailure) -> String {
        guard let value = member else { throw ValidationFailure(field: key, "`\(key)` is required") }
        guard case .string(let text) = value else { throw ValidationFailure(field: key, "`\(key)` must be a string, not \(value.typeName)") }
        guard check(text) else { throw ValidationFailure(field: key, "`\(key)` \(rule())") }
        return text
    }
}

/// The first key of `object`, in sorted order, that `allowed` lacks (the one an error names), without sorting all of them.
func firstUnknownKey(of object: [String: JSONValue], allowed: Set<String>) -> String? {
    var first: String?
    for key in object.keys where !allowed.contains(key) { first = firstInSortedOrder(first, key) }
    return first
}

/// Of the unknown keys seen so far and one more, the one an error names: the first in sorted order.
func firstInSortedOrder(_ found: String?, _ key: String) -> String {
    found.map { min($0, key) } ?? key
}
