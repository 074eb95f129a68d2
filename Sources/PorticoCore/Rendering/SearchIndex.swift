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

    /// The index for one language: `labels` and `urls` are per page, in the order of `pages`.
    func json(labels: [String], urls: [String]) -> String {
        precondition(labels.count == entries.count && urls.count == entries.count)
        var out = "["
        out.reserveCapacity(entries.reduce(2) { $0 + $1.middle.utf8.count + $1.end.utf8.count + 64 })
        for index in entries.indices {
            if index > 0 { out += "," }
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
        var seen = Set<Substring>()
        var out = ""
        out.reserveCapacity(min(text.utf8.count, 4096))
        let utf8 = text.utf8
        var start: String.Index?
        func flush(_ end: String.Index) {
            guard let from = start else { return }
            let word = text[from..<end]
            if seen.insert(word).inserted {
                if !out.isEmpty { out += " " }
                out += word
            }
            start = nil
        }
        for index in utf8.indices {
            let byte = utf8[index]
            let separates = byte < 0x80 && !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A))
            if separates { flush(index) } else if start == nil { start = index }
        }
        flush(utf8.endIndex)
        return out
    }
}
