/// Turns the byte columns cmark reports into the columns diagnostics show everywhere: Unicode scalar values
/// from 1, as libyaml counts them for front matter and config (a tab counts 1). Line starts are found once.
struct CharacterColumns {
    let bytes: [UInt8]
    private let lineStarts: [Int]

    init(_ text: String) {
        bytes = Array(text.utf8)
        var starts = [0]
        for (index, byte) in bytes.enumerated() {
            // cmark ends a line at "\n", "\r\n" or a lone "\r".
            if byte == 0x0A || (byte == 0x0D && (index + 1 == bytes.count || bytes[index + 1] != 0x0A)) { starts.append(index + 1) }
        }
        lineStarts = starts
    }

    /// The character column of the byte at `byteColumn` (1-based) of `line` (1-based).
    func column(line: Int, byteColumn: Int) -> Int {
        guard line >= 1, line <= lineStarts.count, byteColumn > 1 else { return byteColumn }
        let start = lineStarts[line - 1]
        var column = 1
        for index in start..<min(bytes.count, start + byteColumn - 1) where bytes[index] & 0xC0 != 0x80 { column += 1 }
        return column
    }
}
