import Foundation
import Yams

/// Reads YAML into `Yams.Node`s and turns every problem into a located diagnostic.
/// `lineOffset` shifts marks when the YAML is embedded in a larger file (front matter).
struct YAMLReader {
    let file: String
    let lineOffset: Int
    var diagnostics: [Diagnostic] = []

    init(file: String, lineOffset: Int = 0) {
        self.file = file
        self.lineOffset = lineOffset
    }

    mutating func parseMapping(_ text: String, what: String) -> Node.Mapping? {
        let node: Node?
        do {
            // The encoding is named because Yams' default reads the process environment on every call.
            node = try Yams.compose(yaml: text, .default, .default, .utf8)
        } catch let error as YamlError {
            diagnostics.append(yamlError(error, what: what))
            return nil
        } catch {
            diagnostics.append(.error("yaml-syntax", at: SourceLocation(file: file, line: lineOffset + 1),
                                      "\(what) is not valid YAML: \(error)"))
            return nil
        }
        guard let node else { return Node.Mapping([]) }
        guard let mapping = node.mapping else {
            diagnostics.append(.error("yaml-shape", at: location(of: node),
                                      "\(what) must be a mapping of keys to values",
                                      hint: "write `key: value` lines"))
            return nil
        }
        return mapping
    }

    func location(of node: Node?) -> SourceLocation {
        guard let mark = node?.mark else { return SourceLocation(file: file, line: lineOffset > 0 ? lineOffset : nil) }
        return SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column)
    }

    private func yamlError(_ error: YamlError, what: String) -> Diagnostic {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            var message = "\(what) is not valid YAML: \(problem)"
            if let context { message += " (\(context.text))" }
            return .error("yaml-syntax", at: SourceLocation(file: file, line: mark.line + lineOffset, column: mark.column), message,
                          hint: "check indentation and quoting on this line; quote values that contain ': ' or start with a special character")
        case let .duplicatedKeysInMapping(duplicates, context):
            return .error("yaml-duplicate-key", at: SourceLocation(file: file, line: context.mark.line + lineOffset, column: context.mark.column),
                          "\(what) repeats the key(s) \(duplicates.joined(separator: ", "))", hint: "keep one of each key")
        default:
            return .error("yaml-syntax", at: SourceLocation(file: file, line: lineOffset + 1), "\(what) is not valid YAML: \(error)")
        }
    }

    // MARK: Typed access

    mutating func error(_ code: String, _ node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(.error(code, at: location(of: node), message, hint: hint))
    }

    mutating func warning(_ code: String, _ node: Node?, _ message: String, hint: String? = nil) {
        diagnostics.append(.warning(code, at: location(of: node), message, hint: hint))
    }

    /// A required key is absent: reported at the mapping that should hold it (or the top of the YAML).
    mutating func missing(_ key: String, owner: Node?, what: String, example: String) {
        diagnostics.append(.error("missing-\(key)", at: owner.map(location(of:)) ?? SourceLocation(file: file, line: lineOffset > 0 ? lineOffset : 1),
                                  "\(what) has no `\(key)`", hint: "add `\(key): \(example)`"))
    }

    /// Looks up `key`, returning the key node too (its mark is where the key is written).
    func entry(_ map: Node.Mapping, _ key: String) -> (key: Node, value: Node)? {
        for (k, v) in map where k.string == key { return (k, v) }
        return nil
    }

    mutating func string(_ map: Node.Mapping, _ key: String, required: Bool = false, at owner: Node? = nil, what: String) -> String? {
        guard let (_, value) = entry(map, key) else {
            if required { missing(key, owner: owner, what: what, example: "…") }
            return nil
        }
        guard let scalar = value.scalar, value.tag.description != Tag.Name.null.rawValue || !scalar.string.isEmpty else {
            error("bad-\(key)", value, "`\(key)` of \(what) must be text", hint: "write `\(key): some text`")
            return nil
        }
        let text = Self.trimmed(scalar.string)
        if required && text.isEmpty {
            error("missing-\(key)", value, "`\(key)` of \(what) is empty", hint: "give it a value")
            return nil
        }
        return text
    }

    /// `trimmingCharacters(in: .whitespacesAndNewlines)` without the trip through NSString; Unicode's
    /// White_Space property is the same set of characters.
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
              first.properties.isWhitespace || last.properties.isWhitespace else { return text }
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    mutating func bool(_ map: Node.Mapping, _ key: String, what: String) -> Bool? {
        guard let (_, value) = entry(map, key) else { return nil }
        switch value.scalar?.string.lowercased() {
        case "true", "yes": return true
        case "false", "no": return false
        default:
            error("bad-\(key)", value, "`\(key)` of \(what) must be true or false", hint: "write `\(key): true` or `\(key): false`")
            return nil
        }
    }

    mutating func int(_ map: Node.Mapping, _ key: String, what: String) -> Int? {
        guard let (_, value) = entry(map, key) else { return nil }
        guard let text = value.scalar?.string, let number = Int(text) else {
            error("bad-\(key)", value, "`\(key)` of \(what) must be a whole number", hint: "write e.g. `\(key): 2`")
            return nil
        }
        return number
    }

    mutating func date(_ map: Node.Mapping, _ key: String, required: Bool = false, at owner: Node? = nil, what: String) -> Day? {
        guard let (_, value) = entry(map, key) else {
            if required { missing(key, owner: owner, what: what, example: "YYYY-MM-DD") }
            return nil
        }
        guard let text = value.scalar?.string, let day = Day(text) ?? Day(text.trimmingCharacters(in: .whitespaces)) else {
            error("bad-date", value, "`\(key)` of \(what) is not a date: \(value.scalar?.string ?? "not text")",
                  hint: "write the date as YYYY-MM-DD, e.g. `\(key): 2026-09-12`")
            return nil
        }
        return day
    }

    mutating func stringList(_ map: Node.Mapping, _ key: String, what: String) -> [String]? {
        guard let (_, value) = entry(map, key) else { return nil }
        if let scalar = value.scalar {
            return scalar.string.isEmpty ? [] : [scalar.string]
        }
        guard let sequence = value.sequence else {
            error("bad-\(key)", value, "`\(key)` of \(what) must be a list", hint: "write `\(key): [a, b]`")
            return nil
        }
        var items: [String] = []
        for item in sequence {
            guard let text = item.scalar?.string else {
                error("bad-\(key)", item, "items of `\(key)` in \(what) must be text")
                continue
            }
            items.append(text)
        }
        return items
    }

    /// Warns about keys outside `allowed`, suggesting the closest known key.
    mutating func checkKeys(_ map: Node.Mapping, allowed: [String], what: String, severity: Diagnostic.Severity = .warning) {
        for (key, _) in map {
            guard let name = key.string, !allowed.contains(name) else { continue }
            var hint = "known keys: \(allowed.joined(separator: ", "))"
            if let suggestion = Spelling.closest(to: name, in: allowed) { hint = "did you mean `\(suggestion)`?" }
            diagnostics.append(Diagnostic(severity, "unknown-key", at: location(of: key), "\(what) has an unknown key `\(name)`", hint: hint))
        }
    }
}

/// Suggests the closest known word for a likely misspelling.
public enum Spelling {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
        return best.1 <= max(2, word.count / 3) ? best.0 : nil
    }

    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
