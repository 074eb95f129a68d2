import Crypto
import Foundation

/// Where a long-running process (the preview's `BuildMemory`) keeps the cache's entries between builds, with the
/// identity of the file they mirror.
protocol FrontMatterMemory: Sendable {
    /// The entries last saved to or read from `file`, while the file is still the one it was.
    func frontMatter(at file: URL) -> [String: FrontMatterCache.Stored]?
    func remember(_ entries: [String: FrontMatterCache.Stored], at file: URL)
    /// Counts a read of a cache file from disk (tests check that a remembered file is not read again).
    func countFileRead()
}

/// Front matter parsed by earlier builds (`.portico/cache/front-matter.cache`), by a hash of the whole source file
/// and its place (`key`). Parsing YAML is most of what loading costs when nothing changed; a hit skips it, and
/// decoding the file, and gives back the same page and the same diagnostics. The file names the portico binary that
/// wrote it: a new binary may parse differently, so it starts afresh.
/// Accounts load in parallel: what a load adds is kept `Locked`.
final class FrontMatterCache: Sendable {
    let file: URL
    private let stored: Entries
    private let loaded = Locked(Loaded())
    private let memory: (any FrontMatterMemory)?

    /// What this load used of the file, and how many pages it parsed afresh.
    private struct Loaded {
        var used: [String: Stored] = [:]
        var misses = 0
    }

    struct Stored: Equatable, Sendable {
        var page: StoredPage?
        var diagnostics: [Diagnostic]
    }

    /// A `SourcePage` without what the caller knows (path, place) or what is not front matter (the body, kept as
    /// its length in bytes: it is the end of the file).
    struct StoredPage: Equatable, Sendable {
        var slug, title, date: String
        var summary, author, sme, lang: String?
        var industries, tags: [String]
        var draft: Bool
        var smeLocation: SourceLocation?
        var bodyStartLine, bodyBytes: Int
        /// `SourcePage.readerFingerprint` of the page, so a no-op build does not hash every body again.
        var publishFingerprint: String
    }

    struct Restored {
        var page: SourcePage?
        var diagnostics: [Diagnostic]
        var publishFingerprint: String?
    }

    static let fewParses = 16

    /// What the file holds, from `memory` while it still mirrors the file.
    init(folder: URL, memory: (any FrontMatterMemory)? = nil) {
        file = folder.appendingPathComponent("front-matter.cache")
        self.memory = memory
        if let remembered = memory?.frontMatter(at: file) {
            stored = .decoded(remembered)
        } else if let memory {
            // A long-running process keeps every entry: it reads them all once.
            let data = FileBytes.contents(of: file.path)
            if data != nil { memory.countFileRead() }
            let entries = data.flatMap { FrontMatterCacheFile.decode($0, binary: Self.binary) } ?? [:]
            if !entries.isEmpty { memory.remember(entries, at: file) }
            stored = .decoded(entries)
        } else {
            stored = FileBytes.contents(of: file.path).flatMap { FrontMatterCacheFile.index($0, binary: Self.binary) }.map(Entries.indexed)
                ?? .decoded([:])
        }
    }

    /// The file's entries: all read, or each read when asked for.
    private enum Entries: Sendable {
        case decoded([String: Stored])
        case indexed(FrontMatterCacheIndex)

        subscript(key: String) -> Stored? {
            switch self {
            case .decoded(let entries): entries[key]
            case .indexed(let index): index.entry(key)
            }
        }

        var count: Int {
            switch self {
            case .decoded(let entries): entries.count
            case .indexed(let index): index.offsets.count
            }
        }

        var all: [String: Stored] {
            switch self {
            case .decoded(let entries): entries
            case .indexed(let index): index.all() ?? [:]
            }
        }
    }

    /// The page this file gave last time, or nil when it must be parsed (then `store` the result).
    func restore(key: String, file data: Data, sourcePath: String, origin: PageOrigin, kind: PageKind) -> Restored? {
        guard let hit = stored[key], let restored = hit.restored(file: data, sourcePath: sourcePath, origin: origin, kind: kind) else { return nil }
        loaded.withLock { $0.used[key] = hit }
        return restored
    }

