import Foundation
import GRDB
import Testing
@testable import PorticoFeedback

/// A 201 means the commit is on disk: the connection that commits readers' writes syncs the log at every commit.
@Suite struct StoreDurabilityTests {
    /// SQLite's `PRAGMA synchronous`: 1 NORMAL (in WAL mode, synced only at checkpoints), 2 FULL (at every commit).
    static func synchronous(_ db: Database) throws -> Int? { try Int.fetchOne(db, sql: "PRAGMA synchronous") }

    @Test func theWriterSyncsEveryCommit() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        #expect(try await store.pool.writeWithoutTransaction { try Self.synchronous($0) } == 2)
        // The group commit's transactions run on that same connection.
        let tests = GroupCommitTests()
        #expect(await tests.insert(store, tests.submission(nonce: "n0")) != .failed)
        #expect(try await store.pool.writeWithoutTransaction { try Self.synchronous($0) } == 2)
    }
}
