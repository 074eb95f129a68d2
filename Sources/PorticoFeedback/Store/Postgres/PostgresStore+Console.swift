import Foundation
import GRDB
import PostgresNIO

/// The console's reads on PostgreSQL (the SQLite twins are in Console/ConsoleQueries.swift).
extension PostgresStore {
    public func accountTotals(from: Date, to: Date) async throws -> [String: ConsoleQueries.AccountTotals] {
        let previousFrom = from.addingTimeInterval(-to.timeIntervalSince(from))
        var totals: [String: ConsoleQueries.AccountTotals] = [:]
        let reading = """
            SELECT account_slug, SUM(active_seconds) AS seconds, COUNT(DISTINCT viewer) AS readers, COUNT(DISTINCT page) AS pieces
            FROM reading_event WHERE kind = 'view' AND started_at >= ? AND started_at < ? GROUP BY account_slug
            """
        for row in try await rows(reading, [.date(from), .date(to)]) {
            totals[row["account_slug"], default: .init()].current = .init(seconds: row["seconds"] ?? 0, readers: row["readers"], pieces: row["pieces"])
        }
        for row in try await rows(reading, [.date(previousFrom), .date(from)]) {
            totals[row["account_slug"], default: .init()].previous = .init(seconds: row["seconds"] ?? 0, readers: row["readers"], pieces: row["pieces"])
        }
        let last = """
            SELECT account_slug, MAX(at) AS at FROM (
              SELECT account_slug, MAX(started_at) AS at FROM reading_event GROUP BY account_slug
              UNION ALL SELECT account_slug, MAX(received_at) FROM submission WHERE status <> 'spam' GROUP BY account_slug
              UNION ALL SELECT account_slug, MAX(received_at) FROM workshop_request GROUP BY account_slug
            ) AS activity GROUP BY account_slug
            """
        for row in try await rows(last) { totals[row["account_slug"], default: .init()].lastActivity = row["at"] }
        for row in try await rows("SELECT account_slug, COUNT(*) AS n FROM submission WHERE status = 'open' GROUP BY account_slug") {
            totals[row["account_slug"], default: .init()].openFeedback = row["n"]
        }
        let open = ConsoleQueries.openWorkshopStates.map { "'\($0)'" }.joined(separator: ",")
        for row in try await rows("SELECT account_slug, COUNT(*) AS n FROM workshop_request WHERE state IN (\(open)) GROUP BY account_slug") {
            totals[row["account_slug"], default: .init()].openWorkshops = row["n"]
        }
        return totals
    }

    public func accountReading(account slug: String, from: Date) async throws -> (readers: [ConsoleQueries.ReaderRow], pages: [ConsoleQueries.PageRow]) {
        let readers = try await rows("""
            SELECT viewer, MAX(started_at) AS last, SUM(active_seconds) AS seconds, COUNT(DISTINCT page) AS pieces
            FROM reading_event WHERE account_slug = ? AND kind = 'view' AND started_at >= ? GROUP BY viewer
            """, [.text(slug), .date(from)]).map {
            ConsoleQueries.ReaderRow(viewer: $0["viewer"], lastSeen: $0["last"], seconds: $0["seconds"] ?? 0, pieces: $0["pieces"])
        }
        let pages = try await rows("""
            SELECT page, SUM(active_seconds) AS seconds, COUNT(DISTINCT viewer) AS readers
            FROM reading_event WHERE account_slug = ? AND kind = 'view' AND started_at >= ? GROUP BY page
            ORDER BY seconds DESC, page
            """, [.text(slug), .date(from)]).map { ConsoleQueries.PageRow(page: $0["page"], seconds: $0["seconds"] ?? 0, readers: $0["readers"]) }
        return (readers, pages)
    }

    public func lastSeen(account slug: String) async throws -> [String: Date] {
        var seen: [String: Date] = [:]
        for row in try await rows("""
            SELECT viewer, MAX(at) AS at FROM (
              SELECT viewer, MAX(started_at) AS at FROM reading_event WHERE account_slug = ? GROUP BY viewer
              UNION ALL SELECT viewer, MAX(received_at) FROM submission WHERE account_slug = ? GROUP BY viewer
              UNION ALL SELECT viewer, MAX(received_at) FROM workshop_request WHERE account_slug = ? GROUP BY viewer
            ) AS activity GROUP BY viewer
            """, [.text(slug), .text(slug), .text(slug)]) {
            seen[row["viewer"]] = row["at"]
        }
        return seen
    }

    public func items(_ query: ConsoleQueries.ItemQuery, limit: Int) async throws -> [ConsoleQueries.Item] {
        let (feedbackWhere, workshopWhere, values) = query.clauses
        let arguments = values.map { value -> PostgresArgument in
            switch value {
            case .text(let text): .text(text)
            case .integer(let number): .int64(number)
            }
        }
        var items: [ConsoleQueries.Item] = []
        if let feedbackWhere {
            items += try await rows("""
                SELECT id, account_slug, received_at, viewer, page, fields, status, assignee, sme_name, sme_email
                FROM submission WHERE \(feedbackWhere) ORDER BY received_at DESC, id DESC LIMIT \(limit)
                """, arguments).map { row in
                ConsoleQueries.Item(kind: .feedback, id: row["id"], account: row["account_slug"], receivedAt: row["received_at"], viewer: row["viewer"],
                                    page: row["page"], summary: ConsoleQueries.fieldsLine(row["fields"]), state: row["status"],
                                    assignee: row["assignee"], smeName: row["sme_name"], smeEmail: row["sme_email"])
            }
        }
        if let workshopWhere {
            items += try await rows("""
                SELECT id, account_slug, received_at, viewer, page, topic, state, assignee, sme_name, sme_email, scheduled_for
                FROM workshop_request WHERE \(workshopWhere) ORDER BY received_at DESC, id DESC LIMIT \(limit)
                """, arguments).map { row in
                ConsoleQueries.Item(kind: .workshop, id: row["id"], account: row["account_slug"], receivedAt: row["received_at"], viewer: row["viewer"],
                                    page: row["page"], summary: row["topic"], state: row["state"], assignee: row["assignee"],
                                    smeName: row["sme_name"], smeEmail: row["sme_email"], scheduledFor: row["scheduled_for"])
            }
        }
        return items.sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }
    }
}
