import Foundation

/// Diagnostics in cache files (the front-matter cache, the build state): what they were, said again.
extension CacheBytesWriter {
    mutating func location(_ location: SourceLocation) {
        string(location.file)
        optional(location.line) { $0.int($1) }
        optional(location.column) { $0.int($1) }
    }

    mutating func diagnostics(_ diagnostics: [Diagnostic]) {
        int(diagnostics.count)
        for diagnostic in diagnostics {
            string(diagnostic.severity.rawValue)
            string(diagnostic.code)
            location(diagnostic.location)
            string(diagnostic.message)
            optional(diagnostic.hint) { $0.string($1) }
        }
    }
}

extension CacheBytesReader {
    mutating func location() -> SourceLocation? {
        guard let file = string(), let line = optional({ $0.int() }), let column = optional({ $0.int() }) else { return nil }
        return SourceLocation(file: file, line: line, column: column)
    }

    mutating func diagnostics() -> [Diagnostic]? {
        guard let count = int(), count >= 0 else { return nil }
        var result: [Diagnostic] = []
        for _ in 0..<count {
            guard let severity = string().flatMap(Diagnostic.Severity.init(rawValue:)), let code = string(), let location = location(),
                  let message = string(), let hint = optional({ $0.string() }) else { return nil }
            result.append(Diagnostic(severity, code, at: location, message, hint: hint))
        }
        return result
    }
}
