import Foundation

/// Resolves relative Markdown links and images of one page inside one account, reporting what is broken.
struct LinkResolver: Sendable {
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
        let location = SourceLocation(file: page.source.sourcePath, line: page.source.bodyStartLine + link.line - 1, column: link.column)
        if url.hasPrefix("#"), url.count > 1, let anchors {
            anchors.reference(account: account.slug, page: page.outputPath, fragment: String(url.dropFirst()), url: url, at: location)
        }
        if url.isEmpty || url.hasPrefix("#") { return nil }
        if link.isImage, Self.isRemote(url) {
            diagnostics.append(.error("remote-image", at: location,
                                      "image `\(url)` is on another server: the page's Content-Security-Policy blocks it, so readers would see a broken image",
                                      hint: "download it into \(assetFolder(for: page)) and link it relatively, e.g. ![\(link.text)](\(exampleAssetLink(for: page, url: url)))"))
            return nil
        }
        if url.hasPrefix("//") || Self.hasScheme(url) { return nil }
        let parts = LinkParts(url)
        if url.hasPrefix("/") { return resolveRootRelative(link, parts, on: page, at: location, assets: &assets, diagnostics: &diagnostics) }
        let sourceDir = (page.source.sourcePath as NSString).deletingLastPathComponent
        guard let target = Self.normalize(sourceDir + "/" + parts.path) else {
            diagnostics.append(.error(link.isImage ? "missing-image" : "broken-link", at: location,
                                      "`\(url)` points outside the content folder", hint: "link to a file inside content/"))
            return nil
        }
        if parts.path.hasSuffix(".md") && !link.isImage {
            if let published = account.bySource[target] {
                return pageURL(published, parts, from: page, url: url, at: location)
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
        guard knownAssets.contains(target) else {
            diagnostics.append(notAFile(link, target: target, on: page, at: location))
            return nil
        }
        return assetURL(link, source: target, parts, on: page, at: location, assets: &assets, diagnostics: &diagnostics)
    }

    /// The link to a published page, its query and fragment kept.
    func pageURL(_ published: ResolvedPage, _ parts: LinkParts, from page: ResolvedPage, url: String, at location: SourceLocation) -> String {
        if parts.fragment.count > 1 {
            anchors?.reference(account: account.slug, page: published.outputPath, fragment: String(parts.fragment.dropFirst()), url: url, at: location)
        }
        return RelativeURL.between(page.outputPath, published.outputPath) + parts.query + parts.fragment
    }

    /// A content file (`source`, relative to the content folder) that the page shows or links to.
    func assetURL(_ link: MarkdownLink, source target: String, _ parts: LinkParts, on page: ResolvedPage, at location: SourceLocation,
                  assets: inout [AssetReference], diagnostics: inout [Diagnostic]) -> String? {
        let url = link.url
        guard let output = Self.outputPath(ofAsset: target) else {
            diagnostics.append(.error(link.isImage ? "missing-image" : "broken-link", at: location,
                                      "`\(url)` points to \(target), which is not under an assets/ folder",
                                      hint: "move it into \(assetFolder(for: page)) and link to it there"))
            return nil
        }
        if case .account(let owner) = page.source.origin, !target.hasPrefix("accounts/\(owner)/"), !target.hasPrefix("library/") {
            diagnostics.append(.error("foreign-asset", at: location, "`\(url)` uses another account's file", hint: "copy it into this account's assets/"))
            return nil
        }
        if page.source.origin == .library, !target.hasPrefix("library/") {
            diagnostics.append(.error("foreign-asset", at: location, "library pages may only use files under library/assets/",
                                      hint: "copy it into library/assets/ and link it relatively"))
            return nil
        }
        if link.isImage, link.text.trimmingCharacters(in: .whitespaces).isEmpty {
            diagnostics.append(.warning("missing-alt", at: location, "image `\(url)` has no alt text",
                                        hint: "describe the image for readers who cannot see it: ![what it shows](\(url))"))
        }
        let relative = RelativeURL.between(page.outputPath, output)
        assets.append(AssetReference(url: relative, sourcePath: target, outputPath: output))
        return relative + parts.query + parts.fragment
    }

    /// The folder a page's own images and files belong in.
    func assetFolder(for page: ResolvedPage) -> String {
        if case .account(let owner) = page.source.origin { return "accounts/\(owner)/assets/" }
        return "library/assets/"
    }

    /// `../assets/<file name of url>` from the page: where a downloaded copy would be linked from.
    func exampleAssetLink(for page: ResolvedPage, url: String) -> String {
        let name = LinkParts(url).path.split(separator: "/").last.map(String.init) ?? "image.png"
        return "../assets/" + (name.isEmpty ? "image.png" : name)
    }

    /// Whether a browser would fetch `url` from another server: `http(s):`, `ftp:` or protocol-relative `//`.
    static func isRemote(_ url: String) -> Bool {
        if url.hasPrefix("//") { return true }
        let lower = url.prefix(8).lowercased()
        return lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("ftp://")
    }

    /// Whether the URL starts with `scheme:`, a scheme being ASCII letters, digits, "+", "-" and "." (RFC 3986;
    /// ASCII only: it runs on every link of every page).
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
