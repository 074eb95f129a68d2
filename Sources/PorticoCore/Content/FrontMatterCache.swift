import Crypto
import Foundation

/// Front matter parsed by earlier builds (`.portico/cache/front-matter.json`), by a hash of everything the
/// parse reads: the YAML text, the page's path and place, and the portico binary itself. Yams was most of a
/// no-op build's loading time; a hit skips it and gives back the same page and the same diagnostics.
final class FrontMatterCache {
    let file: URL
    private let stored: [String: Stored]
    private var used: [String: Stored] = [:]
    private var misses = 0

    struct Stored: Codable, Equatable {
        var page: StoredPage?
        var diagnostics: [Diagnostic]
    }

    /// A `SourcePage` without what the caller knows (path, place) or what is not front matter (the body).
    struct StoredPage: Codable, Equatable {
        var slug, title, date: String
        var summary, author, sme, lang: String?
        var industries, tags: [String]
        var draft: Bool
        var smeLocation: SourceLocation?
    }

    init(folder: URL) {
        file = folder.appendingPathComponent("front-matter.json")
        stored = (try? Data(contentsOf: file)).flatMap { try? JSONDecoder().decode([String: Stored].self, from: $0) } ?? [:]
    }

    /// The page and diagnostics for this front matter, from the cache or from `parse`.
    func page(yaml: String, sourcePath: String, origin: PageOrigin, kind: PageKind, body: String, bodyLine: Int,
              parse: () -> (SourcePage?, [Diagnostic])) -> (SourcePage?, [Diagnostic]) {
        let key = Self.key(yaml: yaml, sourcePath: sourcePath, origin: origin, kind: kind)
        if let hit = stored[key], let result = hit.restored(sourcePath: sourcePath, origin: origin, kind: kind, body: body, bodyLine: bodyLine) {
            used[key] = hit
            return result
        }
        let (page, diagnostics) = parse()
        misses += 1
        used[key] = Stored(page: page.map(StoredPage.init), diagnostics: diagnostics)
        return (page, diagnostics)
    }

    /// Writes the entries this load used, unless they are exactly what was read.
    func save() {
        guard misses > 0 || used.count != stored.count else { return }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? JSONEncoder().encode(used).write(to: file, options: .atomic)
    }

    static func key(yaml: String, sourcePath: String, origin: PageOrigin, kind: PageKind) -> String {
        var hasher = SHA256()
        for part in [binary, sourcePath, "\(origin)", kind.rawValue, yaml] {
            hasher.update(data: Data(part.utf8))
            hasher.update(data: Data([0]))
        }
        return Hex.encode(hasher.finalize())
    }

    /// Which portico parsed: a new binary may parse differently, so it starts afresh.
    static let binary: String = {
        var info = stat()
        let path = FileManager.default.fileExists(atPath: "/proc/self/exe") ? "/proc/self/exe" : (Bundle.main.executablePath ?? "")
        guard stat(path, &info) == 0 else { return UUID().uuidString }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }()
}

extension FrontMatterCache.Stored {
    /// nil when the stored page cannot be read back (then it is parsed again).
    func restored(sourcePath: String, origin: PageOrigin, kind: PageKind, body: String, bodyLine: Int) -> (SourcePage?, [Diagnostic])? {
        guard let stored = page else { return (nil, diagnostics) }
        guard let date = Day(stored.date) else { return nil }
        let lang = stored.lang.map { Language(rawValue: $0) }
        if lang == .some(nil) { return nil }
        let page = SourcePage(sourcePath: sourcePath, origin: origin, kind: kind, slug: stored.slug, title: stored.title, date: date,
                              summary: stored.summary, industries: stored.industries, tags: stored.tags, lang: lang ?? nil,
                              draft: stored.draft, author: stored.author, sme: stored.sme, smeLocation: stored.smeLocation,
                              body: body, bodyStartLine: bodyLine)
        return (page, diagnostics)
    }
}

extension FrontMatterCache.StoredPage {
    init(_ page: SourcePage) {
        self.init(slug: page.slug, title: page.title, date: page.date.description, summary: page.summary, author: page.author,
                  sme: page.sme, lang: page.lang?.rawValue, industries: page.industries, tags: page.tags, draft: page.draft,
                  smeLocation: page.smeLocation)
    }
}
