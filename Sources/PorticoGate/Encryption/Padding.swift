/// What hides exact sizes from whoever downloads the site (docs/design/gate-format.md, "Padding"): every
/// sealed plaintext is `P || 0x80 || 0x00…` (ISO/IEC 7816-4) up to a size the outsider may learn.
public enum Padding {
    /// Pages and assets: the smallest `m·2^e ≥ count` with m in 4…7 and e ≥ 8, i.e. 1024, 1280, 1536, 1792,
    /// 2048, 2560 …: four sizes per doubling, at most 25 % added.
    public static func bucket(_ count: Int) -> Int {
        var exponent = 8
        while true {
            for mantissa in 4...7 where mantissa << exponent >= count { return mantissa << exponent }
            exponent += 1
        }
    }

    /// Keyring entries of one keyring all take this size: the smallest power of two ≥ the longest, at least 256.
    public static func entryBucket(_ count: Int) -> Int {
        var size = 256
        while size < count { size *= 2 }
        return size
    }

    /// Real and dummy keyring entries together: the smallest power of two ≥ the viewers, at least 8.
    public static func entryCount(_ viewers: Int) -> Int {
        var count = 8
        while count < viewers { count *= 2 }
        return count
    }

    /// `bytes` padded to `bucket(bytes.count + 1)`, or to `size` when given.
    public static func padded<Bytes: Collection>(_ bytes: Bytes, to size: Int? = nil) -> [UInt8] where Bytes.Element == UInt8 {
        let size = size ?? bucket(bytes.count + 1)
        precondition(bytes.count < size, "padding: \(bytes.count) bytes do not fit in \(size)")
        var out = [UInt8]()
        out.reserveCapacity(size)
        out.append(contentsOf: bytes)
        out.append(0x80)
        out.append(contentsOf: repeatElement(0, count: size - out.count))
        return out
    }

    /// The plaintext inside a padded message, or nil when the padding is malformed.
    public static func unpadded<Bytes: BidirectionalCollection>(_ message: Bytes) -> Bytes.SubSequence? where Bytes.Element == UInt8 {
        guard let marker = message.lastIndex(where: { $0 != 0 }), message[marker] == 0x80 else { return nil }
        return message[..<marker]
    }
}
