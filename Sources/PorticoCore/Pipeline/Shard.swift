import Crypto
import Foundation

/// One of `count` parts of a portal's accounts, numbered from 1 (`portico build --shard 2/3`: the second of
/// three, as a CI matrix numbers its jobs), for a build split over machines.
///
/// Rendezvous (highest random weight) hashing: an account goes to the part whose SHA-256 of the account's slug
/// and the part's number is highest. An account's part depends on its slug and `count` alone, so adding or
/// removing an account moves no other, and going from n parts to n + 1 moves only the accounts the new part
/// wins (about one in n + 1). SHA-256, not `Hasher`, which is seeded afresh in every process.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    /// As many parts as a GitHub Actions matrix may have jobs.
    public static let maximumCount = 256

    public init?(index: Int, count: Int) {
        guard (1...Self.maximumCount).contains(count), (1...count).contains(index) else { return nil }
        self.index = index
        self.count = count
    }

    /// `INDEX/COUNT`, e.g. `2/3`.
    public init(parsing text: String) throws(Invalid) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let index = Self.number(parts[0]), let count = Self.number(parts[1]) else {
            throw Invalid("write it as INDEX/COUNT, e.g. 2/3 for the second of three shards")
        }
        guard (1...Self.maximumCount).contains(count) else {
            throw Invalid("the count of shards must be 1 to \(Self.maximumCount)")
        }
        guard let shard = Shard(index: index, count: count) else {
            throw Invalid("shards are numbered from 1 to \(count) (1-based, as in a CI matrix `shard: [1, 2, 3]`)")
        }
        self = shard
    }

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    public var description: String { "\(index)/\(count)" }

    /// Whether this part builds the account with this slug.
    public func contains(_ slug: String) -> Bool {
        Self.part(of: slug, among: count) == index
    }

    /// The part (1…count) that builds the account with this slug.
    public static func part(of slug: String, among count: Int) -> Int {
        var best = (part: 1, weight: UInt64(0))
        for part in 1...max(count, 1) {
            let weight = Self.weight(slug, part)
            if part == 1 || weight > best.weight { best = (part, weight) }
        }
        return best.part
    }

    static func weight(_ slug: String, _ part: Int) -> UInt64 {
        let digest = SHA256.hash(data: Data("portico-shard\0\(slug)\0\(part)".utf8))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// Plain decimal digits only: no sign, space or leading `+` slips through as a number.
    private static func number(_ text: Substring) -> Int? {
        guard !text.isEmpty, text.count <= 6, text.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(text)
    }
}
