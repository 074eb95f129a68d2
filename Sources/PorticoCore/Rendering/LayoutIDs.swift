import Foundation

/// The element ids an article page's layout uses itself, so no heading id takes one of them (`## Main` would
/// otherwise give a second `id="main"`).
enum LayoutIDs {
    /// Templates whose output never shares a page with an article's body.
    static let otherPages: Set<String> = ["home", "list", "search", "index", "gate", "digest", "digest.txt"]

    /// The literal `id="…"` values in a template's text; a value built with tags (`pt-fb-{{name}}`) is skipped
    /// here and reserved by whoever knows its values (`reserved(theme:feedback:)`).
    static func literalIDs(in template: String) -> Set<String> {
        var ids = Set<String>()
        var rest = template[...]
        while let start = rest.range(of: "id=\"") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: "\"") else { break }
            let value = rest[..<end]
            if !value.contains("{{"), !value.isEmpty { ids.insert(String(value)) }
            rest = rest[end...]
        }
        return ids
    }

    /// Every id an article page can carry besides its body's: the theme's literal ids and the feedback form's
    /// field ids (`pt-fb-<name>`, and `pt-fb-<name>-1`…`-5` for a rating), as the default theme writes them.
    static func reserved(theme: Theme, feedback: [FeedbackField]) -> Set<String> {
        var ids = theme.articlePageIDs
        for field in feedback {
            ids.insert("pt-fb-\(field.name)")
            for value in 1...5 { ids.insert("pt-fb-\(field.name)-\(value)") }
        }
        return ids
    }
}
