import Crypto
import Foundation

/// A compact, length-prefixed byte format for cache files, read back far faster than JSON (bench/RESULTS.md,
/// "What the shortcuts in the source save").
/// A file ends with the SHA-256 of everything before it, so a truncated or damaged file is never read.
struct CacheBytesWriter {
    private(set) var bytes: [UInt8] = []

    mutating func int(_ value: Int) {
        withUnsafeBytes(of: Int64(value).littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func string(_ value: String) {
        int(value.utf8.count)
        bytes.append(contentsOf: value.utf8)
    }

    mutating func strings(_ values: [String]) {
        int(values.count)
        for value in values { string(value) }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout Self, T) -> Void) {
        bool(value != nil)
        if let value { write(&self, value) }
    }

    /// What `write` writes, after its length: a reader can step over it without knowing what it holds.
    mutating func block(_ write: (inout Self) -> Void) {
        let start = bytes.count
        int(0)
        write(&self)
        let length = Int64(bytes.count - start - 8).littleEndian
        withUnsafeBytes(of: length) { bytes.replaceSubrange(start..<start + 8, with: $0) }
    }

    /// The bytes with their checksum appended.
    func sealed() -> Data {
        var data = Data(bytes)
        data.append(contentsOf: SHA256.hash(data: bytes))
        return data
    }
}

/// Reads what `CacheBytesWriter` wrote; every read returns nil past the end or on a malformed value.
struct CacheBytesReader {
    private let bytes: [UInt8]
    private var offset = 0

    /// nil unless the checksum matches.
    init?(sealed data: Data) {
        let digestSize = SHA256.byteCount
        guard data.count >= digestSize else { return nil }
        let body = [UInt8](data.prefix(data.count - digestSize))
        guard SHA256.hash(data: body).elementsEqual(data.suffix(digestSize)) else { return nil }
        bytes = body
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// Where the next read starts, for `seek(to:)` to come back to (a file read entry by entry, when asked).
    var position: Int { offset }

    mutating func seek(to position: Int) { offset = position }

    /// Steps over a string or a block without reading it; false when there is none.
    mutating func skip() -> Bool {
        guard let count = int(), count >= 0, bytes.count - offset >= count else { return false }
        offset += count
        return true
    }

    /// Reads a block written by `CacheBytesWriter.block`; nil unless `read` takes exactly its bytes.
    mutating func block<T>(_ read: (inout Self) -> T?) -> T? {
        guard let count = int(), count >= 0, bytes.count - offset >= count else { return nil }
        let end = offset + count
        guard let value = read(&self), offset == end else { return nil }
        return value
    }

    mutating func int() -> Int? {
        guard bytes.count - offset >= 8 else { return nil }
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        offset += 8
        return Int(truncatingIfNeeded: Int64(bitPattern: value))
    }

    mutating func bool() -> Bool? {
        guard offset < bytes.count, bytes[offset] <= 1 else { return nil }
        offset += 1
        return bytes[offset - 1] == 1
    }

    mutating func string() -> String? {
        guard let count = int(), count >= 0, bytes.count - offset >= count else { return nil }
        let text = String(validating: bytes[offset..<offset + count], as: UTF8.self)
        offset += count
        return text
    }

    mutating func strings() -> [String]? {
        guard let count = int(), count >= 0, count <= bytes.count - offset else { return nil }
        var result: [String] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            guard let text = string() else { return nil }
            result.append(text)
        }
        return result
    }

    /// `.some(nil)` for a stored nil; nil when the bytes are malformed.
    mutating func optional<T>(_ read: (inout Self) -> T?) -> T?? {
        guard let present = bool() else { return nil }
        guard present else { return .some(nil) }
        guard let value = read(&self) else { return nil }
        return .some(value)
    }
}
