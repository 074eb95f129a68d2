import Foundation
import Testing

/// PorticoCore's folders are its stages and concerns (Content, Resolution, Rendering, Pipeline, Support …). They
/// share one module, so the compiler does not stop two folders from using each other's types; this test does:
/// no two folders may refer to each other. (Three such pairs came back unnoticed after they were first removed.)
@Suite struct FolderLayeringTests {
    static let core = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/PorticoCore")

    /// Each folder's Swift text, comments left out.
    static func folders() throws -> [String: String] {
        var texts: [String: String] = [:]
        let names = try FileManager.default.contentsOfDirectory(atPath: core.path)
        for name in names {
            var isFolder: ObjCBool = false
            let folder = core.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder), isFolder.boolValue else { continue }
            let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)!
            for case let file as URL in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                texts[name, default: ""] += text.split(separator: "\n", omittingEmptySubsequences: false)
                    .map { line in line.range(of: "//").map { String(line[..<$0.lowerBound]) } ?? String(line) }
                    .joined(separator: "\n") + "\n"
            }
        }
        return texts
    }

    /// The types a folder declares at the top level of its files (nested types are reached through these).
    static func declared(in text: String) -> Set<String> {
        let declaration = /^(?:(?:public|internal|private|fileprivate|final|indirect|package) )*(?:struct|class|enum|protocol|typealias|actor) ([A-Z][A-Za-z0-9_]*)/
            .anchorsMatchLineEndings()
        return Set(text.matches(of: declaration).map { String($0.output.1) })
    }

    /// folder → the folders whose types it uses, with one type each as the evidence.
    static func uses(_ texts: [String: String]) -> [String: [String: String]] {
        let owners = texts.reduce(into: [String: String]()) { owners, folder in
            for type in declared(in: folder.value) { owners[type] = folder.key }
        }
        var uses: [String: [String: String]] = [:]
        for (folder, text) in texts {
            let words = Set(text.split { !($0.isLetter || $0.isNumber || $0 == "_") }.map(String.init))
            for word in words.sorted() {
                if let owner = owners[word], owner != folder, uses[folder]?[owner] == nil { uses[folder, default: [:]][owner] = word }
            }
        }
        return uses
    }

    @Test func noTwoFoldersOfCoreReferToEachOther() throws {
        let texts = try Self.folders()
        #expect(texts.count >= 8, "found only \(texts.keys.sorted()) under \(Self.core.path)")
        let uses = Self.uses(texts)
        var pairs: [String] = []
        for (a, targets) in uses {
            for (b, evidence) in targets where a < b {
                if let back = uses[b]?[a] { pairs.append("\(a) uses \(b) (\(evidence)) and \(b) uses \(a) (\(back))") }
            }
        }
        #expect(pairs.sorted() == [], "move the type, or reach it through a protocol the lower folder declares")
    }

    /// The check itself: a use in each direction is found, a folder that uses nothing has no entry, and a nested
    /// type is not taken for a declaration of its folder.
    @Test func usesAreFoundBothWays() {
        let texts = ["Low": "public struct Day {}\nfunc f(_ p: Page) {}\n", "High": "struct Page {\n    struct Inner {}\n}\nlet d = Day()\n",
                     "Other": "enum Unused {}\n"]
        let uses = Self.uses(texts)
        #expect(uses["High"]?["Low"] == "Day")
        #expect(uses["Low"]?["High"] == "Page")
        #expect(uses["Other"] == nil)
        #expect(Self.declared(in: texts["High"]!) == ["Page"])
    }
}
