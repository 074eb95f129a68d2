import Foundation

/// Whether a `Content-Type` names `expected` (a lowercase media type), parameters aside: `Application/JSON; charset=utf-8` is
/// `application/json`. ASCII compared byte by byte (Foundation's trimming and lowercasing were a fortieth of the server's
/// CPU per submission); a value with other characters takes Foundation's path, so it is judged as before.
enum MediaType {
    static func matches(_ contentType: String?, _ expected: String) -> Bool {
        guard let contentType else { return false }
        let utf8 = contentType.utf8
        guard utf8.allSatisfy({ $0 < 0x80 }) else { return slowMatches(contentType, expected) }
        let end = utf8.firstIndex(of: UInt8(ascii: ";")) ?? utf8.endIndex
        var type = utf8[utf8.startIndex..<end]
        while let first = type.first, isSpace(first) { type = type.dropFirst() }
        while let last = type.last, isSpace(last) { type = type.dropLast() }
        return type.elementsEqual(expected.utf8) { lowercased($0) == $1 }
    }

    private static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    private static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }

    private static func slowMatches(_ contentType: String, _ expected: String) -> Bool {
        let mediaType = contentType.split(separator: ";", maxSplits: 1).first.map(String.init) ?? ""
        return mediaType.trimmingCharacters(in: .whitespaces).lowercased() == expected
    }
}
