import Crypto
import Foundation

/// What one publish contained: a fingerprint of every page of every account, so a later digest can tell
/// what is new or updated since. Kept in `.portico/publishes/` (keep that folder between CI runs).
public struct PublishRecord: Codable, Sendable, Equatable {
    public var date: String
    /// account slug → page output path → fingerprint.
    public var accounts: [String: [String: String]]

    public init(date: String, accounts: [String: [String: String]]) {
        self.date = date
        self.accounts = accounts
    }

    /// `known`: fingerprints of source pages by path, already computed (the build's front-matter cache keeps them).
    public init(date: Day, accounts: [ResolvedAccount], known: [String: String] = [:]) {
        self.date = date.description
        // Library pages appear in many accounts: fingerprint each source page once.
        var known = known
        self.accounts = Dictionary(uniqueKeysWithValues: accounts.map { account in
            (account.slug, Dictionary(uniqueKeysWithValues: account.pages.map { page in
                let path = page.source.sourcePath
                if let fingerprint = known[path] { return (page.outputPath, fingerprint) }
                let fingerprint = page.source.readerFingerprint
                known[path] = fingerprint
                return (page.outputPath, fingerprint)
            }))
        })
    }

    /// Page output path → fingerprint, for one account as it is now.
    public static func fingerprints(of account: ResolvedAccount) -> [String: String] {
        Dictionary(uniqueKeysWithValues: account.pages.map { ($0.outputPath, $0.source.readerFingerprint) })
    }

}

public struct PublishLog: Sendable {
    public let folder: URL

    public init(project: URL) {
        folder = project.appendingPathComponent(".portico/publishes")
    }

    /// Records are named by the moment they were written, so they sort in time order.
    public func record(_ record: PublishRecord, at moment: Date = Date()) throws {
        _ = try write(record.json(), at: moment)
    }

    /// Records `record` unless the newest record equals it; true when it was recorded.
    /// `digest` and `json`: `LatestPublishMark.digest(of: record)` and `record.json()`, when the caller has them already.
    public func recordIfChanged(_ record: PublishRecord, digest: String? = nil, json: Data? = nil, at moment: Date = Date()) throws -> Bool {
        let newest = digest.map { LatestPublishMark(folder: folder, digest: $0) } ?? LatestPublishMark(folder: folder, record: record)
        if let name = names().last {
            if let equal = newest.matches(name) {
                guard !equal else { return false }
            } else if latest() == record {
                newest.save(name)
                return false
            }
        }
        newest.save(try write(json ?? record.json(), at: moment))
        return true
    }

    private func write(_ json: Data, at moment: Date) throws -> String {
        try PrivateFolder.create(folder)
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime]
        let stem = formatter.string(from: moment).replacingOccurrences(of: ":", with: "")
        // A second publish within the same second gets a suffix that sorts after the first ("~" > "."), never its name.
        var name = stem + ".json"
        var sequence = 1
        while FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            name = stem + String(format: "~%04d.json", sequence)
            sequence += 1
        }
        try json.write(to: folder.appendingPathComponent(name), options: .withoutOverwriting)
        return name
    }

    /// Whether the newest record is known, without reading it, to be the one with this `LatestPublishMark` digest.
    func newestIs(digest: String) -> Bool {
        guard let name = names().last else { return false }
        return LatestPublishMark(folder: folder, digest: digest).matches(name) == true
    }

    /// The newest record, if any.
    public func latest() -> PublishRecord? {
        guard let name = names().last else { return nil }
        return FileBytes.contents(of: folder.appendingPathComponent(name).path).flatMap(PublishRecord.read)
    }

    /// Every record, oldest first.
    public func records() -> [PublishRecord] {
        names().compactMap { FileBytes.contents(of: folder.appendingPathComponent($0).path).flatMap(PublishRecord.read) }
    }

    func names() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
    }
}
