import Foundation
import PorticoCore

/// The accounts overview's totals, shared by everyone who opens it and recomputed at most every `maxAge` seconds:
/// they sum every reading event of two periods (hundreds of milliseconds at 100,000 events on a small server),
/// which no page view should wait for. A stale entry is served while one refresh runs in the background
/// (stale-while-revalidate); only the first request for a period computes while the person waits.
final class OverviewCache: Sendable {
    static let maxAge: TimeInterval = 30

    private struct Entry {
        var computedAt: Date
        var totals: [String: ConsoleQueries.AccountTotals]
    }

    private struct State {
        var entries: [Int: Entry] = [:]
        var refreshing: Set<Int> = []
    }

    private let state = Locked(State())

    func totals(days: Int, now: Date,
                compute: @escaping @Sendable () async throws -> [String: ConsoleQueries.AccountTotals]) async throws -> [String: ConsoleQueries.AccountTotals] {
        let (entry, refresh) = state.withLock { state -> (Entry?, Bool) in
            guard let entry = state.entries[days] else { return (nil, false) }
            let stale = now.timeIntervalSince(entry.computedAt) > Self.maxAge || now < entry.computedAt
            let start = stale && state.refreshing.insert(days).inserted
            return (entry, start)
        }
        guard let entry else {
            let totals = try await compute()
            state.withLock { $0.entries[days] = Entry(computedAt: now, totals: totals) }
            return totals
        }
        if refresh {
            Task.detached { [self] in
                let totals = try? await compute()
                state.withLock { state in
                    if let totals { state.entries[days] = Entry(computedAt: now, totals: totals) }
                    state.refreshing.remove(days)
                }
            }
        }
        return entry.totals
    }
}
