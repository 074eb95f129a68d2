import Foundation

/// Diagnostics as text for people, JSON for tools, or GitHub workflow commands for CI annotations.
public enum DiagnosticFormatter {
    /// `contentFolder` prefixes file paths so they are relative to the repository, as CI annotations need.
    public static func format(_ diagnostics: [Diagnostic], as format: String, contentFolder: String = "content") -> String {
        let prefix = contentFolder.hasSuffix("/") ? contentFolder : contentFolder + "/"
        switch format {
        case "json":
            let items: [[String: Any]] = diagnostics.map { d in
                var item: [String: Any] = ["severity": d.severity.rawValue, "code": d.code, "file": prefix + d.location.file, "message": d.message]
                if let line = d.location.line { item["line"] = line }
                if let column = d.location.column { item["column"] = column }
                if let hint = d.hint { item["hint"] = hint }
                return item
            }
            let data = try! JSONSerialization.data(withJSONObject: items, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        case "github":
            return diagnostics.map { d in
                var properties = ["file=\(escapeProperty(prefix + d.location.file))"]
                if let line = d.location.line { properties.append("line=\(line)") }
                if let column = d.location.column { properties.append("col=\(column)") }
                properties.append("title=\(escapeProperty(d.code))")
                let message = d.message + (d.hint.map { " — fix: \($0)" } ?? "")
                return "::\(d.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::\(escapeData(message))\n"
            }.joined()
        default:
            return diagnostics.map { d in
                var copy = d
                copy.location.file = prefix + d.location.file
                return copy.description + "\n"
            }.joined()
        }
    }

    static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
