import Foundation

/// Markdown as cmark-gfm is given it: UTF-8 bytes passed with their length, so nothing after a NUL is lost
/// (cmark-gfm itself turns U+0000 into U+FFFD, CommonMark 2.3; replacing it beforehand parses some inputs
/// differently from cmark-gfm, as the agreement property test found); and the way back from cmark's byte
/// columns to the character columns editors show.
struct SourceText {
    let bytes: [UInt8]
    /// Byte offset of each line's start; line n (1-based) starts at `lineStarts[n - 1]`.
    private let lineStarts: [Int]

    init(_ markdown: String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(markdown.utf8.count)
        var lineStarts = [0]
        for byte in markdown.utf8 {
            bytes.append(byte)
            if byte == 0x0A { lineStarts.append(bytes.count) }
        }
        self.bytes = bytes
        self.lineStarts = lineStarts
    }

    /// The 1-based character column of a 1-based byte column on a 1-based line.
    func characterColumn(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= lineStarts.count, byteColumn > 1 else { return max(1, byteColumn) }
        let start = lineStarts[line - 1]
        let end = min(bytes.count, start + byteColumn - 1)
        guard start < end else { return byteColumn }
        // Unicode scalars, as CharacterColumns and libyaml count them: a lead byte starts each one.
        return bytes[start..<end].reduce(1) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }
}

extension String {
    /// How many times `needle` occurs, not overlapping.
    func occurrences(of needle: String) -> Int {
        guard !needle.isEmpty else { return 0 }
        var count = 0
        var rest = self[...]
        while let range = rest.range(of: needle) {
            count += 1
            rest = rest[range.upperBound...]
        }
        return count
    }
}
