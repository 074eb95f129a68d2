import Foundation

/// The byte scanning behind `replacingAll` and `containsBytes`.
enum ByteSearch {
    /// Walks `bytes` once. At each position the first of `needles` (none empty) that matches there is a match:
    /// the bytes before it go to `plain` and its index to `match`. Returns false, having called nothing, when no
    /// needle occurs at all.
    static func replace(in bytes: UnsafeBufferPointer<UInt8>, _ needles: [[UInt8]],
                        plain: (Range<Int>) -> Void, match: (Int) -> Void) -> Bool {
        var firsts = [Bool](repeating: false, count: 256)
        for needle in needles { firsts[Int(needle[0])] = true }
        // When every needle starts with the same byte (markers, tags), memchr jumps between candidates.
        let onlyFirst: UInt8? = needles.allSatisfy({ $0[0] == needles.first?[0] }) ? needles.first?[0] : nil
        var last = 0
        var i = 0
        while i < bytes.count {
            if let onlyFirst, let base = bytes.baseAddress {
                guard let hit = memchr(base + i, Int32(onlyFirst), bytes.count - i) else { break }
                i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            }
            guard firsts[Int(bytes[i])], let found = needles.firstIndex(where: { matches($0, bytes, at: i) }) else {
                i += 1
                continue
            }
            plain(last..<i)
            match(found)
            i += needles[found].count
            last = i
        }
        if last == 0 { return false }
        plain(last..<bytes.count)
        return true
    }

    /// Where `needle` (not empty) first occurs in `bytes` at or after `from`.
    static func firstIndex(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard bytes.count >= needle.count, let base = bytes.baseAddress else { return nil }
        var offset = from
        let lastStart = bytes.count - needle.count
        while offset <= lastStart {
            // memchr finds the candidate first byte with SIMD; glibc's memmem needs _GNU_SOURCE.
            guard let hit = memchr(base + offset, Int32(needle[0]), lastStart - offset + 1) else { return nil }
            offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if matches(needle, bytes, at: offset) { return offset }
            offset += 1
        }
        return nil
    }

    static func matches(_ needle: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at offset: Int) -> Bool {
        guard offset + needle.count <= bytes.count else { return false }
        for index in 0..<needle.count where bytes[offset + index] != needle[index] { return false }
        return true
    }
}
