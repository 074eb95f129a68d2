/// What links using a reference definition reported, gathered so that a broken definition is reported once, at
/// the definition, naming the lines that use it (instead of once per use, and never where the fix goes).
struct ReferenceLinkReports {
    private var errors: [ReferenceDefinitions.Definition: [Diagnostic]] = [:]
    private var uses: [ReferenceDefinitions.Definition: [Int]] = [:]
    private var order: [ReferenceDefinitions.Definition] = []
    /// Warnings about one use (an image's missing alt text) stay at that use.
    private(set) var warnings: [Diagnostic] = []

    /// `found`: what resolving the definition's destination reported, located at the definition.
    mutating func record(_ definition: ReferenceDefinitions.Definition, use: SourceLocation, _ found: [Diagnostic]) {
        if uses[definition] == nil { order.append(definition) }
        uses[definition, default: []].append(use.line ?? 0)
        if errors[definition] == nil { errors[definition] = found.filter { $0.severity == .error } }
        for warning in found where warning.severity == .warning {
            var moved = warning
            moved.location = use
            warnings.append(moved)
        }
    }

    /// Each broken definition's errors once, saying where it is used.
    var diagnostics: [Diagnostic] {
        order.flatMap { definition -> [Diagnostic] in
            var lines: [Int] = []
            for line in uses[definition]! where !lines.contains(line) { lines.append(line) }
            let usedAt = lines.count == 1 ? "line \(lines[0])" : "lines " + Self.list(lines.map(String.init))
            return errors[definition]!.map { error in
                var copy = error
                copy.message += " (reference [\(definition.label)], used at \(usedAt))"
                return copy
            }
        } + warnings
    }

    static func list(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}
