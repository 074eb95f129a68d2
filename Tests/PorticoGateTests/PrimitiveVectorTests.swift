import Crypto
import Foundation
import Testing
@testable import PorticoGate

/// Known-answer tests for the primitives exactly as Portico calls them.
@Suite struct PrimitiveVectorTests {
    @Test func hkdfMatchesRFC5869TestCase1() {
        let okm = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(repeating: 0x0b, count: 22)),
                                         salt: Data(hex: "000102030405060708090a0b0c"), info: Data(hex: "f0f1f2f3f4f5f6f7f8f9"),
                                         outputByteCount: 42).withUnsafeBytes { Data($0) }
        #expect(okm.hexString == "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    }

    @Test func hkdfMatchesRFC5869TestCase3WithEmptySaltAndInfo() {
        let okm = HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: Data(repeating: 0x0b, count: 22)),
                                         salt: Data(), info: Data(), outputByteCount: 42).withUnsafeBytes { Data($0) }
        #expect(okm.hexString == "8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8")
    }

    /// NIST GCM spec test cases 13, 14 and 16 (AES-256).
    @Test(arguments: [
        ("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "", "", "", "530f8afbc74536b9a963b4f1c4cb738b"),
        ("0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000", "00000000000000000000000000000000", "",
         "cea7403d4d606b6e074ec5d3baf39d18", "d0d1c8a799996bf0265b98b5d48ab919"),
        ("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888",
         "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
         "feedfacedeadbeeffeedfacedeadbeefabaddad2",
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
         "76fc6ece0f4e1768cddf8853bb2d551b"),
    ])
    func aesGCMMatchesNIST(key: String, iv: String, plaintext: String, aad: String, ciphertext: String, tag: String) throws {
        let sealed = try AES.GCM.seal(Data(hex: plaintext), using: SymmetricKey(data: Data(hex: key)),
                                      nonce: AES.GCM.Nonce(data: Data(hex: iv)), authenticating: Data(hex: aad))
        #expect(sealed.ciphertext.hexString == ciphertext)
        #expect(Data(sealed.tag).hexString == tag)
        let opened = try AES.GCM.open(sealed, using: SymmetricKey(data: Data(hex: key)), authenticating: Data(hex: aad))
        #expect(opened == Data(hex: plaintext))
    }

    @Test func sealerRefusesEveryFlippedBit() throws {
        let key = Data(repeating: 7, count: 32)
        let box = try Sealer.seal(Data("confidential".utf8), key: Sealer.Key(aes: key, iv: Data(repeating: 9, count: 32)), aad: "portico-page\0a\0index.html")
        #expect(try Sealer.open(box, key: key, aad: "portico-page\0a\0index.html") == Data("confidential".utf8))
        for index in box.ciphertext.indices {
            var tampered = box.ciphertext
            tampered[index] ^= 0x01
            #expect(throws: (any Error).self) { try Sealer.open(Sealer.Box(iv: box.iv, ciphertext: tampered), key: key, aad: "portico-page\0a\0index.html") }
        }
        #expect(throws: (any Error).self) { try Sealer.open(box, key: key, aad: "portico-page\0a\0other.html") }
        #expect(throws: (any Error).self) { try Sealer.open(box, key: Data(repeating: 8, count: 32), aad: "portico-page\0a\0index.html") }
    }

    @Test func sealerIsDeterministicPerPlaintextAndDistinctOtherwise() throws {
        let key = Sealer.Key(aes: Data(repeating: 1, count: 32), iv: Data(repeating: 2, count: 32))
        let a = try Sealer.seal(Data("one".utf8), key: key, aad: "x")
        let b = try Sealer.seal(Data("one".utf8), key: key, aad: "x")
        let c = try Sealer.seal(Data("two".utf8), key: key, aad: "x")
        let d = try Sealer.seal(Data("one".utf8), key: key, aad: "y")
        #expect(a == b)
        #expect(a.iv != c.iv)
        #expect(a.iv != d.iv)
        // The IV comes from the IV key, not the AES key: another IV key, another IV, and the same AES key still opens it.
        let e = try Sealer.seal(Data("one".utf8), key: Sealer.Key(aes: Data(repeating: 1, count: 32), iv: Data(repeating: 3, count: 32)), aad: "x")
        #expect(a.iv != e.iv)
        #expect(try Sealer.open(e, key: Data(repeating: 1, count: 32), aad: "x") == Data("one".utf8))
    }

    @Test func paddingBucketsAndRoundTrip() {
        #expect([0, 1024, 1025, 1281, 1792, 1793, 2049, 7169].map(Padding.bucket) == [1024, 1024, 1280, 1536, 1792, 2048, 2560, 8192])
        #expect([0, 256, 257, 600].map(Padding.entryBucket) == [256, 256, 512, 1024])
        #expect([0, 1, 8, 9, 16, 17].map(Padding.entryCount) == [8, 8, 8, 16, 16, 32])
        for text in ["", "a", String(repeating: "x", count: 1023), "ends in zero\0\0", String(repeating: "é", count: 700)] {
            let padded = Padding.padded(Array(text.utf8))
            #expect(padded.count == Padding.bucket(text.utf8.count + 1))
            #expect(Padding.unpadded(padded).map { String(decoding: $0, as: UTF8.self) } == text)
        }
        #expect(Padding.unpadded([0x41, 0, 0]) == nil)
        #expect(Padding.unpadded([UInt8]()) == nil)
    }
}

extension Data {
    init(hex: String) { self = Data(hexString: hex)! }
}
