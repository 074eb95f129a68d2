import Crypto
import Foundation
import Testing
@testable import PorticoGate

/// The gate page carries gate.js inline (GateScript.inlineText); the CSP allows it by the file's hash.
@Suite struct InlineGateScriptTests {
    @Test func theInlineTextIsTheShippedFileByteForByte() {
        #expect(Data(GateScript.inlineText.utf8) == GateScript.data)
        #expect("sha256-" + Data(SHA256.hash(data: Data(GateScript.inlineText.utf8))).base64EncodedString() == GateScript.integrity)
        #expect(ContentSecurityPolicy.forPages(feedbackEndpoint: "https://f.example/v1/feedback").contains("script-src '\(GateScript.integrity)'"))
    }

    @Test func textThatWouldEndOrEscapeTheScriptElementIsFound() {
        #expect(GateScript.inlineBreaker(in: GateScript.inlineText) == nil)
        #expect(GateScript.inlineBreaker(in: "var a = '</SCRIPT>';") == "</script")
        #expect(GateScript.inlineBreaker(in: "x = 1; <!-- y") == "<!--")
        #expect(GateScript.inlineBreaker(in: "s = '<Script src=x>'") == "<script")
        #expect(GateScript.inlineBreaker(in: "a < script && b") == nil)
    }
}
