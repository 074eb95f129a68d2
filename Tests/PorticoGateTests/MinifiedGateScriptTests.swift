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
    }

    @Test func theShippedScriptIsAtMostSixtyPercentOfTheSource() throws {
        let source = try Data(contentsOf: Self.resources.appendingPathComponent("gate.js"))
        #expect(GateScript.data.count * 100 <= source.count * 60, "\(GateScript.data.count) of \(source.count) bytes")
    }

    /// What others reach by name survives minifying: the page side's and the worker side's entry points, the prefix of
    /// the performance marks the first-open bench reads, the gate page's element ids and the key store's database.
    @Test func namesOthersDependOnStay() {
        let text = GateScript.inlineText
        for name in [".PorticoGate={", ".PorticoGateInternals=", "\"portico:\"", "\"portico-page\"", "\"portico-keyring\"",
                     "indexedDB.open(\"portico\","] {
            #expect(text.contains(name), "\(name)")
        }
    }
}
