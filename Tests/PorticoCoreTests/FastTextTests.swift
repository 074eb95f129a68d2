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

    @Test func findsBytesAnywhere() {
        #expect("abc 中文".containsBytes("中文"))
        #expect("abcabd".containsBytes("abd"))
        #expect(!"abcab".containsBytes("abd"))
        #expect(!"ab".containsBytes("abc"))
        #expect(!"abc".containsBytes(""))
    }
}
