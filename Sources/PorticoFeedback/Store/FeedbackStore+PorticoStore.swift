import Foundation
import GRDB

/// The SQLite store as a `PorticoStore`: most operations are FeedbackStore's own methods; these are the rest.
extension FeedbackStore: PorticoStore {
    public func accountTotals(from: Date, to: Date) async throws -> [String: ConsoleQueries.AccountTotals] {
        try ConsoleQueries(store: self).accountTotals(from: from, to: to)
    }

    public func accountReading(account slug: String, from: Date) async throws -> (readers: [ConsoleQueries.ReaderRow], pages: [ConsoleQueries.PageRow]) {
        try ConsoleQueries(store: self).reading(account: slug, from: from)
    }

    public func lastSeen(account slug: String) async throws -> [String: Date] {
        try ConsoleQueries(store: self).lastSeen(account: slug)
    }

    public func items(_ query: ConsoleQueries.ItemQuery, limit: Int) async throws -> [ConsoleQueries.Item] {
        try ConsoleQueries(store: self).items(query, limit: limit)
    }

    public func close() async {}
}
