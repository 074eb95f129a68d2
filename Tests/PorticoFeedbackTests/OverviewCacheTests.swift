import Foundation
import PorticoCore
import Testing
@testable import PorticoFeedback

/// The overview's totals are computed once per period and age, and a stale answer is refreshed in the background.
@Suite struct OverviewCacheTests {
    final class Counter: Sendable {
        private let value = Locked(0)
        func next() -> Int { value.withLock { $0 += 1; return $0 } }
        var count: Int { value.current }
    }

    func totals(_ seconds: Int) -> [String: ConsoleQueries.AccountTotals] {
        var totals = ConsoleQueries.AccountTotals()
        totals.current.seconds = seconds
        return ["acme": totals]
    }

    @Test func computesOncePerPeriodThenServesStaleWhileOneRefreshRuns() async throws {
        let cache = OverviewCache(), calls = Counter()
        let start = Date(timeIntervalSince1970: 1_000_000)
        let compute: @Sendable () throws -> [String: ConsoleQueries.AccountTotals] = { [self] in totals(calls.next()) }
        #expect(try await cache.totals(days: 30, now: start, compute: compute)["acme"]?.current.seconds == 1)
        #expect(try await cache.totals(days: 30, now: start.addingTimeInterval(10), compute: compute)["acme"]?.current.seconds == 1)
        #expect(calls.count == 1)
        // another period is its own entry
        #expect(try await cache.totals(days: 7, now: start, compute: compute)["acme"]?.current.seconds == 2)
        // past maxAge: the stale totals now, one refresh behind them, however many ask meanwhile
        let later = start.addingTimeInterval(OverviewCache.maxAge + 1)
        #expect(try await cache.totals(days: 30, now: later, compute: compute)["acme"]?.current.seconds == 1)
        #expect(try await cache.totals(days: 30, now: later, compute: compute)["acme"]?.current.seconds == 1)
        for _ in 0..<200 where calls.count < 3 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(calls.count == 3)
        var refreshed = 0
        for _ in 0..<200 {
            refreshed = try await cache.totals(days: 30, now: later, compute: compute)["acme"]?.current.seconds ?? 0
            if refreshed == 3 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(refreshed == 3)
        #expect(calls.count == 3)
    }
}
