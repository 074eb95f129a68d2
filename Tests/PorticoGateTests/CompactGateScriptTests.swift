import Foundation
import Testing
@testable import PorticoGate

/// The published gate.js is the source without comment lines and indentation (GateScript.compact).
@Suite struct CompactGateScriptTests {
    @Test func commentLinesBlankLinesAndIndentationGoCodeLinesStayInOrder() throws {
        let source = """
            /* Header comment
             * over lines. */
            'use strict';

            // a comment line
            function f(a) {
              const url = "https://x.example/"; // a comment after code stays
              /* a whole-line block comment */
              return a /* inline */ + 1;\t\r
            }
            const t = `one ${'line'}`;
            """
        #expect(try GateScript.compact(source) == """
            'use strict';
            function f(a) {
            const url = "https://x.example/"; // a comment after code stays
            return a /* inline */ + 1;
            }
            const t = `one ${'line'}`;

            """)
    }

    @Test func aTemplateLiteralOverLinesIsRefusedWithItsLine() {
        let source = "const a = 1;\nconst t = `first\n  second`;\n"
        #expect(throws: GateScript.UncompactableLine.self) { try GateScript.compact(source) }
        #expect((try? GateScript.compact(source)) == nil)
        do { _ = try GateScript.compact(source) } catch { #expect("\(error)".hasPrefix("line 2 opens or closes a template literal")) }
    }

    @Test func theShippedScriptIsTheSourceWithoutItsCommentLines() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Sources/PorticoGate/Resources/gate.js").standardizedFileURL
        let source = try String(contentsOf: url, encoding: .utf8)
        let shipped = String(decoding: GateScript.data, as: UTF8.self)
        #expect(shipped == (try GateScript.compact(source)))
        #expect(shipped.utf8.count < source.utf8.count * 85 / 100, "comments and indentation are at least 15 % of gate.js")
        // Every line of code of the source (after its header comment) is there, trimmed and in order.
        let lines = source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let afterHeader = lines.drop { !$0.hasSuffix("*/") }.dropFirst()
        #expect(shipped.split(separator: "\n").map(String.init) == afterHeader.filter { !$0.isEmpty && !$0.hasPrefix("//") })
    }
}
