import Foundation

/// Collects the anchors each page defines and the `#fragment` links pointing at them, so `check` can
/// report links to headings that do not exist.
public final class AnchorIndex: Sendable {
    struct Reference: Sendable {
        let page: String
        let fragment: String
        let location: SourceLocation
        let url: String
    }

    private let anchors = Locked<[String: Set<String>]>([:])
    private let references = Locked<[Reference]>([])

    public init() {}

    func define(account: String, page: String, html: String) {
        var ids = Set<String>()
        var rest = html[...]
        while let start = rest.range(of: " id=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            ids.insert(String(rest[..<end]))
            rest = rest[end...]
        }
        anchors.withLock { $0["\(account)/\(page)"] = ids }
    }

    func reference(account: String, page: String, fragment: String, url: String, at location: SourceLocation) {
        references.withLock { $0.append(Reference(page: "\(account)/\(page)", fragment: fragment, location: location, url: url)) }
    }

    /// Links whose fragment names no anchor on the target page.
    public func brokenAnchors() -> [Diagnostic] {
        let anchors = anchors.current
        return references.current.compactMap { reference in
            // `#caf%C3%A9` and `#café` name the same heading.
            guard let ids = anchors[reference.page], !ids.contains(reference.fragment),
                  !ids.contains(reference.fragment.removingPercentEncoding ?? reference.fragment) else { return nil }
            let known = ids.sorted().prefix(8).joined(separator: ", ")
            return .error("broken-anchor", at: reference.location, "`\(reference.url)`: the target page has no heading or anchor `#\(reference.fragment)`",
                          hint: known.isEmpty ? "remove the #fragment" : "anchors on that page: \(known)")
        }
    }
}
