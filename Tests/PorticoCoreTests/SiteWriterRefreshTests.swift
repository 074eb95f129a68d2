import Foundation
import Testing
import PorticoTestSupport
@testable import PorticoCore

/// `SiteWriter.refresh`: an account folder rendered again is updated file by file. Afterwards it holds exactly
/// the files written, whatever stood in the output before; a file already right is left as it was (its inode),
/// and nothing else of the output is touched.
@Suite struct SiteWriterRefreshTests {
    let output = Fixtures.temporaryFolder("refresh").appendingPathComponent("site")

    func put(_ text: String, at path: String) throws {
        let url = output.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    func inode(_ path: String) -> UInt64? {
        var info = stat()
        return lstat(output.appendingPathComponent(path).path, &info) == 0 ? UInt64(info.st_ino) : nil
    }

    /// Every folder under `folder` (relative), empty or not.
    func folders(under folder: URL) -> [String] {
        let root = folder.path
        var found: [String] = []
        let walk = FileManager.default.enumerator(atPath: root)
        while let path = walk?.nextObject() as? String {
            if FileKind.at(root + "/" + path) == .directory { found.append(path) }
        }
        return found.sorted()
    }

    @Test func aRefreshedFolderEndsHoldingExactlyWhatWasWritten() throws {
        try put("same", at: "acct/same.html")
        try put("old", at: "acct/changed.html")
        try put("gone", at: "acct/gone/index.html")
        try put("a file where a folder goes", at: "acct/nested")
        try FileManager.default.createDirectory(at: output.appendingPathComponent("acct/was-a-folder/inner"), withIntermediateDirectories: true)
        try put("inside", at: "acct/was-a-folder/inner/x.html")
        try put("target", at: "elsewhere.txt")
        try FileManager.default.createSymbolicLink(atPath: output.appendingPathComponent("acct/link.html").path,
                                                   withDestinationPath: output.appendingPathComponent("elsewhere.txt").path)
        try put("other account", at: "other/index.html")
        let unchanged = inode("acct/same.html")

        let writer = try SiteWriter(updating: output)
        writer.keep("other", files: 1)
        writer.refresh("acct")
        try writer.write(Data("same".utf8), to: "acct/same.html")
        try writer.write(Data("new".utf8), to: "acct/changed.html")
        try writer.write(Data("deep".utf8), to: "acct/nested/index.html")
        try writer.write(Data("now a file".utf8), to: "acct/was-a-folder")
        // A link to a file holding the right bytes is not the file a clean build writes.
        try writer.write(Data("target".utf8), to: "acct/link.html")
        try writer.write(Data("root".utf8), to: "elsewhere.txt")
        try writer.commit()

        let tree = FolderTree.read(output.appendingPathComponent("acct"))
        #expect(tree == ["same.html": Data("same".utf8), "changed.html": Data("new".utf8), "nested/index.html": Data("deep".utf8),
                         "was-a-folder": Data("now a file".utf8), "link.html": Data("target".utf8)])
        #expect(FileKind.at(output.appendingPathComponent("acct/link.html").path) == .file)
        #expect(folders(under: output.appendingPathComponent("acct")) == ["nested"])
        #expect(inode("acct/same.html") == unchanged)
        #expect(FolderTree.read(output.appendingPathComponent("other")) == ["index.html": Data("other account".utf8)])
        #expect(writer.files(in: "acct") == 5)
    }

    @Test func aRefreshedFolderWithNothingWrittenIsRemovedAsAReplacedOneWouldBe() throws {
        try put("old", at: "acct/index.html")
        let writer = try SiteWriter(updating: output)
        writer.refresh("acct")
        try writer.commit()
        #expect(FileKind.at(output.appendingPathComponent("acct").path) == nil)
    }

    @Test func aFileWhereTheRefreshedFolderGoesIsReplacedByTheFolder() throws {
        try put("not a folder", at: "acct")
        let writer = try SiteWriter(updating: output)
        writer.refresh("acct")
        try writer.write(Data("page".utf8), to: "acct/index.html")
        try writer.commit()
        #expect(FolderTree.read(output.appendingPathComponent("acct")) == ["index.html": Data("page".utf8)])
    }
}
