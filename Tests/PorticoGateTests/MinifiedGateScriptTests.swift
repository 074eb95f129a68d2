import Foundation
import Testing
@testable import PorticoGate

/// The published gate script is gate.min.js, made from gate.js by scripts/minify-gate.sh (`make test-js` checks
/// that the committed file is what gate.js makes; the node tests run both).
@Suite struct MinifiedGateScriptTests {
    private static let resources = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Sources/PorticoGate/Resources").standardizedFileURL

    @Test func theShippedScriptIsGateMinJSByteForByte() throws {
        let minified = try Data(contentsOf: Self.resources.appendingPathComponent("gate.min.js"))
        #expect(GateScript.data == minified)
        #expect(GateScript.inlineText.utf8.count == minified.count)
    }

    @Test func theShippedScriptIsAtMostSixtyPercentOfTheSource() throws {
        let source = try Data(contentsOf: Self.resources.appendingPathComponent("gate.js"))
        #expect(GateScript.data.count * 100 <= source.count * 60, "\(GateScript.data.count) of \(source.count) bytes")
    }

    /// What the browser needs by name survives minifying: the page side's and the worker side's entry points, the
    /// performance marks the first-open bench reads, and the key store's name.
    @Test func namesOthersDependOnStay() {
        let text = GateScript.inlineText
        for name in [".PorticoGate={", ".PorticoGateInternals=", "\"portico:\"", "\"portico-page\"", "\"portico-keyring\""] {
            #expect(text.contains(name), "\(name)")
        }
    }

    @Test func anInlineScriptBreakerIsFound() {
        #expect(GateScript.inlineBreaker(in: "var a = '</SCRIPT>'") == "</script")
        #expect(GateScript.inlineBreaker(in: "x <!-- y") == "<!--")
        #expect(GateScript.inlineBreaker(in: GateScript.inlineText) == nil)
    }
}
