/// The reading-signals endpoint's wire format and limits, shared by the parser and the OpenAPI document
/// (docs/engagement.md).
///
/// `navigator.sendBeacon` cannot set headers, and a JSON content type would need a CORS preflight, so the body
/// is `text/plain` holding a JSON object `{"proof": …, "batch": …}`: `batch` is the signed batch as a string
/// (its exact characters are what was signed) and `proof` is b64u(HMAC-SHA256(feedbackKey, UTF-8 bytes of batch)),
/// the key feedback is signed with.
public enum ReadingEnvelope {
    public static let path = "/v1/engagement"
    public static let contentType = "text/plain"
    public static let outerKeys: Set<String> = ["proof", "batch"]
    public static let batchKeys: Set<String> = ["account", "viewer", "timestamp", "nonce", "events"]
    public static let viewKeys: Set<String> = ["page", "kind", "started_at", "active_seconds", "scroll_percent"]
    public static let downloadKeys: Set<String> = ["page", "kind", "started_at", "file"]

    /// At most this many events in one batch (gate.js sends at most 50).
    public static let maxEvents = 100
    /// The whole body, in bytes: 100 events of the longest page and file paths fit.
    public static let maxBodyBytes = 64 * 1024
    /// Active seconds one event may report: a visible stretch of a page (gate.js sends one per stretch).
    public static let maxActiveSeconds = 4 * 3600
    /// How long before the batch a view may have started (a tab left open for days starts a new view).
    public static let maxViewAgeSeconds = 7 * 86_400
    public static let fileMaxLength = 200
    public static let filePattern = "^[^/.\\\\][^\\\\]*$"

    /// A linked file's name within the account (`assets/report.pdf`): relative, no `..`, no backslash, printable.
    static func isFile(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, scalars.count <= fileMaxLength, first != "/", first != "." else { return false }
        return !scalars.contains { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
            && !text.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
    }

    /// A page path relative to the account root: `index.html`, `zh-CN/insights/index.html`, `insights/<slug>/index.html` …
    /// (shape only; the server then requires a page the account publishes).
    static func isPagePath(_ text: String) -> Bool {
        let scalars = text.unicodeScalars
        guard scalars.count <= Envelope.pageMaxLength, text.hasSuffix("index.html"), scalars.first != "/" else { return false }
        return !scalars.contains { $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
            && !text.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0.isEmpty }
    }
    public static let pagePattern = "^([^/\\\\][^\\\\]*/)?index\\.html$"
}
