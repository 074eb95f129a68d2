import Foundation

/// Root-relative links, and the error (with a hint that fits the mistake) for a relative link to no file.
extension LinkResolver {
    /// `/…` means the root of the account's own site, never the portal's (which holds every account, behind other keys):
    /// `/` its home, `/insights/` (or another kind) a list, `/insights/<slug>/` a page it publishes, `/search/`,
    /// `/assets/<file>` a file of accounts/<slug>/assets/ and `/assets/library/<file>` one of library/assets/.
    /// Anything else is an error, as the link would leave the account.
    func resolveRootRelative(_ link: MarkdownLink, _ parts: LinkParts, on page: ResolvedPage, at location: SourceLocation,
                             assets: inout [AssetReference], diagnostics: inout [Diagnostic]) -> String? {
        let url = link.url
        let path = Self.normalize(parts.path).map { $0.hasSuffix("/index.html") || $0 == "index.html" ? String($0.dropLast("index.html".count)) : $0 }
        let segments = path.map { $0.split(separator: "/").map(String.init) } ?? []
        if path != nil {
            if segments.first == "assets", segments.count >= 2 {
                let source = segments.count >= 3 && segments[1] == "library"
                    ? "library/assets/" + segments.dropFirst(2).joined(separator: "/")
                    : "accounts/\(account.slug)/assets/" + segments.dropFirst().joined(separator: "/")
                if knownAssets.contains(source) {
                    return assetURL(link, source: source, parts, on: page, at: location, assets: &assets, diagnostics: &diagnostics)
                }
            } else if !link.isImage, let output = pageOutput(segments) {
                if let published = account.pages.first(where: { $0.outputPath == output }) {
                    return pageURL(published, parts, from: page, url: url, at: location)
                }
                if segments.count != 2 {   // home, a list or search: always there
                    if parts.fragment.count > 1 {
                        anchors?.reference(account: account.slug, page: output, fragment: String(parts.fragment.dropFirst()), url: url, at: location)
                    }
                    return RelativeURL.between(page.outputPath, output) + parts.query + parts.fragment
                }
            }
        }
        let what = link.isImage ? "image" : "link"
        let hint = link.isImage
            ? "put the image in \(assetFolder(for: page)) and link it relatively (../assets/<file>), or write /assets/<file> for one in accounts/\(account.slug)/assets/"
            : "link to a page by its Markdown file, relative to \(page.source.sourcePath) (e.g. ../insights/<page>.md); inside the account, / is its home and /insights/, /solutions/, /case-studies/, /search/ and /assets/<file> are its own; use https://… for another site"
        diagnostics.append(.error("root-link", at: location,
                                  "\(what) `\(url)` points to the portal's root, outside account `\(account.slug)`, and matches none of its pages or files",
                                  hint: hint))
        return nil
    }

    /// The output path a root-relative page URL names: home, a kind's list, search, or `<kind>/<slug>`.
    private func pageOutput(_ segments: [String]) -> String? {
        switch segments.count {
        case 0: return "index.html"
        case 1 where segments[0] == "search" || PageKind(rawValue: segments[0]) != nil: return segments[0] + "/index.html"
        case 2 where PageKind(rawValue: segments[0]) != nil: return segments[0] + "/" + segments[1] + "/index.html"
        default: return nil
        }
    }

    /// A relative link whose target is neither a page nor a file: say what it is instead, and how to link to what was meant.
    func notAFile(_ link: MarkdownLink, target: String, on page: ResolvedPage, at location: SourceLocation) -> Diagnostic {
        let url = link.url
        let code = link.isImage ? "missing-image" : "broken-link"
        let relativeTo = "it is relative to \(page.source.sourcePath)"
        if knownPages.contains(target) {   // an image naming a Markdown page
            return .error(code, at: location, "image `\(url)` points to the page \(target), not to an image",
                          hint: "point it at an image file in \(assetFolder(for: page)) (\(relativeTo))")
        }
        let bare = target.hasSuffix("/index.html") ? String(target.dropLast("/index.html".count)) : target
        let markdown = (bare.hasSuffix(".html") ? String(bare.dropLast(".html".count)) : bare) + ".md"
        if !link.isImage, knownPages.contains(markdown) {   // a published URL (`../insights/x/`) instead of the file
            return .error(code, at: location, "`\(url)` names a page by its web address; links name the Markdown file",
                          hint: "link to \(Self.relativePath(from: page.source.sourcePath, to: markdown)) (Portico writes the page's address)")
        }
        let folder = target + "/"
        if knownPages.contains(where: { $0.hasPrefix(folder) }) || knownAssets.contains(where: { $0.hasPrefix(folder) }) {
            let parts = target.split(separator: "/")
            let kind = parts.last.flatMap { PageKind(rawValue: String($0)) }
            let isKindFolder = kind != nil && (parts.count == 2 && parts[0] == "library" || parts.count == 4 && parts[0] == "accounts")
            let list = isKindFolder ? ", or to the account's list of \(kind!.rawValue) with /\(kind!.rawValue)/" : ""
            return .error(code, at: location, "`\(url)` is the folder \(target), not a page or a file",
                          hint: "link to one file in it (e.g. \(url.hasSuffix("/") ? url : url + "/")<name>.md)\(list)")
        }
        if link.isImage {
            return .error(code, at: location, "image `\(url)` not found (looked for \(target))",
                          hint: "fix the path (\(relativeTo)); images belong in \(assetFolder(for: page))")
        }
        return .error(code, at: location, "file `\(url)` not found (looked for \(target))", hint: "fix the path (\(relativeTo))")
    }

    /// `to` written relative to the folder of `from` (both relative to the content folder).
    static func relativePath(from: String, to: String) -> String {
        let base = from.split(separator: "/").dropLast()
        let target = to.split(separator: "/")
        var common = 0
        while common < base.count, common < target.count - 1, base[base.startIndex + common] == target[common] { common += 1 }
        let up = String(repeating: "../", count: base.count - common)
        return up + target.dropFirst(common).joined(separator: "/")
    }
}
