import Foundation
import GRDB

/// The console's reads over the feedback database: per-account activity, readers, pieces, the timeline and
/// the inbox. Each is one or two indexed queries, so the pages stay fast at 100,000s of reading events.
struct ConsoleQueries: Sendable {
    let store: FeedbackStore

    /// Workshop states that still wait for someone (the rest are outcomes).
    static let openWorkshopStates = ["requested", "scheduled", "held", "poc-proposed"]

    struct Reading: Sendable, Equatable {
        var seconds = 0
        var readers = 0
        var pieces = 0
    }

    struct AccountTotals: Sendable {
        var current = Reading()
        var previous = Reading()
        var lastActivity: Date?
        var openFeedback = 0
        var openWorkshops = 0
    }

    /// Per account slug: reading in [from, to) and in the period of the same length before it, last activity
    /// of any kind, open feedback and open workshop requests.
    func accountTotals(from: Date, to: Date) throws -> [String: AccountTotals] {
        let previousFrom = from.addingTimeInterval(-to.timeIntervalSince(from))
        return try store.pool.read { db in
            var totals: [String: AccountTotals] = [:]
            let reading = """
                SELECT account_slug, SUM(active_seconds) AS seconds, COUNT(DISTINCT viewer) AS readers, COUNT(DISTINCT page) AS pieces
                FROM reading_event WHERE kind = 'view' AND started_at >= ? AND started_at < ? GROUP BY account_slug
                """
            for row in try Row.fetchAll(db, sql: reading, arguments: [from, to]) {
                totals[row["account_slug"], default: AccountTotals()].current = Reading(seconds: row["seconds"] ?? 0, readers: row["readers"], pieces: row["pieces"])
            }
            for row in try Row.fetchAll(db, sql: reading, arguments: [previousFrom, from]) {
                totals[row["account_slug"], default: AccountTotals()].previous = Reading(seconds: row["seconds"] ?? 0, readers: row["readers"], pieces: row["pieces"])
            }
            let last = """
                SELECT account_slug, MAX(at) AS at FROM (
                  SELECT account_slug, MAX(started_at) AS at FROM reading_event GROUP BY account_slug
                  UNION ALL SELECT account_slug, MAX(received_at) FROM submission WHERE status <> 'spam' GROUP BY account_slug
                  UNION ALL SELECT account_slug, MAX(received_at) FROM workshop_request GROUP BY account_slug
                ) GROUP BY account_slug
                """
            for row in try Row.fetchAll(db, sql: last) {
                totals[row["account_slug"], default: AccountTotals()].lastActivity = row["at"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT account_slug, COUNT(*) AS n FROM submission WHERE status = 'open' GROUP BY account_slug") {
                totals[row["account_slug"], default: AccountTotals()].openFeedback = row["n"]
            }
            let open = Self.openWorkshopStates.map { "'\($0)'" }.joined(separator: ",")
            for row in try Row.fetchAll(db, sql: "SELECT account_slug, COUNT(*) AS n FROM workshop_request WHERE state IN (\(open)) GROUP BY account_slug") {
                totals[row["account_slug"], default: AccountTotals()].openWorkshops = row["n"]
            }
            return totals
        }
    }

    struct ReaderRow: Sendable {
        var viewer: String
        var lastSeen: Date?
        var seconds: Int
        var pieces: Int
    }

    struct PageRow: Sendable {
        var page: String
        var seconds: Int
        var readers: Int
    }

    /// One account's readers and pieces since `from`.
    func reading(account slug: String, from: Date) throws -> (readers: [ReaderRow], pages: [PageRow]) {
        try store.pool.read { db in
            let readers = try Row.fetchAll(db, sql: """
                SELECT viewer, MAX(started_at) AS last, SUM(active_seconds) AS seconds, COUNT(DISTINCT page) AS pieces
                FROM reading_event WHERE account_slug = ? AND kind = 'view' AND started_at >= ? GROUP BY viewer
                """, arguments: [slug, from]).map {
                ReaderRow(viewer: $0["viewer"], lastSeen: $0["last"], seconds: $0["seconds"] ?? 0, pieces: $0["pieces"])
            }
            let pages = try Row.fetchAll(db, sql: """
                SELECT page, SUM(active_seconds) AS seconds, COUNT(DISTINCT viewer) AS readers
                FROM reading_event WHERE account_slug = ? AND kind = 'view' AND started_at >= ? GROUP BY page
                ORDER BY seconds DESC, page
                """, arguments: [slug, from]).map { PageRow(page: $0["page"], seconds: $0["seconds"] ?? 0, readers: $0["readers"]) }
            return (readers, pages)
        }
    }

    /// When each viewer of the account was last seen at all (reading, feedback or a workshop request).
    func lastSeen(account slug: String) throws -> [String: Date] {
        try store.pool.read { db in
            var seen: [String: Date] = [:]
            let sql = """
                SELECT viewer, MAX(at) AS at FROM (
                  SELECT viewer, MAX(started_at) AS at FROM reading_event WHERE account_slug = ? GROUP BY viewer
                  UNION ALL SELECT viewer, MAX(received_at) FROM submission WHERE account_slug = ? GROUP BY viewer
                  UNION ALL SELECT viewer, MAX(received_at) FROM workshop_request WHERE account_slug = ? GROUP BY viewer
                ) GROUP BY viewer
                """
            for row in try Row.fetchAll(db, sql: sql, arguments: [slug, slug, slug]) { seen[row["viewer"]] = row["at"] }
            return seen
        }
    }

    struct Item: Sendable {
        enum Kind: String, Sendable { case feedback, workshop }
        var kind: Kind
        var id: Int64
        var account: String
        var receivedAt: Date
        var viewer: String
        var page: String
        /// The workshop's topic, or the feedback's fields as one line.
        var summary: String
        var state: String
        var assignee: String?
        var smeName: String?
        var smeEmail: String?
        var scheduledFor: String?
    }

    /// Feedback and workshop requests, newest first, filtered by the `WHERE` fragment given for each table (both
    /// take `arguments`); a nil fragment leaves that table out.
    func items(feedbackWhere: String?, workshopWhere: String?, arguments: StatementArguments, limit: Int = 200) throws -> [Item] {
        try store.pool.read { db in
            let feedback = try feedbackWhere.map { feedbackWhere in try Row.fetchAll(db, sql: """
                SELECT id, account_slug, received_at, viewer, page, fields, status, assignee, sme_name, sme_email
                FROM submission WHERE \(feedbackWhere) ORDER BY received_at DESC, id DESC LIMIT \(limit)
                """, arguments: arguments).map { row -> Item in
                Item(kind: .feedback, id: row["id"], account: row["account_slug"], receivedAt: row["received_at"], viewer: row["viewer"],
                     page: row["page"], summary: Self.fieldsLine(row["fields"]), state: row["status"], assignee: row["assignee"],
                     smeName: row["sme_name"], smeEmail: row["sme_email"])
            } } ?? []
            let workshops = try workshopWhere.map { workshopWhere in try Row.fetchAll(db, sql: """
                SELECT id, account_slug, received_at, viewer, page, topic, state, assignee, sme_name, sme_email, scheduled_for
                FROM workshop_request WHERE \(workshopWhere) ORDER BY received_at DESC, id DESC LIMIT \(limit)
                """, arguments: arguments).map { row -> Item in
                Item(kind: .workshop, id: row["id"], account: row["account_slug"], receivedAt: row["received_at"], viewer: row["viewer"],
                     page: row["page"], summary: row["topic"], state: row["state"], assignee: row["assignee"],
                     smeName: row["sme_name"], smeEmail: row["sme_email"], scheduledFor: row["scheduled_for"])
            } } ?? []
            return (feedback + workshops).sorted { ($0.receivedAt, $0.id) > ($1.receivedAt, $1.id) }
        }
    }

    /// The fields of a feedback submission as one readable line: `message: Useful · rating: 4`.
    static func fieldsLine(_ json: String) -> String {
        guard case .object(let object)? = try? JSONValue.parse(Data(json.utf8)) else { return json }
        return object.keys.sorted().map { key -> String in
            switch object[key]! {
            case .string(let text): "\(key): \(text)"
            case .bool(let flag): "\(key): \(flag ? "yes" : "no")"
            case .integer(let number): "\(key): \(number)"
            case .number(let number): "\(key): \(number)"
            case .null: "\(key): –"
            case .array, .object: key
            }
        }.joined(separator: " · ")
    }
}
