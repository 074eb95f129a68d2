import Foundation

/// Every regular file below a folder, by its path relative to the folder, with its bytes: what the tests compare two
/// builds by (a cached build against a clean one, a preview rebuild against a fresh build).
public enum FolderTree {
    public static func read(_ folder: URL) -> [String: Data] {
        var result: [String: Data] = [:]
        let base = folder.standardizedFileURL.path
        guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]) else { return [:] }
        for case let file as URL in enumerator where (try? file.resourceValues(forKeys: [.isRegularFileKey]))?.isRegularFile == true {
            result[String(file.standardizedFileURL.path.dropFirst(base.count + 1))] = try? Data(contentsOf: file)
        }
        return result
    }
}
