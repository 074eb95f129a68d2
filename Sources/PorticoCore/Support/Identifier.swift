/// Character rules for names that end up in paths and URLs (checked without NSRegularExpression, which is
/// slow and, on Linux, not safe to use from several threads at once).
public enum Identifier {
    /// The first character is in `first`, the rest in `rest`, and the length is within `length`.
    static func matches(_ text: String, first: (UInt8) -> Bool, rest: (UInt8) -> Bool, length: ClosedRange<Int>) -> Bool {
        let bytes = Array(text.utf8)
        guard length.contains(bytes.count), let head = bytes.first, first(head) else { return false }
        return bytes.dropFirst().allSatisfy(rest)
    }

    static func lower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7A }
    static func upper(_ b: UInt8) -> Bool { b >= 0x41 && b <= 0x5A }
    static func digit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func alphanumeric(_ b: UInt8) -> Bool { lower(b) || upper(b) || digit(b) }

    /// `^[a-z0-9][a-z0-9-]*$`: account slugs.
    public static func isSlug(_ text: String) -> Bool {
        matches(text, first: { lower($0) || digit($0) }, rest: { lower($0) || digit($0) || $0 == 0x2D }, length: 1...200)
    }

    /// `^[a-z0-9][a-z0-9._-]*$`: page file names.
    public static func isFileSlug(_ text: String) -> Bool {
        matches(text, first: { lower($0) || digit($0) }, rest: { lower($0) || digit($0) || $0 == 0x2D || $0 == 0x2E || $0 == 0x5F }, length: 1...200)
    }

    /// `^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`: viewer ids.
    public static func isViewerID(_ text: String) -> Bool {
        let word: (UInt8) -> Bool = { lower($0) || upper($0) || digit($0) }
        return matches(text, first: word, rest: { word($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x40 || $0 == 0x2D }, length: 1...64)
    }

    /// `^[A-Za-z0-9_-]{1,32}$`: viewer serials (mixed into the viewer's token).
    public static func isSerial(_ text: String) -> Bool {
        let character: (UInt8) -> Bool = { alphanumeric($0) || $0 == 0x5F || $0 == 0x2D }
        return matches(text, first: character, rest: character, length: 1...32)
    }

    /// `^[a-z][a-z0-9_]{0,39}$`: feedback field names.
    public static func isFieldName(_ text: String) -> Bool {
        matches(text, first: lower, rest: { lower($0) || digit($0) || $0 == 0x5F }, length: 1...40)
    }
}
