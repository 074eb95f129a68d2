import Foundation
import GRDB
import Testing
@testable import PorticoFeedback

/// v5 makes the submission table again with its replay key led by the signed timestamp (Store/ReplayKeyMigration.swift).
@Suite struct ReplayKeyMigrationTests {
    static let nonces = ["n-one-aaaaaaaaaaaa", "n-two-aaaaaaaaaaaa", "n-three-aaaaaaaaaa"]

    /// A database as a v4 portico left it: three submissions, the first with an outbox entry, the newest erased.
    static func v4Database() throws -> String {
        let path = Fixture.databasePath()
        let queue = try DatabaseQueue(path: path)
        try FeedbackStore.migrator.migrate(queue, upTo: StoreSchema.versions[3])
        try queue.write { db in
            for (index, nonce) in nonces.enumerated() {
                try db.execute(sql: """
                    INSERT INTO submission (received_at, account_slug, account_path, page, viewer, nonce, sent_at, fields, body, status, note)
                    VALUES (?, 'acme', ?, 'insights/cloud-costs/index.html', 'alice', ?, ?, '{"message":"m"}', X'7B7D', 'open', ?)
                    """, arguments: ["2026-11-20 10:00:0\(index).000", Fixture.acmePath, nonce, 1_700_000_000 + index, "note \(index)"])
            }
            try db.execute(sql: "INSERT INTO outbox (submission_id, payload, next_attempt_at) VALUES (1, '{}', '2026-11-20 10:00:00.000')")
            try db.execute(sql: "DELETE FROM submission WHERE id = 3")
        }
        return path
    }

    static func submissionRows(_ path: String) throws -> [[DatabaseValue]] {
        try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY id").map { row in row.columnNames.sorted().map { row[$0] } }
        }
    }

    func submission(nonce: String, sentAt: Int64) -> NewSubmission {
        NewSubmission(receivedAt: Fixture.now, accountSlug: "acme",
                      submission: Submission(account: Fixture.acmePath, page: "insights/cloud-costs/index.html", viewer: "alice",
                                             timestamp: sentAt, nonce: nonce, fields: ["message": .string("again")]),
                      body: Data("again".utf8), sme: nil)
    }

    @Test func keepsEveryRowAndTheSequenceAndRefusesTheSameSignedRequest() async throws {
        let path = try Self.v4Database()
        let before = try Self.submissionRows(path)
        #expect(before.count == 2)
        let store = try FeedbackStore(path: path)
        #expect(try await store.schemaVersions() == StoreSchema.versions)
        #expect(try Self.submissionRows(path) == before, "every column of every row as it was")
        try await store.pool.read { db in
            #expect(try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").isEmpty)
            let indexes = try db.indexes(on: "submission").map { "\($0.name) \($0.isUnique) \($0.columns)" }.sorted()
            // v6 then replaces the unique key with an index of the signed second and `SubmissionReplayFilter`.
            #expect(indexes == [#"submission_by_account false ["account_slug", "received_at"]"#,
                                #"submission_by_time false ["sent_at"]"#], "\(indexes)")
        }
        // The same signed request again (its timestamp and nonce) is a replay; the erased submission's id is not given again.
        await #expect(throws: StoreError.duplicateNonce) {
            try await store.insert(submission(nonce: Self.nonces[1], sentAt: 1_700_000_001)) { _ in "{}" }
        }
        #expect(try await store.insert(submission(nonce: "n-four-aaaaaaaaaaa", sentAt: 1_700_000_003)) { _ in "{}" } == 4)
    }

    @Test func aWorkshopRequestSignedWithAFeedbacksTimestampAndNonceIsAReplay() async throws {
        let store = try FeedbackStore(path: Fixture.databasePath())
        _ = try await store.insert(submission(nonce: "shared-aaaaaaaaaaaa", sentAt: 1_700_000_000)) { _ in "{}" }
        func workshop(sentAt: Int64?) -> NewWorkshopRequest {
            NewWorkshopRequest(receivedAt: Fixture.now, accountSlug: "acme", accountPath: Fixture.acmePath, viewer: "alice", page: "index.html",
                               nonce: "shared-aaaaaaaaaaaa", topic: "Costs", sme: nil, sentAt: sentAt)
        }
        // By its key (the server's path) and, for a request made without a timestamp, by a search of every submission.
        for sentAt in [1_700_000_000, nil] as [Int64?] {
            await #expect(throws: StoreError.duplicateNonce) {
                try await store.insertWorkshop(workshop(sentAt: sentAt)) { _ in "{}" }
            }
        }
        #expect(try store.workshopRequests().isEmpty)
    }
}
