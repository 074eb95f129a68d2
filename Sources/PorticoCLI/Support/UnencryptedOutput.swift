import Foundation
import PorticoCore

/// Where `build --unencrypted` may write: never into the folder that gets published, where one sync would put
/// every client's pages online in the clear.
enum UnencryptedOutput {
    /// Why `folder` is refused, or nil. Refused: `site` (the publish folder every doc syncs), in the current folder
    /// or beside the content folder, and any folder holding a gated build (its host configuration, `_headers`).
    static func refusal(for folder: URL, project: URL) -> String? {
        let path = folder.standardizedFileURL.resolvingSymlinksInPath().path
        let publishFolders = [URL(fileURLWithPath: "site"), project.appendingPathComponent("site")]
            .map { $0.standardizedFileURL.resolvingSymlinksInPath().path }
        let fix = "leave out --out (readable pages then go to .portico/unencrypted, which git ignores) or name a folder you never publish"
        if publishFolders.contains(path) {
            return "--unencrypted would write readable pages into \(path), the folder the site is published from: one sync would put every account's pages online in the clear; \(fix)"
        }
        if ["_headers", "_portico/nginx.conf"].contains(where: { FileManager.default.fileExists(atPath: path + "/" + $0) }) {
            return "--unencrypted would write readable pages into \(path), which holds an encrypted build (its _headers): publishing it would put every account's pages online in the clear; \(fix)"
        }
        return nil
    }
}
