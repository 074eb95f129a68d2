import Foundation
import Testing
import PorticoCore
@testable import PorticoGate

/// The sealed page is assembled as bytes (shell, payload JSON, base64) rather than through strings and the
/// template: these pin it to what the plain path gives.
@Suite struct SealedPageTests {
    @Test func base64MatchesFoundationForEveryLengthAndByte() {
        var generator = SystemRandomNumberGenerator()
        let samples = (0..<200).map { length in Data((0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
            + [Data(0...255), Data(repeating: 0xFF, count: 1000), Data()]
        for data in samples {
            var out = [UInt8](repeating: 0, count: Base64Text.encodedCount(data.count))
            out.withUnsafeMutableBytes { target in data.withUnsafeBytes { Base64Text.encode($0, into: target.baseAddress!) } }
            #expect(String(decoding: out, as: UTF8.self) == data.base64EncodedString(), "length \(data.count)")
        }
    }

    @Test func framedPageEqualsTheShellRenderedAroundThePayload() throws {
        let account = AccountConfig(slug: "acme", name: LocalizedText("Acme Corp"), generation: 1, viewers: [])
        let keys = AccountKeys(secret: try PortalSecret(hex: String(repeating: "ab", count: 32)), account: account, today: Day(year: 2026, month: 6, day: 1))
        let shell: (String) -> String = { "<html><p title=\"x\">shell</p>\n<script type=\"application/json\">\($0)</script>\n</html>\n" }
        let frame = try #require(GateFrame(rendering: shell))
        let html = "<main>Résumé 中文 <b>bold</b></main>"
        let framed = try keys.sealedPage(path: "insights/a/index.html", html: Array(html.utf8), head: frame.head, tail: frame.tail)
        #expect(String(decoding: framed, as: UTF8.self) == shell(try keys.pageJSON(path: "insights/a/index.html", html: html)))
        // The payload decrypts back to the page.
        let json = try JSONSerialization.jsonObject(with: Data(try keys.pageJSON(path: "insights/a/index.html", html: html).utf8)) as! [String: Any]
        let box = Sealer.Box(iv: Data(base64Encoded: json["iv"] as! String)!, ciphertext: Data(base64Encoded: json["ct"] as! String)!)
        let opened = try Sealer.open(box, key: KeyDerivation.contentAESKey(keys.contentKey), aad: "portico-page\0\(keys.path)\0insights/a/index.html")
        #expect(opened.count == Padding.bucket(html.utf8.count + 1))
        #expect(Padding.unpadded(opened).map { String(decoding: $0, as: UTF8.self) } == html)
    }

    @Test func aShellThatEscapesOrRepeatsThePayloadIsNotFramed() {
        #expect(GateFrame(rendering: { "<p>\($0.replacingOccurrences(of: "\"", with: "&quot;"))</p>" }) == nil)
        #expect(GateFrame(rendering: { "<p>\($0)</p><p>\($0)</p>" }) == nil)
        #expect(GateFrame(rendering: { _ in "<p>no payload</p>" }) == nil)
    }
}
