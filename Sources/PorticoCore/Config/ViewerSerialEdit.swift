import Foundation
import Yams

/// Writes a viewer's `serial:` into the text of an account.yml, touching only that line: the line of an existing
/// `serial:` is replaced, else one is added right after the viewer's `id:` line, at the same indentation.
public enum ViewerSerialEdit {
    public struct Refused: Error, CustomStringConvertible {
        public let description: String
    }

    /// A fresh serial: ten characters from an alphabet without look-alikes (about 50 random bits).
    public static func fresh() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyz23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<10).map { _ in alphabet[Int(generator.next(upperBound: UInt32(alphabet.count)))] })
    }

    /// `text` with `serial: <serial>` on viewer `id`, and the 1-based line where it is written.
    public static func setting(_ serial: String, viewer id: String, in text: String, file: String) throws -> (text: String, line: Int) {
        guard let root = (try? Yams.compose(yaml: text, .default, .default, .utf8))??.mapping,
              let viewers = root.first(where: { $0.key.string == "viewers" })?.value.sequence else {
            throw Refused(description: "\(file) has no readable `viewers:` list")
        }
        guard let (node, viewer) = viewers.lazy.compactMap({ node in node.mapping.map { (node, $0) } })
            .first(where: { $0.1.first(where: { $0.key.string == "id" })?.value.string == id }),
              let idKey = viewer.first(where: { $0.key.string == "id" })?.key else {
            throw Refused(description: "\(file) has no viewer `\(id)`")
        }
        let at = node.mark.map { "\(file):\($0.line):\($0.column)" } ?? file
        // Yams reports no style for composed nodes, so a flow mapping is told by the `{` it starts with.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let isFlow = node.mark.map { mark in
            mark.line <= lines.count && lines[mark.line - 1].unicodeScalars.dropFirst(mark.column - 1).first == "{"
        } ?? true
        guard !isFlow, let idMark = idKey.mark else {
            throw Refused(description: "viewer `\(id)` at \(at) is written on one line ({…}); add `serial: \(serial)` to it by hand")
        }
        if let serialKey = viewer.first(where: { $0.key.string == "serial" })?.key, let mark = serialKey.mark {
            let line = lines[mark.line - 1]
            lines[mark.line - 1] = String(String.UnicodeScalarView(line.unicodeScalars.prefix(mark.column - 1))) + "serial: " + serial
            return (lines.joined(separator: "\n"), mark.line)
        }
        // Continuation lines of a block mapping start at its first key's column; "- " before it becomes spaces.
        let indent = String(repeating: " ", count: idMark.column - 1)
        lines.insert(indent + "serial: " + serial, at: idMark.line)
        return (lines.joined(separator: "\n"), idMark.line + 1)
    }
}
