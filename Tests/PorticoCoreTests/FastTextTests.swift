import Testing
@testable import PorticoCore

@Suite struct FastTextTests {
    @Test func replacesEveryPairInOnePassAroundMultibyteText() {
        let text = "中文<a>é & <a>末"
        #expect(text.replacingAll([("<a>", "[A]"), ("&", "&amp;")]) == "中文[A]é &amp; [A]末")
        #expect(text.replacingAll([("<a", "1"), ("<a>", "2")]) == "中文1>é & 1>末", "the first matching pair wins")
        #expect(text.replacingAll([("zz", "y")]) == text)
        #expect("".replacingAll([("a", "b")]) == "")
        #expect("aaa".replacingAll([("aa", "b")]) == "ba")
        // The byte version gives the same bytes.
        for (input, pairs) in [(text, [("<a>", "[A]"), ("&", "&amp;")]), (text, [("<a", "1"), ("<a>", "2")]), ("aaa", [("aa", "b")]), ("", [("a", "b")]),
                               ("x", [("", "y"), ("x", "")])] {
            let bytes = Array(input.utf8).replacingAll(pairs.map { (Array($0.0.utf8), Array($0.1.utf8)) })
            #expect(bytes == Array(input.replacingAll(pairs).utf8), "\(input) \(pairs)")
        }
    }

    /// Against a plain reference, on seeded random texts over a small alphabet, with needles that share their
    /// first byte (the memchr path) and needles that do not.
    @Test func replacingMatchesAReferenceOnRandomTexts() {
        func reference(_ bytes: [UInt8], _ pairs: [([UInt8], [UInt8])]) -> [UInt8] {
            var out: [UInt8] = [], i = 0
            while i < bytes.count {
                if let pair = pairs.first(where: { !$0.0.isEmpty && bytes[i...].starts(with: $0.0) }) {
                    out += pair.1
                    i += pair.0.count
                } else {
                    out.append(bytes[i])
                    i += 1
                }
            }
            return out
        }
        var state: UInt64 = 99
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        let alphabet = Array("<ab>".utf8)
        for round in 0..<2000 {
            let text = (0..<next(40)).map { _ in alphabet[next(alphabet.count)] }
            let sameFirst = round % 2 == 0
            let pairs = (0..<(1 + next(3))).map { _ -> ([UInt8], [UInt8]) in
                let needle = (sameFirst ? [UInt8(ascii: "<")] : [alphabet[next(alphabet.count)]]) + (0..<next(3)).map { _ in alphabet[next(alphabet.count)] }
                return (needle, Array("[\(next(10))]".utf8))
            }
            #expect(text.replacingAll(pairs) == reference(text, pairs), "\(String(decoding: text, as: UTF8.self)) \(pairs)")
            // A layout cut at the markers once and filled gives the same bytes as replacing in it.
            let markers = pairs.map(\.0).filter { !$0.isEmpty }, values = pairs.map(\.1)
            #expect(Splice(text, markers: markers).filled(values) == text.replacingAll(Array(zip(markers, values))))
        }
    }

    @Test func findsBytesAnywhere() {
        #expect(Array("abc 中文".utf8).containsBytes("中文"))
        #expect(Array("abcabd".utf8).containsBytes("abd"))
        #expect(!Array("abcab".utf8).containsBytes("abd"))
        #expect(!Array("ab".utf8).containsBytes("abc"))
        #expect(!Array("abc".utf8).containsBytes(""))
    }
}
