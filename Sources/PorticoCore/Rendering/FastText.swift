#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Byte-level string search and replacement: Foundation's `replacingOccurrences` bridges through NSString on
/// Linux and was a sixth of the build. The result is assembled from slices of the original string, so no byte
/// is validated as UTF-8 twice (a match of valid UTF-8 in valid UTF-8 always starts and ends on a character
/// boundary).
extension String {
    /// Applies several replacements in one pass; at each position the first matching pair wins.
    public func replacingAll(_ pairs: [(String, String)]) -> String {
        let pairs = pairs.filter { !$0.0.isEmpty }
        var copy = self
        return copy.withUTF8 { bytes -> String in
            var out = ""
            let replaced = ByteSearch.replace(in: bytes, pairs.map { Array($0.0.utf8) },
                                              plain: { range in
                                                  if out.isEmpty { out.reserveCapacity(bytes.count + 256) }
                                                  out += slice(range.lowerBound, range.upperBound)
                                              },
                                              match: { out += pairs[$0].1 })
            return replaced ? out : self
        }
    }

    /// The characters between two UTF-8 offsets that lie on character boundaries.
    func slice(_ start: Int, _ end: Int) -> Substring {
        let view = utf8
        return self[view.index(view.startIndex, offsetBy: start)..<view.index(view.startIndex, offsetBy: end)]
    }
}

extension [UInt8] {
    public func containsBytes(_ target: String) -> Bool {
        let needle = Array(target.utf8)
        return !needle.isEmpty && withUnsafeBufferPointer { ByteSearch.firstIndex(of: needle, in: $0, from: 0) != nil }
    }

    /// `String.replacingAll` for UTF-8 bytes: several replacements in one pass, the first matching pair wins.
    public func replacingAll(_ pairs: [([UInt8], [UInt8])]) -> [UInt8] {
        let pairs = pairs.filter { !$0.0.isEmpty }
        return withUnsafeBufferPointer { bytes -> [UInt8] in
            var out: [UInt8] = []
            let replaced = ByteSearch.replace(in: bytes, pairs.map(\.0),
                                              plain: { range in
                                                  if out.isEmpty { out.reserveCapacity(bytes.count + pairs.reduce(256) { $0 + $1.1.count }) }
                                                  out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
                                              },
                                              match: { out.append(contentsOf: pairs[$0].1) })
            return replaced ? out : self
        }
    }
}

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
