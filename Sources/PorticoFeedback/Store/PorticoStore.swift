import Foundation
import PorticoCore

/// What the server and the console need from a database, as operations: `FeedbackStore` keeps them in SQLite (the
/// default, one file beside one server), `PostgresStore` in PostgreSQL (shared by replicas). Each backend keeps its
/// SQL in its own files; both apply the same numbered migrations (`StoreSchema`).
///
/// Every write that answers a reader (`insert`, `insertWorkshop`, `insertReading`) returns only once committed
/// durably, and throws `StoreError.duplicateNonce` for a nonce seen before, on any replica.
public protocol PorticoStore: StoreTables {
    // MARK: what readers send

    /// Stores a submission (and its workshop request, when asked for); returns the submission's id. Its `created`
    /// event and its outbox entry, whose payload `notification` writes, are in the same transaction on PostgreSQL; on
    /// SQLite they follow within 50 ms and the payload is built from the stored row when sent (`SubmissionTrail`).
    func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64
    /// The same for a caller that cannot suspend (the server's event-loop path): `answer` is called once, after the
    /// commit or the failure.
    func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String,
                answer: @escaping @Sendable (Result<Int64, any Error>) -> Void)
    /// Stores a request from the workshop form with its `created` event and outbox entry; returns its id.
    func insertWorkshop(_ new: NewWorkshopRequest, notification: @escaping @Sendable (Int64) -> String) async throws -> Int64
    /// Stores a reading batch's events with its nonce in one transaction.
    func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt: Date) async throws
    /// The same for a caller that cannot suspend: `answer` is called once, after the commit or the failure.
    func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt: Date, answer: @escaping @Sendable (Result<Void, any Error>) -> Void)
    /// Retention: deletes reading events started before `cutoff` and replay-guard rows received before `batchCutoff`.
    @discardableResult
    func pruneReading(startedBefore cutoff: Date, batchesReceivedBefore batchCutoff: Date) async throws -> (events: Int, batches: Int)

    // MARK: follow-up

    func submissions(_ filter: SubmissionFilter) async throws -> [StoredSubmission]
    func submission(id: Int64) async throws -> StoredSubmission?
    func changeFeedbackStatus(id: Int64, to status: SubmissionStatus, actor: String, note: String?, at date: Date) async throws
    /// Marks a submission resolved with a note, recorded in its history; false when there is no such id.
    func resolve(id: Int64, note: String, at date: Date, actor: String) async throws -> Bool
    func assign(_ kind: FollowUpKind, id: Int64, to staffID: String?, actor: String, at date: Date) async throws
    func addNote(_ kind: FollowUpKind, id: Int64, note: String, actor: String, at date: Date) async throws
    func history(_ kind: FollowUpKind, id: Int64) async throws -> [FollowUpEvent]
    func workshopRequests(_ filter: WorkshopFilter) async throws -> [WorkshopRequest]
    func workshopRequest(id: Int64) async throws -> WorkshopRequest?
    @discardableResult
    func changeWorkshopState(id: Int64, to next: WorkshopState, scheduledFor: Day?, actor: String, note: String?,
                             at date: Date) async throws -> WorkshopRequest
    func readingEvents(account slug: String, since: Date?) async throws -> [StoredReadingEvent]
    /// Erases everything one reader of one account sent or caused; the rows removed per table.
    func forget(account: String, viewer: String) async throws -> [(table: String, rows: Int)]

    // MARK: the console's reads

    func accountTotals(from: Date, to: Date) async throws -> [String: ConsoleQueries.AccountTotals]
    func accountReading(account slug: String, from: Date) async throws -> (readers: [ConsoleQueries.ReaderRow], pages: [ConsoleQueries.PageRow])
    func lastSeen(account slug: String) async throws -> [String: Date]
    func items(_ query: ConsoleQueries.ItemQuery, limit: Int) async throws -> [ConsoleQueries.Item]

    // MARK: console sessions (hummingbird-auth's storage, through `StoredSessions`)

    /// Throws `StoreError.duplicateSession` when the key exists.
    func createSession(key: String, value: Data, expiresAt: Date?) async throws
    /// Inserts or replaces; a nil expiry keeps an existing session's own.
    func setSession(key: String, value: Data, expiresAt: Date?) async throws
    func session(key: String) async throws -> (value: Data, expiresAt: Date?)?
    func removeSession(key: String) async throws
    func removeSessions(expiredAt date: Date) async throws

    // MARK: the webhook outbox

    /// Entries due at `date`. On a shared database each is handed to one replica at a time (`claimedFor`).
    func dueNotifications(at date: Date, limit: Int) async throws -> [OutboxEntry]
    func markDelivered(_ id: Int64, at date: Date) async throws
    func markFailed(_ id: Int64, error: String, retryAt: Date) async throws
    func outboxCounts() async throws -> (pending: Int, delivered: Int)

    /// The migrations applied to this database, oldest first (`StoreSchema.versions` once up to date).
    func schemaVersions() async throws -> [String]
    /// Releases connections (a no-op for SQLite).
    func close() async
}

extension PorticoStore {
    // Tasks that await the async forms: for a store whose writes are async all the way down (PostgreSQL).

    public func insert(_ new: NewSubmission, notification: @escaping @Sendable (Int64) -> String,
                       answer: @escaping @Sendable (Result<Int64, any Error>) -> Void) {
        Task {
            do { answer(.success(try await insert(new, notification: notification))) } catch { answer(.failure(error)) }
        }
    }

    public func insertReading(_ batch: ReadingBatch, accountSlug: String, receivedAt: Date,
                              answer: @escaping @Sendable (Result<Void, any Error>) -> Void) {
        Task {
            do { answer(.success(try await insertReading(batch, accountSlug: accountSlug, receivedAt: receivedAt))) } catch { answer(.failure(error)) }
        }
    }
}

public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// The (account, viewer, nonce) was stored before: a replay.
    case duplicateNonce
    /// `createSession` with a key already used.
    case duplicateSession
    /// The database was migrated by a newer portico: its versions are not all known to this one.
    case schemaTooNew(applied: [String], known: [String])
    /// An outbox entry with no payload (built when sent) whose submission is gone: not written by portico.
    case notificationWithoutPayload(id: Int64)

    public var description: String {
        switch self {
        case .duplicateNonce: "this nonce was used before (a replay)"
        case .duplicateSession: "a console session with this key exists"
        case .schemaTooNew(let applied, let known):
            "the database's schema is newer than this portico knows (it has \(applied.filter { !known.contains($0) }.joined(separator: ", "))); "
                + "run the portico that migrated it, or a newer one"
        case .notificationWithoutPayload(let id):
            "outbox entry \(id) has no payload and no submission to build it from; delete it, or give it a payload"
        }
    }
}
