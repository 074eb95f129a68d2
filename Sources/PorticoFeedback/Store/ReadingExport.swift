import Foundation

/// `portico engagement list`: an account's reading events as CSV (RFC 4180) or JSON, for scripts. The columns and
/// their order are fixed: `ReadingExport.columns`.
public enum ReadingExport {
    public static let columns = ["id", "account", "viewer", "page", "kind", "started_at", "active_seconds", "scroll_percent", "file", "received_at"]

    public static func render(_ rows: [StoredReadingEvent], as format: SubmissionExport.Format) -> String {
        switch format {
        case .json:
            return JSONValue.array(rows.map { row in
                .object(Dictionary(uniqueKeysWithValues: zip(columns, values(row))))
            }).jsonText() + "\n"
        case .csv:
            let lines = [columns.map(SubmissionExport.cell).joined(separator: ",")] + rows.map { row in
                values(row).map { value -> String in
                    switch value {
                    case .string(let text): SubmissionExport.cell(text)
                    case .integer(let number): String(number)
                    default: ""
                    }
                }.joined(separator: ",")
            }
            return lines.joined(separator: "\r\n") + "\r\n"
        }
    }

    static func values(_ row: StoredReadingEvent) -> [JSONValue] {
        [.integer(row.id), .string(row.accountSlug), .string(row.viewer), .string(row.page), .string(row.kind),
         .string(SubmissionExport.timestamp(row.startedAt)), .integer(Int64(row.activeSeconds)), .integer(Int64(row.scrollPercent)),
         row.file.map(JSONValue.string) ?? .null, .string(SubmissionExport.timestamp(row.receivedAt))]
    }
}
