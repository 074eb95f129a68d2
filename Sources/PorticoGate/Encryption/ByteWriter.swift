import Foundation

/// Fills one allocation of a known size and hands it over as `Data` without copying: a sealed page is
/// its gate shell, the payload's JSON and the base64 ciphertext, assembled once.
struct ByteWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: max(capacity, 1), alignment: 16)
    }

    mutating func append(_ bytes: [UInt8]) {
        precondition(count + bytes.count <= capacity)
        bytes.withUnsafeBytes { base.advanced(by: count).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        count += bytes.count
    }

    mutating func appendBase64(_ bytes: UnsafeRawBufferPointer) {
        let length = Base64Text.encodedCount(bytes.count)
        precondition(count + length <= capacity)
        Base64Text.encode(bytes, into: base.advanced(by: count))
        count += length
    }

    /// The bytes written; the writer must not be used afterwards.
    consuming func finish() -> Data {
        precondition(count == capacity, "ByteWriter: \(count) of \(capacity) bytes written")
        return Data(bytesNoCopy: base, count: count, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }
}
