import Foundation

/// How long a text takes to read.
public enum ReadingTime {
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
    public static func minutes(_ text: String) -> Int {
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
