import Foundation

/// `.portico/`: the secret, the publish history and the caches. It is created with mode 0700 (only its owner
/// may list or enter it), and a looser mode found on it, or on the secret, is reported whenever it is read.
public enum PrivateFolder {
    public static let name = ".portico"

    public static func folder(project: URL) -> URL { project.appendingPathComponent(name) }

    /// Creates `folder` and any missing parents; a `.portico` among them that does not exist yet is made 0700,
    /// by `mkdir` itself, so it is never open to others even for a moment.
    public static func create(_ folder: URL) throws {
        let path = folder.standardizedFileURL.path
        if let range = path.range(of: "/" + name, options: .backwards),
           range.upperBound == path.endIndex || path[range.upperBound] == "/" {
            let privatePath = String(path[..<range.upperBound])
            try FileManager.default.createDirectory(atPath: (privatePath as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            if mkdir(privatePath, 0o700) != 0 && errno != EEXIST {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: privatePath])
            }
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A warning when the file or folder at `path` grants anything to its group or to others; nil when it does
    /// not, or does not exist.
    public static func modeWarning(path: String, isFolder: Bool) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 != 0 else { return nil }
        let wanted = isFolder ? "700" : "600"
        return "warning: \(path) has mode \(String(mode, radix: 8)), so other users of this machine can \(isFolder ? "look inside" : "read") it: run `chmod \(wanted) \(path)`"
    }

    /// Warnings for `.portico/` and, when `secretRead`, for `.portico/secret`.
    public static func modeWarnings(project: URL, secretRead: Bool) -> [String] {
        let folder = folder(project: project)
        var warnings = [modeWarning(path: folder.path, isFolder: true)]
        if secretRead { warnings.append(modeWarning(path: folder.appendingPathComponent("secret").path, isFolder: false)) }
        return warnings.compactMap { $0 }
    }
}
