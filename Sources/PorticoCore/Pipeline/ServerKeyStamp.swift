import Crypto
import Foundation

/// What the server key file was last made from: the publisher's identity (a mark of the secret, today, the
/// gate script), this executable, and the metadata of portal.yml, the names in accounts/ and every
/// account.yml; plus the key file's own metadata as the build left it. When both still match, the key file
/// holds what reading every account.yml again would give, and `build` skips that (the cost is in
/// bench/RESULTS.md, "What the shortcuts in the source save").
///
/// A file changed in the two seconds before the stamp was taken could change again with the same metadata
/// (git's "racily clean"): then no stamp is kept, and the next build reads every account.yml.
public struct ServerKeyStamp: Equatable, Sendable {
    /// The inputs, one line each.
    var inputs: String
    /// `size mtime ctime inode` of the key file after it was written.
    var keyFile: String

    static let format = "portico-server-keys-stamp-1"

    /// The inputs as they are now, and whether they are settled (none changed within the racy window).
    public static func inputs(content: URL, identity: String, keyFile: URL) -> (text: String, settled: Bool) {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let cutoff = Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec) - InputStamp.racyWindow
        var settled = true
        var lines = [format, identity, "exe " + ThisProgram.identity, keyFile.standardizedFileURL.path, content.standardizedFileURL.path]
        func add(_ path: String, label: String) {
            // Both the link and what it points at: editing a linked file changes only the target's metadata.
            for (kind, info) in [("l", metadata(path, follow: false)), ("s", metadata(path, follow: true))] {
                guard let info else { lines.append("\(label) \(kind) missing"); continue }
                if max(info.state.modified, info.state.changed) >= cutoff { settled = false }
                lines.append("\(label) \(kind) \(info.text)")
            }
        }
        add(content.path + "/portal.yml", label: "portal.yml")
        let accounts = content.path + "/accounts"
        add(accounts, label: "accounts")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: accounts)) ?? []).sorted()
        for name in names {
            lines.append("entry " + name)
            add(accounts + "/" + name + "/account.yml", label: "accounts/" + name + "/account.yml")
        }
        return (lines.joined(separator: "\n"), settled)
    }

    /// Whether the key file at `keyFile` was made from `inputs` and left as the build wrote it, by the stamp at `stamp`.
    public static func isCurrent(inputs: String, keyFile: URL, stamp: URL) -> Bool {
        guard let state = keyFileState(keyFile), let recorded = (try? Data(contentsOf: stamp)).flatMap(ServerKeyStamp.init(data:)) else {
            return false
        }
        return recorded == ServerKeyStamp(inputs: inputs, keyFile: state)
    }

    /// Records what the key file just written was made from; with inputs changed too recently to trust their
    /// metadata, forgets it instead (the next build makes the keys again).
    public static func remember(inputs: (text: String, settled: Bool), keyFile: URL, stamp: URL) {
        guard inputs.settled, let state = keyFileState(keyFile) else {
            unlink(stamp.path)
            return
        }
        try? FileManager.default.createDirectory(at: stamp.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? ServerKeyStamp(inputs: inputs.text, keyFile: state).data.write(to: stamp, options: .atomic)
    }

    /// `size mtime ctime inode` of the key file, nil when it is missing.
    static func keyFileState(_ file: URL) -> String? { metadata(file.path, follow: false)?.text }

    var data: Data { Data((keyFile + "\n" + inputs).utf8) }

    init(inputs: String, keyFile: String) {
        self.inputs = inputs
        self.keyFile = keyFile
    }

    init?(data: Data) {
        let text = String(decoding: data, as: UTF8.self)
        guard let newline = text.firstIndex(of: "\n") else { return nil }
        self.init(inputs: String(text[text.index(after: newline)...]), keyFile: String(text[..<newline]))
    }

    /// Where the stamp for this key file lives (one per key file path).
    public static func location(cacheFolder: URL, keyFile: URL) -> URL {
        let name = Hex.encode(SHA256.hash(data: Data(keyFile.standardizedFileURL.path.utf8)).prefix(8))
        return cacheFolder.appendingPathComponent("server-keys-\(name).stamp")
    }

    /// `mode size mtime ctime inode`, and the state an input stamp records (for the racy-window check).
    private static func metadata(_ path: String, follow: Bool) -> (text: String, state: InputStamp.FileState)? {
        var info = stat()
        guard (follow ? stat(path, &info) : lstat(path, &info)) == 0 else { return nil }
        let state = InputStamp.FileState(info)
        return ("\(info.st_mode) \(state.size) \(state.modified) \(state.changed) \(state.inode)", state)
    }
}
