import Foundation

/// Heading ids as GitHub makes them, unique on their page.
///
/// A title becomes its id by lowercasing it, keeping letters, marks and digits of every script and
/// connector punctuation (`_`), keeping `-`, turning each space into `-` and dropping everything else
/// (`Café` → `café`, `snake_case` → `snake_case`, `Cost & Margin` → `cost--margin`, `Обзор` → `обзор`).
/// A title with nothing left (only emoji or punctuation) gets `section`.
///
/// Uniqueness follows github-slugger: the first `Example` is `example`; a later one takes the first of
/// `example-1`, `example-2`, … that no heading and no id of the layout (`reserved`) uses yet. So
/// `## Example`, `## Example`, `## Example 2` give `example`, `example-1`, `example-2`, and a fourth
/// `## Example` gets `example-3`.
struct HeadingIDs {
    /// Each id in use, with how many numbered variants of it were tried (github-slugger's `occurrences`).
    private var occurrences: [String: Int] = [:]

    init(reserved: Set<String>) {
        for id in reserved { occurrences[id] = 0 }
    }

    mutating func next(for title: String) -> String {
        var base = Self.slug(title)
        if base.isEmpty { base = "section" }
        var id = base
        while occurrences[id] != nil {
            let count = occurrences[base, default: 0] + 1
            occurrences[base] = count
            id = "\(base)-\(count)"
        }
        occurrences[id] = 0
        return id
    }

    static func slug(_ title: String) -> String {
        var result = String.UnicodeScalarView()
        for scalar in title.lowercased().unicodeScalars {
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .nonspacingMark, .spacingMark, .enclosingMark,
                 .decimalNumber, .letterNumber, .otherNumber, .connectorPunctuation:
                result.append(scalar)
            default:
                if scalar == " " || scalar == "-" { result.append("-") }
            }
        }
        return String(result)
    }
}
