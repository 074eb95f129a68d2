import Foundation

/// A link destination split as a browser reads it: path, `?query` and `#fragment` (each kept with its mark, or empty).
struct LinkParts: Equatable {
    /// Percent-decoded, as files are named on disk.
    var path: String
    var query: String
    var fragment: String

    init(_ url: String) {
        var rest = Substring(url)
        fragment = ""
        query = ""
        if let hash = rest.firstIndex(of: "#") {
            fragment = String(rest[hash...])
            rest = rest[..<hash]
        }
        if let mark = rest.firstIndex(of: "?") {
            query = String(rest[mark...])
            rest = rest[..<mark]
        }
        path = rest.removingPercentEncoding ?? String(rest)
    }
}
