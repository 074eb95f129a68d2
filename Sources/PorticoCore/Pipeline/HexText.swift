extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte (`String(format: "%02x")` per byte goes through CoreFoundation).
    var hexText: String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
