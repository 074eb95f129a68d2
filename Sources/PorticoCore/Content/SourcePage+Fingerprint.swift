import Crypto
import Foundation

extension SourcePage {
    /// Changes to what a reader sees (title, date, summary, tags, body) change the fingerprint.
    public var readerFingerprint: String {
        let text = [title, date.description, summary ?? "", tags.joined(separator: ","), body].joined(separator: "\u{1F}")
        return Hex.encode(SHA256.hash(data: Data(text.utf8)).prefix(12))
    }

    /// Every field of the page, hashed: what a build's fingerprints start from. `file`, the front-matter cache's
    /// hash of the page's file, stands for the body when given: the body is the end of that file, and a no-op
    /// build need not hash it again (bench/RESULTS.md, "What the shortcuts in the source save").
    func inputFingerprint(file: String? = nil) -> String {
        var hasher = FieldHasher()
        hasher.add(draft ? "draft" : "final")
        hasher.add(date.description)
        for field in [sourcePath, title, summary ?? "", author ?? "", sme ?? "", lang?.rawValue ?? "",
                      industries.joined(separator: ","), tags.joined(separator: ","), String(bodyStartLine)] {
            hasher.add(field)
        }
        if let file { hasher.add("file " + file) } else { hasher.add("body " + body) }
        return hasher.hex()
    }
}
