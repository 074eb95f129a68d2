import Foundation

/// Article layouts by language and kind, rendered once per account with markers for title and body,
/// and article base contexts by language and section.
final class LayoutCache {
    static let bodyMarker = "PORTICO-LAYOUT-BODY-9f2c71"
    static let titleMarker = "PORTICO-LAYOUT-TITLE-9f2c71"
    private let shells = LockedMemo<String>()
    private let bases = LockedMemo<[String: TemplateValue]>()

    func base(_ key: String, make: () -> [String: TemplateValue]) -> [String: TemplateValue] { bases.value(key, make: make) }

    func shell(_ key: String, render: () -> String) -> String { shells.value(key, make: render) }

    /// The same escaping Mustache applies to `{{title}}`.
    static func escape(_ text: String) -> String {
        var escaped = ""
        TemplateRenderer.appendEscapingHTML(text, to: &escaped)
        return escaped
    }
}
