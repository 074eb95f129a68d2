import Foundation

/// Deterministic JSON text (sorted keys, no spaces), safe inside a `<script type="application/json">`
/// element: `<`, `>` and `&` are written as `\u003c` etc. Hand-written because it runs on every page
/// (keyring, payload, search index) and Foundation's serializer plus escaping passes cost half a build.
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

    static func writeString(_ text: String, to out: inout String) {
        out += "\""
        // Fast path: most strings (base64 ciphertext above all) need no escaping at all.
        let clean = text.utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0x3C || $0 == 0x3E || $0 == 0x26 }
        } ?? false
        if clean {
            out += text
            out += "\""
            return
        }
        var plainStart = text.utf8.startIndex
        let utf8 = text.utf8
        var index = utf8.startIndex
        while index != utf8.endIndex {
            let byte = utf8[index]
            let escape: String?
            switch byte {
            case UInt8(ascii: "\""): escape = "\\\""
            case UInt8(ascii: "\\"): escape = "\\\\"
            case UInt8(ascii: "\n"): escape = "\\n"
            case UInt8(ascii: "\r"): escape = "\\r"
            case UInt8(ascii: "\t"): escape = "\\t"
            case UInt8(ascii: "<"): escape = "\\u003c"
            case UInt8(ascii: ">"): escape = "\\u003e"
            case UInt8(ascii: "&"): escape = "\\u0026"
            case 0..<0x20: escape = String(format: "\\u%04x", Int(byte))
            default: escape = nil
            }
            if let escape {
                out += String(decoding: utf8[plainStart..<index], as: UTF8.self)
                out += escape
                plainStart = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        out += String(decoding: utf8[plainStart..<utf8.endIndex], as: UTF8.self)
        out += "\""
    }
}
