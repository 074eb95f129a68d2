import Foundation

/// The search index of one account: one entry per page, `{"k":kind,"s":summary,"t":title,"u":url,"x":text}`.
/// Every UI language lists the same pages with the same text; only the kind label and the relative URL
/// differ, so the fixed part of each entry is encoded once and reused for each language. The JSON is what
/// `JSONText.encode` writes for the same maps.
struct SearchIndex {
    struct Entry {
        /// `"s":…,"t":…,`
        let middle: String
        /// `,"x":…}`
        let end: String
    }

    let entries: [Entry]

    init(pages: [(title: String, summary: String, text: String)]) {
        entries = pages.map { page in
            var middle = "\"s\":"
            JSONText.writeString(page.summary, to: &middle)
            middle += ",\"t\":"
            JSONText.writeString(page.title, to: &middle)
            middle += ","
            var end = ",\"x\":"
            end.reserveCapacity(page.text.utf8.count + 16)
            JSONText.writeString(page.text, to: &end)
            end += "}"
            return Entry(middle: middle, end: end)
        }
    }

    /// Entries per shard: the search page loads the index a shard at a time and shows what the first finds while
    /// the rest arrive, so a first search on a large account waits for about 100 entries, not the whole index.
    static let shardSize = 100

    /// How many shards `shards` makes of `count` entries.
    static func shardCount(_ count: Int) -> Int { (count + shardSize - 1) / shardSize }

    /// The index for one language in shards of `shardSize` entries, in index order; each is a JSON array.
    func shards(labels: [String], urls: [String]) -> [String] {
        stride(from: 0, to: entries.count, by: Self.shardSize).map { start in
            json(labels: labels, urls: urls, range: start..<min(start + Self.shardSize, entries.count))
        }
    }

    /// What the search page holds instead of the index: the shards' file names, relative to the page.
    static func manifest(shards: [String]) -> String {
        var out = "{\"shards\":["
        for (index, name) in shards.enumerated() {
            if index > 0 { out += "," }
            JSONText.writeString(name, to: &out)
        }
        return out + "]}"
    }

    /// The index for one language: `labels` and `urls` are per page, in the order of `pages`.
    func json(labels: [String], urls: [String], range: Range<Int>? = nil) -> String {
        precondition(labels.count == entries.count && urls.count == entries.count)
        let range = range ?? entries.indices
        var out = "["
        out.reserveCapacity(entries[range].reduce(2) { $0 + $1.middle.utf8.count + $1.end.utf8.count + 64 })
        for index in range {
            if index > range.lowerBound { out += "," }
            out += "{\"k\":"
            JSONText.writeString(labels[index], to: &out)
            out += ","
            out += entries[index].middle
            out += "\"u\":"
            JSONText.writeString(urls[index], to: &out)
            out += entries[index].end
        }
        return out + "]"
    }

    /// A page's text reduced to what search matches: its words (runs between ASCII spaces and punctuation), each
    /// once, in first-seen order, joined by spaces. The search script matches a query word as a prefix of a word
    /// and a CJK query as a substring of a run without separators; no query holds a separator, so every match in
    /// the full text lies inside one such run and is still found here, and nothing new is. Non-ASCII characters
    /// never split a run: after the script's normalisation (NFKD, marks removed) they may join their neighbours.
    static func terms(of text: String) -> String {
        var text = text
        let separates = Self.separates  // a static read in the loop costs a swift_once check per byte
        return text.withUTF8 { bytes in
            var words = WordSet()
            var out: [UInt8] = []
            out.reserveCapacity(min(bytes.count, 4096))
            var index = 0
            while index < bytes.count {
                while index < bytes.count && separates[Int(bytes[index])] { index += 1 }
                let start = index
                var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
                while index < bytes.count && !separates[Int(bytes[index])] {
                    hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3
                    index += 1
                }
                guard index > start, words.insert(start..<index, hash: hash, in: bytes) else { continue }
                if !out.isEmpty { out.append(0x20) }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// ASCII bytes other than letters and digits.
    private static let separates: [Bool] = (0...255).map { byte in
        byte < 0x80 && !Identifier.alphanumeric(UInt8(byte))
    }

    /// The distinct words of one text, as byte ranges of it: hashing `Substring`s (Unicode-aware) was most of
    /// the cost of building the search index. Words are compared byte for byte, as the search script does.
    private struct WordSet {
        private var slots = [Int32](repeating: -1, count: 1024)
        private var ranges: [Range<Int>] = []
        private var hashes: [UInt64] = []

        /// Whether the word was new.
        mutating func insert(_ word: Range<Int>, hash: UInt64, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
            while slots[slot] >= 0 {
                let known = Int(slots[slot])
                if hashes[known] == hash && ranges[known].count == word.count
                    && memcmp(bytes.baseAddress! + ranges[known].lowerBound, bytes.baseAddress! + word.lowerBound, word.count) == 0 {
                    return false
                }
                slot = (slot + 1) & (slots.count - 1)
            }
            slots[slot] = Int32(ranges.count)
            ranges.append(word)
            hashes.append(hash)
            if ranges.count * 2 > slots.count { grow() }
            return true
        }

        private mutating func grow() {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            for (index, hash) in hashes.enumerated() {
                var slot = Int(truncatingIfNeeded: hash) & (slots.count - 1)
                while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
                slots[slot] = Int32(index)
            }
        }
    }
}
