/// Standard base64 (RFC 4648, with `=` padding) written straight into a byte buffer. Foundation's encoder
/// builds a String first; on a gated build the ciphertext of every page goes through here.
enum Base64Text {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Two output characters for each 12-bit value, the first in the low byte: one table lookup per 12 input bits.
    private static let pairs: [UInt16] = (0..<4096).map { value in
        UInt16(alphabet[value >> 6]) | UInt16(alphabet[value & 63]) << 8
    }

    static func encodedCount(_ byteCount: Int) -> Int { (byteCount + 2) / 3 * 4 }

    /// Writes `encodedCount(bytes.count)` bytes at `out`.
    static func encode(_ bytes: UnsafeRawBufferPointer, into out: UnsafeMutableRawPointer) {
        pairs.withUnsafeBufferPointer { pairs in
            var input = 0, output = 0
            let whole = bytes.count - bytes.count % 3
            // Six bytes (four 12-bit values) per step while eight can be read: one load, four lookups, one store.
            while input + 8 <= bytes.count {
                let word = UInt64(bigEndian: UnsafeRawPointer(bytes.baseAddress! + input).loadUnaligned(as: UInt64.self))
                let a = UInt64(pairs[Int(truncatingIfNeeded: word >> 52)]), b = UInt64(pairs[Int(truncatingIfNeeded: word >> 40) & 0xFFF])
                let c = UInt64(pairs[Int(truncatingIfNeeded: word >> 28) & 0xFFF]), d = UInt64(pairs[Int(truncatingIfNeeded: word >> 16) & 0xFFF])
                out.storeBytes(of: (a | b << 16 | c << 32 | d << 48).littleEndian, toByteOffset: output, as: UInt64.self)
                input += 6
                output += 8
            }
            while input < whole {
                let group = Int(bytes[input]) << 16 | Int(bytes[input + 1]) << 8 | Int(bytes[input + 2])
                out.storeBytes(of: pairs[group >> 12].littleEndian, toByteOffset: output, as: UInt16.self)
                out.storeBytes(of: pairs[group & 0xFFF].littleEndian, toByteOffset: output + 2, as: UInt16.self)
                input += 3
                output += 4
            }
            let rest = bytes.count - whole
            guard rest > 0 else { return }
            let group = Int(bytes[input]) << 16 | (rest == 2 ? Int(bytes[input + 1]) << 8 : 0)
            let equals = UInt8(ascii: "=")
            out.storeBytes(of: alphabet[group >> 18], toByteOffset: output, as: UInt8.self)
            out.storeBytes(of: alphabet[(group >> 12) & 63], toByteOffset: output + 1, as: UInt8.self)
            out.storeBytes(of: rest == 2 ? alphabet[(group >> 6) & 63] : equals, toByteOffset: output + 2, as: UInt8.self)
            out.storeBytes(of: equals, toByteOffset: output + 3, as: UInt8.self)
        }
    }
}
