import Foundation

/// Dates and reading times as each language writes them.
public enum Formatting {
    static let monthsEN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `12 Sep 2026` / `2026年9月12日`.
    public static func date(_ day: Day, _ language: Language) -> String {
        switch language {
        case .en: "\(day.day) \(monthsEN[day.month - 1]) \(day.year)"
        case .zhCN: "\(day.year)年\(day.month)月\(day.day)日"
        }
    }

    /// Punctuation frequent in Chinese and typographic English, answered without a Unicode property lookup
    /// (or a hashed set: Chinese text has a comma every few characters).
    static func isCommonPunctuation(_ v: UInt32) -> Bool {
        switch v {
        case 0x00B7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026, 0x3001, 0x3002, 0x300A...0x3011,
             0xFF01, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B, 0xFF1F: true
        default: false
        }
    }

    /// Minutes to read: Chinese at 400 characters a minute, other text at 220 words a minute; at least 1.
    public static func readingMinutes(_ text: String) -> Int {
        var cjk = 0
        var words = 0
        var inWord = false
        var text = text
        text.withUTF8 { bytes in
            var i = 0
            while i < bytes.count {
                let lead = bytes[i]
                if lead < 0x80 {
                    // ASCII, read byte by byte: most text here is ASCII or CJK.
                    let isWordByte = Identifier.alphanumeric(lead)
                    if isWordByte && !inWord { words += 1 }
                    inWord = isWordByte
                    i += 1
                    continue
                }
                // A multi-byte scalar (the String's storage is valid UTF-8).
                let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
                var v = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
                for k in 1..<length { v = v << 6 | UInt32(bytes[i + k] & 0x3F) }
                i += length
                if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) {
                    cjk += 1
                    inWord = false
                } else if Self.isCommonPunctuation(v) {
                    inWord = false
                } else if let scalar = Unicode.Scalar(v), scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                    if !inWord { words += 1 }
                    inWord = true
                } else {
                    inWord = false
                }
            }
        }
        let minutes = Double(cjk) / 400 + Double(words) / 220
        return max(1, Int(minutes.rounded()))
    }
}

/// Relative URLs between output files, so a site works under any prefix and from any host.
public enum RelativeURL {
    /// `from` and `to` are paths relative to one root (`insights/x/index.html`); a trailing `index.html` becomes `/`.
    public static func between(_ from: String, _ to: String) -> String {
        let target: Substring = if to == "index.html" { "" } else if to.hasSuffix("/index.html") { to.dropLast("index.html".count) } else { to[...] }
        let depth = folders(above: from)
        if depth == 0 { return target.isEmpty ? "./" : String(target) }
        return up(depth) + target
    }

    /// `../` repeated once per folder above `path`.
    public static func toRoot(from path: String) -> String {
        let depth = folders(above: path)
        return depth == 0 ? "./" : up(depth)
    }

    /// The folders `path` lies in: its non-empty `/`-separated parts but the last (relative links are built
    /// for every page, several times each, so this counts bytes instead of splitting).
    static func folders(above path: String) -> Int {
        var parts = 0, inPart = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/") { inPart = false } else if !inPart { inPart = true; parts += 1 }
        }
        return max(parts - 1, 0)
    }

    private static let ups = (0..<16).map { String(repeating: "../", count: $0) }

    private static func up(_ depth: Int) -> String { depth < ups.count ? ups[depth] : String(repeating: "../", count: depth) }
}
