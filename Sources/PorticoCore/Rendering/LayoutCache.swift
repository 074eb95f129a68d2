import Foundation

/// Article layouts by language and kind, rendered once per account with markers for title and body;
/// article base contexts by language and section; related-page cards by language, depth and target; the
/// feedback form's fields by language; reading times by language and minutes.
final class LayoutCache {
    static let bodyMarker = "PORTICO-LAYOUT-BODY-9f2c71"
    static let titleMarker = "PORTICO-LAYOUT-TITLE-9f2c71"
    static let bodyMarkerBytes = Array(bodyMarker.utf8)
    static let titleMarkerBytes = Array(titleMarker.utf8)
    private let shells = LockedMemo<[UInt8]>()
    private let bases = LockedMemo<TemplateMap>()
    private let cards = LockedMemo<TemplateValue>()
    private let fields = LockedMemo<TemplateValue>()
    private let readingTexts = LockedMemo<String>()

    func base(_ key: String, make: () -> TemplateMap) -> TemplateMap { bases.value(key, make: make) }

    func shell(_ key: String, render: () -> [UInt8]) -> [UInt8] { shells.value(key, make: render) }

    func card(_ key: String, make: () -> TemplateValue) -> TemplateValue { cards.value(key, make: make) }

    func readingText(_ key: String, make: () -> String) -> String { readingTexts.value(key, make: make) }

    func fields(_ language: String, make: () -> TemplateValue) -> TemplateValue { fields.value(language, make: make) }

    /// The same escaping Mustache applies to `{{title}}`.
    static func escape(_ text: String) -> [UInt8] {
        var escaped: [UInt8] = []
        TemplateRenderer.appendEscapingHTML(text, to: &escaped)
        return escaped
    }
}