    /// Remembers a parse; returns the page's publish fingerprint.
    @discardableResult
    func store(key: String, page: SourcePage?, diagnostics: [Diagnostic]) -> String? {
        let publish = page.map(\.readerFingerprint)
        let entry = Stored(page: page.map { StoredPage($0, publishFingerprint: publish ?? "") }, diagnostics: diagnostics)
        loaded.withLock {
            $0.misses += 1
            $0.used[key] = entry
        }
        return publish
    }

    /// Writes the entries this load used, unless they are exactly what was read. A load of some accounts only
    /// (`keepingUnused`) keeps the other entries too: the accounts it left out still have their pages. It
    /// writes nothing for a few new parses: parsing a page or two again next time costs less than rewriting
    /// the cache of every page.
    func save(keepingUnused: Bool = false) {
        let (used, misses) = loaded.withLock { ($0.used, $0.misses) }
        guard keepingUnused ? misses > Self.fewParses : misses > 0 || used.count != stored.count else { return }
        let folder = file.deletingLastPathComponent()
        try? PrivateFolder.create(folder)
        let entries = keepingUnused ? stored.all.merging(used) { _, new in new } : used
        if (try? FrontMatterCacheFile.encode(entries, binary: Self.binary).write(to: file, options: .atomic)) != nil {
            memory?.remember(entries, at: file)
        }
        // The JSON cache of earlier versions is never read again.
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("front-matter.json"))
    }

    /// A hash of everything a parse reads: the file's bytes and its path and place. It is also the page's
    /// input fingerprint for the build cache, so each file is hashed once.
    static func key(file data: Data, sourcePath: String, origin: PageOrigin, kind: PageKind) -> String {
        var hasher = SHA256()
        let place: String = switch origin {
        case .library: "library"
        case .account(let slug): "account:" + slug
        }
        for part in [sourcePath, place, kind.rawValue] {
            var part = part
            part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            hasher.update(data: [UInt8(0)])
        }
        hasher.update(data: data)
        return Hex.encode(hasher.finalize())
    }

    /// Which portico parsed.
    static var binary: String { ThisProgram.identity }
}

extension FrontMatterCache.Stored {
    /// nil when the stored page cannot be read back (then it is parsed again).
    func restored(file data: Data, sourcePath: String, origin: PageOrigin, kind: PageKind) -> FrontMatterCache.Restored? {
        guard let stored = page else { return FrontMatterCache.Restored(page: nil, diagnostics: diagnostics) }
        guard let date = Day(stored.date), stored.bodyBytes >= 0, stored.bodyBytes <= data.count else { return nil }
        let lang = stored.lang.map { Language(rawValue: $0) }
        if lang == .some(nil) { return nil }
        let body = String(decoding: data.suffix(stored.bodyBytes), as: UTF8.self)
        let page = SourcePage(sourcePath: sourcePath, origin: origin, kind: kind, slug: stored.slug, title: stored.title, date: date,
                              summary: stored.summary, industries: stored.industries, tags: stored.tags, lang: lang ?? nil,
                              draft: stored.draft, author: stored.author, sme: stored.sme, smeLocation: stored.smeLocation,
                              body: body, bodyStartLine: stored.bodyStartLine)
        return FrontMatterCache.Restored(page: page, diagnostics: diagnostics, publishFingerprint: stored.publishFingerprint)
    }
}

extension FrontMatterCache.StoredPage {
    init(_ page: SourcePage, publishFingerprint: String) {
        self.init(slug: page.slug, title: page.title, date: page.date.description, summary: page.summary, author: page.author,
                  sme: page.sme, lang: page.lang?.rawValue, industries: page.industries, tags: page.tags, draft: page.draft,
                  smeLocation: page.smeLocation, bodyStartLine: page.bodyStartLine, bodyBytes: page.body.utf8.count,
                  publishFingerprint: publishFingerprint)
    }
}
