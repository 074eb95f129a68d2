import Foundation

/// Article layouts by language and kind, rendered once per account with markers for title and body;
/// article base contexts by language and section; related-page cards by language, depth and target; the
/// feedback form's fields by language; reading times by language and minutes.
final class LayoutCache: Sendable {
    static let bodyMarker = "PORTICO-LAYOUT-BODY-9f2c71"
    static let titleMarker = "PORTICO-LAYOUT-TITLE-9f2c71"
    static let bodyMarkerBytes = Array(bodyMarker.utf8)
    static let titleMarkerBytes = Array(titleMarker.utf8)
    private let shells = LockedMemo<Splice>()
    private let bases = LockedMemo<TemplateMap>()
    private let cards = LockedMemo<TemplateValue>()
    private let fields = LockedMemo<TemplateValue>()
    private let readingTexts = LockedMemo<String>()

    func base(_ key: String, make: () -> TemplateMap) -> TemplateMap { bases.value(key, make: make) }

    /// The layout for `key`, cut at the body and title markers once: each article is then its pieces and its
    /// own body and title between them, without scanning the layout again.
    func shell(_ key: String, render: () -> [UInt8]) -> Splice {
        shells.value(key) { Splice(render(), markers: [Self.bodyMarkerBytes, Self.titleMarkerBytes]) }
    }

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

/// Bytes cut at marker strings, to be filled with a value per marker: `filled` gives what `replacingAll` would,
/// markers replaced left to right, without searching again.
struct Splice: Sendable {
    /// The literal runs; `markers[i]` (an index into the markers given) stands between `parts[i]` and `parts[i + 1]`.
    private var parts: [[UInt8]] = []
    private var markers: [Int] = []

    init(_ bytes: [UInt8], markers needles: [[UInt8]]) {
        var parts: [[UInt8]] = [], markers: [Int] = []
        let found = bytes.withUnsafeBufferPointer { buffer in
            ByteSearch.replace(in: buffer, needles, plain: { parts.append(Array(buffer[$0])) }, match: { markers.append($0) })
        }
        (self.parts, self.markers) = found ? (parts, markers) : ([bytes], [])
    }

    /// `values[i]` replaces every occurrence of marker `i`.
    func filled(_ values: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(parts.reduce(0) { $0 + $1.count } + markers.reduce(0) { $0 + values[$1].count })
        for index in parts.indices {
            out.append(contentsOf: parts[index])
            if index < markers.count { out.append(contentsOf: values[markers[index]]) }
        }
        return out
    }
}
