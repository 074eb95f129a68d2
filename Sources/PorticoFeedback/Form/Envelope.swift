import PorticoCore

/// The parts of a submission around its fields, and the limits both the validator and the
/// OpenAPI document apply to them (docs/design/gate-format.md, "Feedback proof").
public enum Envelope {
    public static let proofHeader = "X-Portico-Proof"
    public static let path = "/v1/feedback"
    public static let healthPath = "/healthz"
    /// How far a submission's timestamp may be from the server's clock, in seconds.
    public static let defaultClockSkew = 300

    public static let accountPattern = "^[a-z0-9][a-z0-9-]*$"
    public static let accountMaxLength = 64
    public static let pageKinds = ["insights", "solutions", "case-studies"]
    public static let pagePattern = "^(insights|solutions|case-studies)/[^/]+/index\\.html$"
    public static let pageMaxLength = 200
    /// An article or a home page (`index.html` in the account's locale, `<language>/index.html` in another):
    /// where a workshop can be asked for.
    public static let workshopPagePattern = "^((insights|solutions|case-studies)/[^/]+/|(\(Language.all.map(\.rawValue).joined(separator: "|")))/)?index\\.html$"
    public static let workshopPath = "/v1/workshop"
    public static let viewerPattern = "^[A-Za-z0-9][A-Za-z0-9._@-]*$"
    public static let viewerMaxLength = 64
    public static let nonceMinLength = 16
    public static let nonceMaxLength = 64
    public static let noncePattern = "^[A-Za-z0-9_-]+$"
    public static let proofPattern = "^[A-Za-z0-9_-]{43}$"
    public static let timestampRange: ClosedRange<Int64> = 0...32_503_680_000 // up to year 3000

    static func isAccount(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= accountMaxLength else { return false }
        return isLowerAlnum(first) && text.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "-" }
    }

    /// `<kind>/<slug>/index.html`: read byte by byte, without splitting (it runs for every reader request).
    static func isPage(_ text: String) -> Bool {
        guard text.unicodeScalars.count <= pageMaxLength else { return false }
        let utf8 = text.utf8
        guard let kindEnd = utf8.firstIndex(of: UInt8(ascii: "/")) else { return false }
        let kind = utf8[..<kindEnd], afterKind = utf8.index(after: kindEnd)
        guard pageKinds.contains(where: { $0.utf8.elementsEqual(kind) }),
              let slugEnd = utf8[afterKind...].firstIndex(of: UInt8(ascii: "/")), slugEnd != afterKind else { return false }
        return utf8[utf8.index(after: slugEnd)...].elementsEqual("index.html".utf8)
    }

    static func isHomePage(_ text: String) -> Bool {
        if text == "index.html" { return true }
        guard text.hasSuffix("/index.html") else { return false }
        let language = text.dropLast("/index.html".count)
        return Language(rawValue: String(language)) != nil
    }

    static func isViewer(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, text.unicodeScalars.count <= viewerMaxLength else { return false }
        return isAlnum(first) && text.unicodeScalars.allSatisfy { isAlnum($0) || "._@-".unicodeScalars.contains($0) }
    }

    static func isNonce(_ text: String) -> Bool {
        (nonceMinLength...nonceMaxLength).contains(text.unicodeScalars.count) && text.unicodeScalars.allSatisfy(Base64URL.alphabet(contains:))
    }

    private static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("0"..."9").contains(c) }
    private static func isAlnum(_ c: Unicode.Scalar) -> Bool { isLowerAlnum(c) || ("A"..."Z").contains(c) }
}
