import Crypto
import Foundation

/// `.portico/publishes/latest.digest`: which record file is the newest (name, size, modification time) and a
/// hash of its content, so a build that publishes the same pages again need not decode a megabyte of JSON
/// to find out. The file is only a shortcut: when it does not describe the newest record, the record is read.
struct LatestPublishMark {
    let file: URL
    let digest: String

    init(folder: URL, record: PublishRecord) {
        self.init(folder: folder, digest: Self.digest(of: record))
    }

    init(folder: URL, digest: String) {
        file = folder.appendingPathComponent("latest.digest")
        self.digest = digest
    }

    /// Whether the record file `name` holds this record; nil when the mark does not describe that file.
    func matches(_ name: String) -> Bool? {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let stamp = stamp(name)
        guard !stamp.isEmpty, lines.count == 3, lines[0] == stamp else { return nil }
        return lines[1] == digest
    }

    func save(_ name: String) {
        try? "\(stamp(name))\n\(digest)\n".write(to: file, atomically: true, encoding: .utf8)
    }

    private func stamp(_ name: String) -> String {
        var info = stat()
        guard stat(file.deletingLastPathComponent().appendingPathComponent(name).path, &info) == 0 else { return "" }
        return "\(name) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }

    static func digest(of record: PublishRecord) -> String {
        var hasher = FieldHasher()
        hasher.add(record.date)
        for (slug, pages) in record.accounts.sorted(by: { $0.key < $1.key }) {
            hasher.add(slug)
            hasher.add(String(pages.count))
            for (path, fingerprint) in pages.sorted(by: { $0.key < $1.key }) {
                hasher.add(path)
                hasher.add(fingerprint)
            }
        }
        return hasher.hex()
    }
}
