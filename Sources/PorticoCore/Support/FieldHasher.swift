import Crypto
import Foundation

/// SHA-256 over a sequence of text fields, each ended by a zero byte so that no two sequences run together
/// ("ab" + "c" hashes unlike "a" + "bc"): the shape of every fingerprint the build cache keeps.
struct FieldHasher {
    private var hasher = SHA256()

    mutating func add(_ text: String) {
        var text = text
        text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        hasher.update(data: [UInt8(0)])
    }

    /// Bytes as they are, with no separator.
    mutating func add(bytes: Data) {
        hasher.update(data: bytes)
    }

    func hex() -> String { Hex.encode(hasher.finalize()) }

    /// The first 12 bytes of the hash in base64: 16 characters, 96 bits.
    func short() -> String { Data(hasher.finalize().prefix(12)).base64EncodedString() }
}
