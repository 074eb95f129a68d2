import Foundation

/// Markdown as cmark-gfm is given it: UTF-8 bytes passed with their length, so nothing after a NUL is lost
/// (cmark-gfm itself turns U+0000 into U+FFFD, CommonMark 2.3; replacing it beforehand parses some inputs
/// differently from cmark-gfm, as the agreement property test found); and the way back from cmark's byte
/// columns to the character columns editors show.
struct SourceText {
    /// Its bytes and line starts; lines end where cmark-gfm ends them ("\n", "\r\n" or a lone "\r").
    private let columns: CharacterColumns

    init(_ markdown: String) { columns = CharacterColumns(markdown) }

    var bytes: [UInt8] { columns.bytes }

    /// The 1-based character column of a 1-based byte column on a 1-based line.
    func characterColumn(line: Int, byteColumn: Int) -> Int { max(1, columns.column(line: line, byteColumn: byteColumn)) }
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
