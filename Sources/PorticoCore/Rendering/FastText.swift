/// Byte-level string replacement: Foundation's `replacingOccurrences` bridges through NSString on Linux
/// and was a sixth of the build. These run on every page.
extension String {
    /// Applies several replacements in one pass; at each position the first matching pair wins.
    public func replacingAll(_ pairs: [(String, String)]) -> String {
        let haystack = Array(utf8)
        let needles = pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) }
        let firsts = Set(needles.map { $0.0[0] })
        var out = [UInt8]()
        out.reserveCapacity(haystack.count + 64)
        var i = 0
        var last = 0
        var changed = false
        while i < haystack.count {
            if firsts.contains(haystack[i]),
               let (needle, replacement) = needles.first(where: { i + $0.0.count <= haystack.count && haystack[i..<(i + $0.0.count)].elementsEqual($0.0) }) {
                out.append(contentsOf: haystack[last..<i])
                out.append(contentsOf: replacement)
                i += needle.count
                last = i
                changed = true
            } else {
                i += 1
            }
        }
        guard changed else { return self }
        out.append(contentsOf: haystack[last...])
        return String(decoding: out, as: UTF8.self)
    }

    public func containsBytes(_ target: String) -> Bool {
        let haystack = Array(utf8), needle = Array(target.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return false }
        for i in 0...(haystack.count - needle.count) where haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
