import Foundation
import GRDB

/// The console's reads over the SQLite database: per-account activity, readers, pieces, the timeline and
/// the inbox. Each is one or two indexed queries, so the pages stay fast at 100,000s of reading events.
/// (`PostgresStore+Console` answers the same operations on PostgreSQL.)
public struct ConsoleQueries: Sendable {
    let store: FeedbackStore

    /// Workshop states that still wait for someone (the rest are outcomes).
    static let openWorkshopStates = ["requested", "scheduled", "held", "poc-proposed"]

    public struct Reading: Sendable, Equatable {
        public var seconds = 0
        public var readers = 0
        public var pieces = 0
    }

    public struct AccountTotals: Sendable, Equatable {
        public var current = Reading()
        public var previous = Reading()
        public var lastActivity: Date?
        public var openFeedback = 0
        public var openWorkshops = 0
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

    public struct ReaderRow: Sendable, Equatable {
        public var viewer: String
        public var lastSeen: Date?
        public var seconds: Int
        public var pieces: Int
    }

    public struct PageRow: Sendable, Equatable {
        public var page: String
        public var seconds: Int
        public var readers: Int
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

    public struct Item: Sendable, Equatable {
        public enum Kind: String, Sendable { case feedback, workshop }
        public var kind: Kind
        public var id: Int64
        public var account: String
        public var receivedAt: Date
        public var viewer: String
        public var page: String
        /// The workshop's topic, or the feedback's fields as one line.
        public var summary: String
        public var state: String
        public var assignee: String?
        public var smeName: String?
        public var smeEmail: String?
        public var scheduledFor: String?
    }

    /// Which feedback and workshop requests a console page lists.
    public enum ItemQuery: Sendable, Equatable {
        /// One account's timeline (everything but spam).
        case account(String)
        /// The open items assigned to this staff id, or unassigned with this SME e-mail (the inbox).
        case assignedTo(staffID: String, email: String)
        /// Every open item (the staff report filters them).
        case open
        /// One item.
        case one(Item.Kind, Int64)

        public enum Argument: Sendable, Equatable { case text(String), integer(Int64) }

        /// The `WHERE` fragment for each table (nil leaves that table out), with `?` for each argument, in order;
        /// plain SQL that both backends run.
        public var clauses: (feedback: String?, workshop: String?, arguments: [Argument]) {
            let open = ConsoleQueries.openWorkshopStates.map { "'\($0)'" }.joined(separator: ",")
            switch self {
            case .account(let slug):
                return ("account_slug = ? AND status <> 'spam'", "account_slug = ?", [.text(slug)])
            case .assignedTo(let staffID, let email):
                let mine = "(assignee = ? OR (assignee IS NULL AND ? <> '' AND LOWER(sme_email) = LOWER(?)))"
                return ("status = 'open' AND \(mine)", "state IN (\(open)) AND \(mine)", [.text(staffID), .text(email), .text(email)])
            case .open:
                return ("status = 'open'", "state IN (\(open))", [])
            case .one(let kind, let id):
                return (kind == .feedback ? "id = ?" : nil, kind == .workshop ? "id = ?" : nil, [.integer(id)])
            }
        }
    }

    /// Feedback and workshop requests, newest first (at most `limit` of each kind).
    func items(_ query: ItemQuery, limit: Int = 200) throws -> [Item] {
        let (feedbackWhere, workshopWhere, values) = query.clauses
        let arguments = StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): text
            case .integer(let number): number
            }
        })
        return try store.pool.read { db in
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
