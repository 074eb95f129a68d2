import Foundation

/// Diagnostics as text for people, JSON for tools, or GitHub workflow commands for CI annotations.
public enum DiagnosticFormatter {
    /// `contentFolder` prefixes file paths (all but absolute ones) so they are relative to the repository, as CI annotations need.
    public static func format(_ diagnostics: [Diagnostic], as format: String, contentFolder: String = "content") -> String {
        let prefix = contentFolder.hasSuffix("/") ? contentFolder : contentFolder + "/"
        return Self.format(diagnostics, as: format, path: { $0.hasPrefix("/") ? $0 : prefix + $0 })
    }

    /// Paths that open from `workingDirectory` (where the command was run): relative to it when the file is inside
    /// it, else absolute. Diagnostics name files relative to the content folder (templates by absolute path).
    public static func format(_ diagnostics: [Diagnostic], as format: String, contentFolder: URL, workingDirectory: URL) -> String {
        Self.format(diagnostics, as: format, path: { displayPath($0, contentFolder: contentFolder, workingDirectory: workingDirectory) })
    }

    public static func displayPath(_ file: String, contentFolder: URL, workingDirectory: URL) -> String {
        let absolute = file.hasPrefix("/") ? URL(fileURLWithPath: file) : contentFolder.appendingPathComponent(file)
        let path = absolute.standardizedFileURL.path
        for base in [workingDirectory.standardizedFileURL.path, workingDirectory.resolvingSymlinksInPath().path] {
            let folder = base.hasSuffix("/") ? base : base + "/"
            if path.hasPrefix(folder) { return String(path.dropFirst(folder.count)) }
            let resolved = absolute.resolvingSymlinksInPath().path
            if resolved.hasPrefix(folder) { return String(resolved.dropFirst(folder.count)) }
        }
        return path
    }

    static func format(_ diagnostics: [Diagnostic], as format: String, path: (String) -> String) -> String {
        switch format {
        case "json":
            let items: [[String: Any]] = diagnostics.map { d in
                var item: [String: Any] = ["severity": d.severity.rawValue, "code": d.code, "file": path(d.location.file), "message": d.message]
                if let line = d.location.line { item["line"] = line }
                if let column = d.location.column { item["column"] = column }
                if let hint = d.hint { item["hint"] = hint }
                return item
            }
            let data = try! JSONSerialization.data(withJSONObject: items, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            return String(decoding: data, as: UTF8.self) + "\n"
        case "github":
            return diagnostics.map { d in
                var properties = ["file=\(escapeProperty(path(d.location.file)))"]
                if let line = d.location.line { properties.append("line=\(line)") }
                if let column = d.location.column { properties.append("col=\(column)") }
                properties.append("title=\(escapeProperty(d.code))")
                let message = d.message + (d.hint.map { " — fix: \($0)" } ?? "")
                return "::\(d.severity == .error ? "error" : "warning") \(properties.joined(separator: ","))::\(escapeData(message))\n"
            }.joined()
        default:
            return diagnostics.map { d in
                var copy = d
                copy.location.file = path(d.location.file)
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
