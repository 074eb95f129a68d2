import Foundation

extension PublishRecord {
    /// The record as pretty-printed JSON with sorted keys, the shape JSONEncoder gives it, written directly:
    /// JSONEncoder took a twentieth of a one-page rebuild for fifteen thousand short strings.
    func json() -> Data {
        var out = "{\n  \"accounts\" : {"
        for (index, (slug, pages)) in accounts.sorted(by: { $0.key < $1.key }).enumerated() {
            out += (index == 0 ? "\n" : ",\n") + "    " + Self.quoted(slug) + " : {"
            for (pageIndex, (path, fingerprint)) in pages.sorted(by: { $0.key < $1.key }).enumerated() {
                out += (pageIndex == 0 ? "\n" : ",\n") + "      " + Self.quoted(path) + " : " + Self.quoted(fingerprint)
            }
            out += pages.isEmpty ? "\n\n    }" : "\n    }"
        }
        out += accounts.isEmpty ? "\n\n  },\n" : "\n  },\n"
        out += "  \"date\" : " + Self.quoted(date) + "\n}"
        return Data(out.utf8)
    }

    static func quoted(_ text: String) -> String {
        // Paths and fingerprints almost never need an escape: then the text goes in whole.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
