import Foundation

/// Where a problem is: a file relative to the content folder, and a 1-based line and column when known.
public struct SourceLocation: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?

    public init(file: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let line = line, line > 0, let column { text += ":\(column)" }
        return text
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line ?? 0, a.column ?? 0) < (b.file, b.line ?? 0, b.column ?? 0)
    }
}

/// One finding of a build or check: what is wrong, where, and how to fix it.
public struct Diagnostic: Hashable, Sendable, Codable, CustomStringConvertible {
    public enum Severity: String, Sendable, Comparable, Codable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    public var hint: String?
    /// A stable identifier of the kind of finding (`missing-title`, `broken-link` …), for tests and `check --format json`.
    public var code: String

    public init(_ severity: Severity, _ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) {
        self.severity = severity
        self.code = code
        self.location = location
        self.message = message
        self.hint = hint
    }

    public static func error(_ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.error, code, at: location, message, hint: hint)
    }

    public static func warning(_ code: String, at location: SourceLocation, _ message: String, hint: String? = nil) -> Diagnostic {
        Diagnostic(.warning, code, at: location, message, hint: hint)
    }

    public var description: String {
        var text = "\(location): \(severity.rawValue): \(message)"
        if let hint { text += "\n  fix: \(hint)" }
        return text
    }
}

/// A thread-safe collector of diagnostics; every stage reports into one so a build prints all problems at once.
public final class DiagnosticLog: Sendable {
    private let items = Locked<[Diagnostic]>([])

    public init() {}

    public func report(_ diagnostic: Diagnostic) {
        items.withLock { $0.append(diagnostic) }
    }

    public func report(contentsOf diagnostics: [Diagnostic]) {
        items.withLock { $0.append(contentsOf: diagnostics) }
    }

    /// All diagnostics, sorted by file, line and column so output is stable.
    public var all: [Diagnostic] {
        Array(Set(items.current)).sorted { ($0.location, $0.message) < ($1.location, $1.message) }
    }

    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.withLock { $0.contains { $0.severity == .error } } }

    /// Every report in the order it was made, duplicates included: what `all` sorts away.
    var reported: [Diagnostic] { items.current }
}

/// Thrown when a stage found errors; the diagnostics are already in the log.
public struct BuildFailed: Error, CustomStringConvertible {
    public let diagnostics: [Diagnostic]
    public init(diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
