import Foundation
import PorticoTestSupport
import PorticoCore

/// Fixture content trees under Tests/PorticoCoreTests/Fixtures, built into temporary folders.
enum Fixtures {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let basic = root.appendingPathComponent("basic/content")
    static let goldenTheme = root.appendingPathComponent("golden-theme")
    static let expected = root.appendingPathComponent("basic/expected")
    static let today = Day(year: 2026, month: 6, day: 1)

    static func temporaryFolder(_ name: String = "portico") -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the basic content with the files of `invalid/<overlay>` laid over it.
    static func content(overlay: String? = nil) throws -> URL {
        let folder = temporaryFolder("content").appendingPathComponent("content")
        try FileManager.default.copyItem(at: basic, to: folder)
        if let overlay {
            let source = root.appendingPathComponent("invalid/\(overlay)")
            let enumerator = FileManager.default.enumerator(at: source, includingPropertiesForKeys: [.isRegularFileKey])!
            for case let file as URL in enumerator where (try file.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                let relative = String(file.standardizedFileURL.path.dropFirst(source.standardizedFileURL.path.count + 1))
                let target = folder.appendingPathComponent(relative)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                try FileManager.default.copyItem(at: file, to: target)
            }
        }
        return folder
    }

    static func builder(content: URL, output: URL, options: BuildOptions = BuildOptions(today: today),
                        theme: [URL] = [goldenTheme]) -> SiteBuilder {
        SiteBuilder(contentRoot: content, themeFolders: theme, output: output, options: options, publisher: PlainPublisher())
    }

    /// Every file under `folder`, relative path → bytes.
    static func tree(_ folder: URL) -> [String: Data] { FolderTree.read(folder) }
}
