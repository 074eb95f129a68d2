import Foundation
import Testing
@testable import PorticoCore

/// `build --shard i/n`: which shard builds an account (rendezvous hashing of its slug), and the forms it accepts.
@Suite struct ShardTests {
    let slugs = (1...300).map { "account-\($0)" }

    @Test func everyAccountIsInExactlyOneShard() throws {
        for count in 1...7 {
            let shards = (1...count).map { Shard(index: $0, count: count)! }
            for slug in slugs {
                #expect(shards.filter { $0.contains(slug) }.count == 1, "\(slug) among \(count)")
            }
        }
    }

    /// Computed independently (Python's hashlib: the highest first 8 bytes, big-endian, of
    /// SHA-256("portico-shard\0<slug>\0<part>")) and kept, so that a change of hash, input layout or tie rule,
    /// which would move accounts between shards from one portico version to the next, fails here. Swift's
    /// `Hasher` would give other parts in every process.
    @Test func theAssignmentIsAFixedFunctionOfTheSlug() {
        let slugs = ["bank", "auto-oem", "acme", "globex"]
        #expect(slugs.map { Shard.part(of: $0, among: 3) } == [3, 2, 3, 3])
        #expect(slugs.map { Shard.part(of: $0, among: 5) } == [3, 4, 3, 3])
    }

    @Test func theShardsAreRoughlyEven() {
        let counts = (1...3).map { index in slugs.filter { Shard(index: index, count: 3)!.contains($0) }.count }
        // 300 accounts over 3: a binomial spread of about ±8 around 100; 70 is nearly 4 standard deviations off.
        #expect(counts.allSatisfy { $0 > 70 }, "\(counts)")
    }

    @Test func oneMoreShardTakesAccountsOnlyIntoItself() {
        // Going from 3 shards to 4 moves an account only into the new shard, never between the old ones.
        var moved = 0
        for slug in slugs {
            let before = Shard.part(of: slug, among: 3), after = Shard.part(of: slug, among: 4)
            if before != after {
                #expect(after == 4, "\(slug) moved from \(before) to \(after)")
                moved += 1
            }
        }
        #expect(moved > 0 && moved < slugs.count / 2, "\(moved) of \(slugs.count) moved")
    }

    @Test func addingAnAccountMovesNoOther() {
        let before = Dictionary(uniqueKeysWithValues: slugs.map { ($0, Shard.part(of: $0, among: 5)) })
        let after = Dictionary(uniqueKeysWithValues: (slugs + ["newcomer"]).map { ($0, Shard.part(of: $0, among: 5)) })
        #expect(slugs.filter { before[$0] != after[$0] } == [])
    }

    @Test(arguments: [("1/3", 1, 3), ("3/3", 3, 3), ("1/1", 1, 1), ("256/256", 256, 256), ("007/10", 7, 10)])
    func parsesIndexOverCount(text: String, index: Int, count: Int) throws {
        #expect(try Shard(parsing: text) == Shard(index: index, count: count))
    }

    @Test(arguments: ["0/3", "4/3", "a/b", "1/0", "1/257", "-1/3", "+1/3", " 1/3", "1/3 ", "1/3/5", "3", "", "/", "1/", "99999999999999999999/3"])
    func refusesAnythingElse(text: String) {
        #expect(throws: Shard.Invalid.self) { try Shard(parsing: text) }
    }
}
