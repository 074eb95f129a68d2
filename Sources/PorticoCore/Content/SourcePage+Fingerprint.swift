import Crypto
import Foundation

extension SourcePage {
    /// Changes to what a reader sees (title, date, summary, tags, body) change the fingerprint.
    public var readerFingerprint: String {
        let text = [title, date.description, summary ?? "", tags.joined(separator: ","), body].joined(separator: "\u{1F}")
        return Hex.encode(SHA256.hash(data: Data(text.utf8)).prefix(12))
    }
}
