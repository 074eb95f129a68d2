import Foundation

/// The front-matter cache on disk, in `CacheBytesWriter`'s format: a format tag, the binary that wrote it,
/// then each entry: its key and a block, which indexing steps over by its length. Anything else (an older
/// format, another binary, a damaged file) reads as nil.
enum FrontMatterCacheFile {
    static let format = "portico-front-matter-2"

    static func encode(_ entries: [String: FrontMatterCache.Stored], binary: String) -> Data {
        var writer = CacheBytesWriter()
        writer.string(format)
        writer.string(binary)
        writer.int(entries.count)
        for (key, entry) in entries {
            writer.string(key)
            writer.block { writer in
                writer.optional(entry.page) { writer, page in
                    for text in [page.slug, page.title, page.date] { writer.string(text) }
                    for text in [page.summary, page.author, page.sme, page.lang] { writer.optional(text) { $0.string($1) } }
                    writer.strings(page.industries)
                    writer.strings(page.tags)
                    writer.bool(page.draft)
                    writer.optional(page.smeLocation) { $0.location($1) }
                    writer.int(page.bodyStartLine)
                    writer.int(page.bodyBytes)
                    writer.string(page.publishFingerprint)
                }
                writer.diagnostics(entry.diagnostics)
            }
        }
        return writer.sealed()
    }

    /// Where each entry is, by key, without reading the entries: a one-account build restores a few hundred
    /// of the thousands of pages the file holds, and making all of them was most of its loading.
    static func index(_ data: Data, binary: String) -> FrontMatterCacheIndex? {
        guard var reader = CacheBytesReader(sealed: data), reader.string() == format, reader.string() == binary,
              let count = reader.int(), count >= 0 else { return nil }
        var offsets: [String: Int] = [:]
        offsets.reserveCapacity(min(count, data.count))
        for _ in 0..<count {
            guard let key = reader.string() else { return nil }
            offsets[key] = reader.position
            guard reader.skip() else { return nil }
        }
        return reader.isAtEnd ? FrontMatterCacheIndex(reader: reader, offsets: offsets) : nil
    }

    static func decode(_ data: Data, binary: String) -> [String: FrontMatterCache.Stored]? {
        guard var reader = CacheBytesReader(sealed: data), reader.string() == format, reader.string() == binary,
              let count = reader.int(), count >= 0 else { return nil }
        var entries: [String: FrontMatterCache.Stored] = [:]
        entries.reserveCapacity(min(count, data.count))
        for _ in 0..<count {
            guard let key = reader.string(), let entry = reader.entry() else { return nil }
            entries[key] = entry
        }
        return reader.isAtEnd ? entries : nil
    }
}

/// The entries of a front-matter cache file, each read when asked for.
struct FrontMatterCacheIndex: Sendable {
    let reader: CacheBytesReader
    let offsets: [String: Int]

    func entry(_ key: String) -> FrontMatterCache.Stored? {
        guard let offset = offsets[key] else { return nil }
        var reader = reader
        reader.seek(to: offset)
        return reader.entry()
    }

    /// Every entry (for a save that keeps the entries this build did not use); nil when one cannot be read.
    func all() -> [String: FrontMatterCache.Stored]? {
        var entries: [String: FrontMatterCache.Stored] = [:]
        for key in offsets.keys {
            guard let entry = entry(key) else { return nil }
            entries[key] = entry
        }
        return entries
    }
}

private extension CacheBytesReader {
    /// An entry's block: its page (nil for a page whose front matter failed) and its diagnostics.
    mutating func entry() -> FrontMatterCache.Stored? {
        block { reader in
            guard let page = reader.optional({ $0.page() }), let diagnostics = reader.diagnostics() else { return nil }
            return FrontMatterCache.Stored(page: page, diagnostics: diagnostics)
        }
    }

    mutating func page() -> FrontMatterCache.StoredPage? {
        guard let slug = string(), let title = string(), let date = string(),
              let summary = optional({ $0.string() }), let author = optional({ $0.string() }),
              let sme = optional({ $0.string() }), let lang = optional({ $0.string() }),
              let industries = strings(), let tags = strings(), let draft = bool(),
              let smeLocation = optional({ $0.location() }), let bodyStartLine = int(), let bodyBytes = int(),
              let publishFingerprint = string() else { return nil }
        return FrontMatterCache.StoredPage(slug: slug, title: title, date: date, summary: summary, author: author, sme: sme, lang: lang,
                                           industries: industries, tags: tags, draft: draft, smeLocation: smeLocation,
                                           bodyStartLine: bodyStartLine, bodyBytes: bodyBytes, publishFingerprint: publishFingerprint)
    }
}
