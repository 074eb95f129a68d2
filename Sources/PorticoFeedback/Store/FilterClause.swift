import Foundation

/// A listing's filter as SQL: conditions with `?` placeholders and their values in order, for either store to bind
/// in its own way (SQLite: `statementArguments`, PostgreSQL: `postgresArguments`).
struct FilterClause: Sendable {
    enum Value: Sendable {
        case text(String)
        case date(Date)
    }

    private(set) var conditions: [String] = []
    private(set) var values: [Value] = []

    /// The conditions joined for a WHERE clause.
    var sql: String { conditions.joined(separator: " AND ") }

    mutating func require(_ condition: String, _ values: [Value]) {
        precondition(condition.count(where: { $0 == "?" }) == values.count, "\(condition) takes \(values.count) values")
        conditions.append(condition)
        self.values += values
    }

    /// What both listings filter by: a status column among chosen values, an account (slug or path) and a first day.
    /// Nil when no status is chosen, because that filter matches nothing.
    init?(column: String, among chosen: [String], account: String?, since: Date?) {
        guard !chosen.isEmpty else { return nil }
        require("\(column) IN (\(chosen.map { _ in "?" }.joined(separator: ",")))", chosen.sorted().map(Value.text))
        if let account { require("(account_slug = ? OR account_path = ?)", [.text(account), .text(account)]) }
        if let since { require("received_at >= ?", [.date(since)]) }
    }
}

extension SubmissionFilter {
    var clause: FilterClause? { FilterClause(column: "status", among: statuses.map(\.rawValue), account: account, since: since) }
}

extension WorkshopFilter {
    var clause: FilterClause? {
        var clause = FilterClause(column: "state", among: states.map(\.rawValue), account: account, since: since)
        if let assignee { clause?.require("assignee = ?", [.text(assignee)]) }
        return clause
    }
}
