/// Lowercase hexadecimal without `String(format:)`, which goes through Foundation's formatter on every call.
public enum Hex {
    private static let alphabet = Array("0123456789abcdef".utf8)

    public static func encode<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            out.append(alphabet[Int(byte >> 4)])
            out.append(alphabet[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Two digits for one byte.
    public static func digits(_ byte: UInt8) -> String { encode(CollectionOfOne(byte)) }
}
