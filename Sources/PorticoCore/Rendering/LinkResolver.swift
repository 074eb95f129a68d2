import Foundation

/// Resolves relative Markdown links and images of one page inside one account, reporting what is broken.
struct LinkResolver {
    let account: ResolvedAccount
    /// Every Markdown file in the content folder (relative paths), published or not.
    let knownPages: Set<String>
    /// Every asset file in the content folder (relative paths).
    let knownAssets: Set<String>
    /// Pages whose own errors were reported already.
    var unreadablePages: Set<String> = []
    /// When set (by `check`), `#fragment` links are recorded for anchor checking.
    var anchors: AnchorIndex? = nil

    /// Output path (relative to the account root) of a content asset.
    static func outputPath(ofAsset path: String) -> String? {
        if path.hasPrefix("library/assets/") { return "assets/library/" + path.dropFirst("library/assets/".count) }
        let parts = path.split(separator: "/", maxSplits: 3)
        if parts.count == 4, parts[0] == "accounts", parts[2] == "assets" { return "assets/" + parts[3] }
        return nil
    }

    /// Returns the destination to write, or nil to keep the link as written.
    func resolve(_ link: MarkdownLink, on page: ResolvedPage, assets: inout [AssetReference], diagnostics: inout [Diagnostic]) -> String? {
        let url = link.url
        if url.hasPrefix("#"), url.count > 1, let anchors {
            anchors.reference(account: account.slug, page: page.outputPath, fragment: String(url.dropFirst()), url: url,
                              at: SourceLocation(file: page.source.sourcePath, line: page.source.bodyStartLine + link.line - 1, column: link.column))
        }
        if url.isEmpty || url.hasPrefix("#") || url.hasPrefix("//") || url.hasPrefix("/") || Self.hasScheme(url) { return nil }
        let location = SourceLocation(file: page.source.sourcePath, line: page.source.bodyStartLine + link.line - 1, column: link.column)
        var path = url
        var fragment = ""
        if let hash = path.firstIndex(of: "#") {
            fragment = String(path[hash...])
            path = String(path[..<hash])
        }
        if let query = path.firstIndex(of: "?") { path = String(path[..<query]) }
        path = path.removingPercentEncoding ?? path
        let sourceDir = (page.source.sourcePath as NSString).deletingLastPathComponent
        guard let target = Self.normalize(sourceDir + "/" + path) else {
            diagnostics.append(.error(link.isImage ? "missing-image" : "broken-link", at: location,
                                      "`\(url)` points outside the content folder", hint: "link to a file inside content/"))
            return nil
        }
        if path.hasSuffix(".md") && !link.isImage {
            if let published = account.bySource[target] {
                if fragment.count > 1 {
                    anchors?.reference(account: account.slug, page: published.outputPath, fragment: String(fragment.dropFirst()), url: url, at: location)
                }
                return RelativeURL.between(page.outputPath, published.outputPath) + fragment
            }
            if unreadablePages.contains(target) { return nil }
            if knownPages.contains(target) {
                diagnostics.append(.error("link-not-included", at: location,
                                          "`\(url)` links to \(target), which account `\(account.slug)` does not publish",
                                          hint: "include it in accounts/\(account.slug)/account.yml (include: - pages: [...]), or remove the link; drafts and future pages are left out unless --drafts/--future"))
            } else {
                diagnostics.append(.error("broken-link", at: location, "`\(url)` links to \(target), which does not exist",
                                          hint: "fix the path (it is relative to \(page.source.sourcePath))"))
            }
            return nil
        }
        guard knownAssets.contains(target), let output = Self.outputPath(ofAsset: target) else {
            let what = link.isImage ? "image" : "file"
            let exists = knownPages.contains(target)
            diagnostics.append(.error(link.isImage ? "missing-image" : "broken-link", at: location,
                                      exists ? "`\(url)` points to \(target), which is not under an assets/ folder"
                                             : "\(what) `\(url)` not found (looked for \(target))",
                                      hint: "put \(what)s under library/assets/ or accounts/\(account.slug)/assets/ and link relatively"))
            return nil
        }
        if case .account(let owner) = page.source.origin, !target.hasPrefix("accounts/\(owner)/"), !target.hasPrefix("library/") {
            diagnostics.append(.error("foreign-asset", at: location, "`\(url)` uses another account's file", hint: "copy it into this account's assets/"))
            return nil
        }
        if page.source.origin == .library, !target.hasPrefix("library/") {
            diagnostics.append(.error("foreign-asset", at: location, "library pages may only use files under library/assets/"))
            return nil
        }
        if link.isImage, link.text.trimmingCharacters(in: .whitespaces).isEmpty {
            diagnostics.append(.warning("missing-alt", at: location, "image `\(url)` has no alt text",
                                        hint: "describe the image for readers who cannot see it: ![what it shows](\(url))"))
        }
        let relative = RelativeURL.between(page.outputPath, output)
        assets.append(AssetReference(url: relative, sourcePath: target, outputPath: output))
        return relative + fragment
    }

    /// Whether the URL starts with `scheme:`, a scheme being ASCII letters, digits, "+", "-" and "." (RFC 3986;
    /// Unicode letter tests here were half a percent of a build).
    static func hasScheme(_ url: String) -> Bool {
        let bytes = url.utf8
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")), colon != bytes.startIndex else { return false }
        return bytes[..<colon].allSatisfy { Identifier.alphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    /// Resolves `.` and `..`; nil when the path climbs above the root.
    static func normalize(_ path: String) -> String? {
        var parts: [Substring] = []
        for part in path.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." {
                if parts.isEmpty { return nil }
                parts.removeLast()
            } else {
                parts.append(part)
            }
        }
        return parts.joined(separator: "/")
    }
}

/// An asset a page shows: the URL as written into the page, and the file behind it.
public struct AssetReference: Sendable, Hashable {
    public var url: String
    public var sourcePath: String
    /// Relative to the account root (`assets/logo.svg`).
    public var outputPath: String
}
