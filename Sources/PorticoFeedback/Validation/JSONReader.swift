import Foundation

/// Reads JSON (RFC 8259) into a `JSONValue` straight from the bytes: a reader's submission is parsed on every request,
/// and Foundation's JSONDecoder (through `Codable` and its `try?` probing of each type) cost an eighth of the server's
/// time per submission. Accepts what JSONDecoder accepts (any value at the top, whitespace around it) and refuses the
/// rest: trailing bytes, invalid UTF-8, unescaped control characters, lone surrogates, leading zeros, nesting deeper
/// than 512. A number is an integer when it has no fraction or exponent and fits Int64, or when it is written with
/// them but is whole (`3.0`, `1e2`), as JSONDecoder gave it; otherwise a Double. A repeated key keeps its first value, as
/// JSONDecoder's did.
struct JSONReader {
    struct Malformed: Error, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "malformed JSON at byte \(offset): \(reason)" }
    }

    static let maxDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    static func parse(_ data: Data) throws(Malformed) -> JSONValue {
        do {
            return try data.withUnsafeBytes { buffer in
                var reader = JSONReader(buffer)
                return try reader.document()
            }
        } catch let error as Malformed {
            throw error
        } catch {
            throw Malformed(offset: 0, reason: "\(error)")
        }
    }

    private mutating func document() throws(Malformed) -> JSONValue {
        // A UTF-8 byte order mark, which JSONDecoder skips too.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { index = 3 }
        let value = try self.value()
        skipWhitespace()
        if index != bytes.count { throw fail("unexpected bytes after the value") }
        return value
    }

    private func fail(_ reason: String) -> Malformed { Malformed(offset: index, reason: reason) }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private mutating func value() throws(Malformed) -> JSONValue {
        skipWhitespace()
        guard index < bytes.count else { throw fail("a value was expected") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("a value was expected")
        }
    }

    private mutating func literal(_ word: StaticString) throws(Malformed) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw fail("expected \(word)") }
        for offset in 0..<count where bytes[index + offset] != word.utf8Start[offset] { throw fail("expected \(word)") }
        index += count
    }

    private mutating func nest() throws(Malformed) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nested deeper than \(Self.maxDepth)") }
    }

    private mutating func object() throws(Malformed) -> JSONValue {
        try nest()
        index += 1
        var object: [String: JSONValue] = [:]
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            depth -= 1
            return .object(object)
        }
        while true {
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("a key (a string) was expected") }
            let key = try string()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("`:` was expected after a key") }
            index += 1
            let member = try value()
            // One hash per key: a repeated key (rare) gets its first value back.
            if let first = object.updateValue(member, forKey: key) { object[key] = first }
            skipWhitespace()
            guard index < bytes.count else { throw fail("the object is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; break }
            throw fail("`,` or `}` was expected")
        }
        depth -= 1
        return .object(object)
    }

    private mutating func array() throws(Malformed) -> JSONValue {
        try nest()
        index += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            depth -= 1
            return .array(array)
        }
        while true {
            array.append(try value())
            skipWhitespace()
            guard index < bytes.count else { throw fail("the array is not closed") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; break }
            throw fail("`,` or `]` was expected")
        }
        depth -= 1
        return .array(array)
    }

    /// A string from its opening quote; escapes decoded, the bytes checked as UTF-8.
    private mutating func string() throws(Malformed) -> String {
        index += 1
        let start = index
        // The common case: no escapes, so the bytes between the quotes are the string.
        var seen: UInt8 = 0   // every byte or-ed: below 0x80, the string is ASCII
        while index < bytes.count {
            let byte = bytes[index]
            seen |= byte
            if byte == UInt8(ascii: "\"") {
                let text = try utf8(UnsafeRawBufferPointer(rebasing: bytes[start..<index]), ascii: seen < 0x80)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw fail("a control character must be escaped in a string") }
            index += 1
        }
        var decoded = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                let text = String(decoding: decoded, as: UTF8.self)
                guard text.utf8.elementsEqual(decoded) else { throw fail("a string is not valid UTF-8") }   // as `utf8(_:ascii:)`
                return text
            }
            if byte < 0x20 { throw fail("a control character must be escaped in a string") }
            if byte != UInt8(ascii: "\\") {
                decoded.append(byte)
                index += 1
                continue
            }
            index += 1
            guard index < bytes.count else { break }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): decoded.append(escaped)
            case UInt8(ascii: "b"): decoded.append(0x08)
            case UInt8(ascii: "f"): decoded.append(0x0C)
            case UInt8(ascii: "n"): decoded.append(0x0A)
            case UInt8(ascii: "r"): decoded.append(0x0D)
            case UInt8(ascii: "t"): decoded.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = UInt32(try hex4())
                if (0xD800...0xDBFF).contains(scalar) {
                    guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                        throw fail("a high surrogate escape without its low surrogate")
                    }
                    index += 2
                    let low = UInt32(try hex4())
                    guard (0xDC00...0xDFFF).contains(low) else { throw fail("a high surrogate escape without its low surrogate") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw fail("a low surrogate escape without its high surrogate")
                }
                decoded.append(contentsOf: String(Unicode.Scalar(scalar)!).utf8)
            default: throw fail("an unknown escape in a string")
            }
        }
        throw fail("the string is not closed")
    }

    private mutating func hex4() throws(Malformed) -> UInt16 {
        guard index + 4 <= bytes.count else { throw fail("\\u needs four hex digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("\\u needs four hex digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    /// The bytes as a string, refused unless valid UTF-8. Decoding repairs what is invalid (with U+FFFD), so the bytes
    /// are valid when they come back unchanged, and ASCII always is: `String(validating:as:)` looked up generic metadata
    /// for every string, a fifth of the parse on a reader's submission.
    private func utf8(_ buffer: UnsafeRawBufferPointer, ascii: Bool) throws(Malformed) -> String {
        let text = String(decoding: buffer, as: UTF8.self)
        guard ascii || text.utf8.elementsEqual(buffer) else { throw fail("a string is not valid UTF-8") }
        return text
    }

    private mutating func number() throws(Malformed) -> JSONValue {
        let start = index
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit was expected") }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if index < bytes.count, isDigit(bytes[index]) { throw fail("a number must not start with 0") }
        } else {
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        var whole = true
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            whole = false
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit was expected after `.`") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            whole = false
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw fail("a digit was expected in the exponent") }
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        if whole, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw fail("the number is out of range") }
        if double.rounded() == double, let integer = Int64(exactly: double) { return .integer(integer) }
        return .number(double)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
}
