import Foundation

/// The accounts overview's totals, shared by everyone who opens it and recomputed at most every `maxAge` seconds:
/// they sum every reading event of two periods (hundreds of milliseconds at 100,000 events on a small server),
/// which no page view should wait for. A stale entry is served while one refresh runs in the background
/// (stale-while-revalidate); only the first request for a period computes while the person waits.
final class OverviewCache: @unchecked Sendable {
    static let maxAge: TimeInterval = 30

    private struct Entry {
        var computedAt: Date
        var totals: [String: ConsoleQueries.AccountTotals]
    }

    private var entries: [Int: Entry] = [:]
    private var refreshing: Set<Int> = []
    private let lock = NSLock()

    func totals(days: Int, now: Date,
                compute: @escaping @Sendable () async throws -> [String: ConsoleQueries.AccountTotals]) async throws -> [String: ConsoleQueries.AccountTotals] {
        let (entry, refresh) = lock.withLock { () -> (Entry?, Bool) in
            guard let entry = entries[days] else { return (nil, false) }
            let stale = now.timeIntervalSince(entry.computedAt) > Self.maxAge || now < entry.computedAt
            let start = stale && refreshing.insert(days).inserted
            return (entry, start)
        }
        guard let entry else {
            let totals = try await compute()
            lock.withLock { entries[days] = Entry(computedAt: now, totals: totals) }
            return totals
        }
        if refresh {
            Task.detached { [self] in
                let totals = try? await compute()
                lock.withLock {
                    if let totals { entries[days] = Entry(computedAt: now, totals: totals) }
                    refreshing.remove(days)
                }
            }
        }
        return entry.totals
    }
}
