import Foundation
import GRDB
import PorticoCore

/// The first half of the SQLite store's replay guard for feedback: whether a key (signed second, account, viewer,
/// nonce) may have been stored before. Until v6 a unique index answered, but nonces are random, so every group
/// commit wrote a leaf of that index for every few submissions, a third of the pages a commit wrote (bench/RESULTS.md,
/// #18). The table's index now holds only the signed second, where inserts append, and this filter holds a 64-bit
/// fingerprint of every key whose second falls in the minutes it holds.
///
/// A key whose fingerprint it has not seen is new. One it has seen (a replay, or one chance in 2⁶⁴ ÷ n of another
/// key) is looked up in the table, and so is every key of a minute it does not hold: older than `window`, or dropped
/// to stay within `capacity`. The filter saves lookups; it never refuses on its own.
///
/// It also holds the nonces of the workshop form's requests (all of them: they are few), which a feedback may not reuse.
///
/// It is used only inside the store's write transactions, so a check and the insert after it are one step for every
/// writer of this process. Another process's commit changes the writer's `PRAGMA data_version`: each group commit
/// asks (`loadIfChanged`) before its first check, and the filter is loaded again from the tables.
final class SubmissionReplayFilter: Sendable {
    /// How far back the filter holds keys by their signed second: more than the clock skew a request may have
    /// (`Envelope.defaultClockSkew`, 300 s), so that every replay the server lets through to the store is held.
    static let window: Int64 = 15 * 60
    /// Fingerprints held at most (about 22 MB): past it, the oldest minutes are dropped, and looked up in the table.
    static let defaultCapacity = 2_000_000

    /// A submission's key, as the filter holds it.
    struct Key {
        fileprivate let minute: Int64
        fileprivate let print: UInt64
        fileprivate let nonce: UInt64

        init(sentAt: Int64, accountPath: String, viewer: String, nonce: String) {
            minute = SubmissionReplayFilter.minute(of: sentAt)
            print = SubmissionReplayFilter.fingerprint(sentAt, accountPath, viewer, nonce)
            self.nonce = SubmissionReplayFilter.fingerprint(nil, accountPath, viewer, nonce)
        }
    }

    private struct State {
        /// Fingerprints by the minute of their signed second.
        var minutes: [Int64: Set<UInt64>] = [:]
        var count = 0
        /// The filter holds every stored key of this minute and later ones.
        var heldFrom: Int64 = .max
        /// Fingerprints of (account path, viewer, nonce) of every workshop request from the form.
        var workshopNonces: Set<UInt64> = []
        /// The writer's `PRAGMA data_version` when the filter last matched the tables; nil before the first load.
        var dataVersion: Int64?
        var loads = 0
    }
    private let state = Locked(State())
    private let capacity: Int
    private let now: @Sendable () -> Date

    init(capacity: Int = defaultCapacity, now: @escaping @Sendable () -> Date = Date.init) {
        self.capacity = capacity
        self.now = now
    }

    /// How many times the filter was (re)loaded from the tables: once when first used, then once for each change by
    /// another process.
    var loads: Int { state.current.loads }

    /// Whether the key may be stored already, or its nonce used by a workshop request: false means neither; true, that
    /// the tables have to say. `loadIfChanged` must have run in this transaction.
    func mayHold(_ key: Key) -> Bool {
        state.withLock { state in
            guard key.minute >= state.heldFrom, state.dataVersion != nil else { return true }
            return state.minutes[key.minute]?.contains(key.print) ?? false || state.workshopNonces.contains(key.nonce)
        }
    }

    /// Records a submission's key, inserted in the current transaction. When the transaction rolls back, its
    /// fingerprint stays: the key is then looked up once more, and found new.
    func insert(_ key: Key) {
        let current = Self.minute(of: Int64(now().timeIntervalSince1970))
        state.withLock { state in
            add(key.print, minute: key.minute, to: &state)
            forget(before: current - Self.window / 60, in: &state)
        }
    }

    /// Records the nonce of a workshop request from the form.
    func insertWorkshop(accountPath: String, viewer: String, nonce: String) {
        let print = Self.fingerprint(nil, accountPath, viewer, nonce)
        state.withLock { _ = $0.workshopNonces.insert(print) }
    }

    /// At the start of each write transaction that may check keys. After this store's own commits `data_version`
    /// stays; it is read under the write lock, so no commit of another process can fall between the read and the
    /// checks it guards.
    func loadIfChanged(_ db: Database) throws {
        let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version")) ?? 0
        guard state.current.dataVersion != version else { return }
        let current = Self.minute(of: Int64(now().timeIntervalSince1970))
        let from = current - Self.window / 60
        var fresh = State()
        fresh.heldFrom = from
        fresh.dataVersion = version
        fresh.loads = state.current.loads + 1
        let rows = try Row.fetchCursor(db, sql: "SELECT sent_at, account_path, viewer, nonce FROM submission WHERE sent_at >= ?",
                                       arguments: [from * 60])
        while let row = try rows.next() {
            let key = Key(sentAt: row[0], accountPath: row[1], viewer: row[2], nonce: row[3])
            add(key.print, minute: key.minute, to: &fresh)
        }
        let workshops = try Row.fetchCursor(db, sql: "SELECT account_path, viewer, nonce FROM workshop_request WHERE nonce IS NOT NULL")
        while let row = try workshops.next() {
            fresh.workshopNonces.insert(Self.fingerprint(nil, row[0], row[1], row[2]))
        }
        state.withLock { $0 = fresh }
    }

    private func add(_ print: UInt64, minute: Int64, to state: inout State) {
        guard minute >= state.heldFrom else { return }
        if state.minutes[minute, default: []].insert(print).inserted { state.count += 1 }
        // Over capacity: the oldest minutes go, and the filter holds only from the one after them.
        while state.count > capacity, let oldest = state.minutes.keys.min() {
            state.count -= state.minutes.removeValue(forKey: oldest)?.count ?? 0
            state.heldFrom = oldest + 1
        }
    }

    private func forget(before minute: Int64, in state: inout State) {
        guard state.heldFrom < minute else { return }
        for old in state.minutes.keys where old < minute {
            state.count -= state.minutes.removeValue(forKey: old)?.count ?? 0
        }
        state.heldFrom = minute
    }

    private static func minute(of second: Int64) -> Int64 {
        second >= 0 ? second / 60 : (second - 59) / 60
    }

    /// Swift's `Hasher` is seeded anew in every process, so no one outside can choose keys that collide. Without
    /// `sentAt`, the workshop form's key.
    private static func fingerprint(_ sentAt: Int64?, _ accountPath: String, _ viewer: String, _ nonce: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(sentAt)
        hasher.combine(accountPath)
        hasher.combine(viewer)
        hasher.combine(nonce)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
