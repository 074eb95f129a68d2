import Foundation

/// Deterministic JSON text (sorted keys, no spaces), safe inside a `<script type="application/json">`
/// element: `<`, `>` and `&` are written as `\u003c` etc. Hand-written because it runs on every page
/// (keyring, payload, search index), where Foundation's serializer and separate escaping passes were a large share
/// of a build (bench/RESULTS.md, "What the shortcuts in the source save").
public enum JSONText {
    public static func encode(_ value: Any) -> String {
        var out = ""
        write(value, to: &out)
        return out
    }

    /// One JSON string literal, quotes included.
    public static func quote(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count + 2)
        writeString(text, to: &out)
        return out
    }

    static func write(_ value: Any, to out: inout String) {
        switch value {
        case let text as String: writeString(text, to: &out)
        case let flag as Bool: out += flag ? "true" : "false"
        case let number as Int: out += String(number)
        case let number as Double: out += number.isFinite ? String(number) : "null"
        case let list as [Any]:
            out += "["
            for (index, item) in list.enumerated() {
                if index > 0 { out += "," }
                write(item, to: &out)
            }
            out += "]"
        case let map as [String: Any]:
            out += "{"
            for (index, key) in map.keys.sorted().enumerated() {
                if index > 0 { out += "," }
                writeString(key, to: &out)
                out += ":"
                write(map[key]!, to: &out)
            }
            out += "}"
        default: out += "null"
        }
    }

    /// Bytes that need a JSON escape (control characters, quote, backslash) or are unsafe in a script element.
    private static let needsEscape: [Bool] = (0...255).map { byte in
        byte < 0x20 || byte == 0x22 || byte == 0x5C || byte == 0x3C || byte == 0x3E || byte == 0x26
    }

    static func writeString(_ text: String, to out: inout String) {
        var copy = text
        copy.withUTF8 { bytes in
            needsEscape.withUnsafeBufferPointer { needsEscape in
                out += "\""
                var plainStart = 0
                var index = 0
                while index < bytes.count {
                    let byte = bytes[index]
                    guard needsEscape[Int(byte)] else {
                        index += 1
                        continue
                    }
                    if plainStart < index { out += text.slice(plainStart, index) }
                    switch byte {
                    case UInt8(ascii: "\""): out += "\\\""
                    case UInt8(ascii: "\\"): out += "\\\\"
                    case UInt8(ascii: "\n"): out += "\\n"
                    case UInt8(ascii: "\r"): out += "\\r"
                    case UInt8(ascii: "\t"): out += "\\t"
                    case UInt8(ascii: "<"): out += "\\u003c"
                    case UInt8(ascii: ">"): out += "\\u003e"
                    case UInt8(ascii: "&"): out += "\\u0026"
                    default: out += "\\u00" + Hex.digits(byte)
                    }
                    index += 1
                    plainStart = index
                }
                if plainStart < bytes.count { out += text.slice(plainStart, bytes.count) }
                out += "\""
            }
        }
    }
}
