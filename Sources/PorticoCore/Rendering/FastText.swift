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
