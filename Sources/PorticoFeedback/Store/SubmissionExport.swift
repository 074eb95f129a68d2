import Foundation

/// `portico feedback export`: submissions as JSON or CSV (RFC 4180), one row per submission.
public enum SubmissionExport {
    public enum Format: String, Sendable, CaseIterable { case csv, json }

    public static func render(_ rows: [StoredSubmission], as format: Format) -> String {
        switch format {
        case .json: json(rows)
        case .csv: csv(rows)
        }
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    static func json(_ rows: [StoredSubmission]) -> String {
        let objects = rows.map { row -> JSONValue in
            .object([
                "id": .integer(row.id),
                "received_at": .string(timestamp(row.receivedAt)),
                "account": .string(row.accountSlug),
                "account_path": .string(row.accountPath),
                "page": .string(row.page),
                "viewer": .string(row.viewer),
                "sme": row.smeName.map(JSONValue.string) ?? .null,
                "sme_email": row.smeEmail.map(JSONValue.string) ?? .null,
                "status": .string(row.status.rawValue),
                "note": row.note.map(JSONValue.string) ?? .null,
                "resolved_at": row.resolvedAt.map { .string(timestamp($0)) } ?? .null,
                "fields": .object(row.fields),
            ])
        }
        return JSONValue.array(objects).jsonText() + "\n"
    }

    static func csv(_ rows: [StoredSubmission]) -> String {
        var fieldNames: [String] = []
        for row in rows { for name in row.fields.keys.sorted() where !fieldNames.contains(name) { fieldNames.append(name) } }
        var lines = [(["id", "received_at", "account", "page", "viewer", "sme", "sme_email", "status", "note", "resolved_at"] + fieldNames)
            .map(cell).joined(separator: ",")]
        for row in rows {
            let fixed = [String(row.id), timestamp(row.receivedAt), row.accountSlug, row.page, row.viewer,
                         row.smeName ?? "", row.smeEmail ?? "", row.status.rawValue, row.note ?? "",
                         row.resolvedAt.map { timestamp($0) } ?? ""]
            let answers = fieldNames.map { name -> String in
                switch row.fields[name] {
                case .string(let text): text
                case .integer(let number): String(number)
                case .bool(let flag): flag ? "true" : "false"
                case .none: ""
                case let value?: value.jsonText()
                }
            }
            lines.append((fixed + answers).map(cell).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// Quotes when needed; a leading = + - @ gets a `'` so a spreadsheet does not run it as a formula.
    static func cell(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@\t\r".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
