import Foundation

/// Article layouts by language and kind, rendered once per account with markers for title and body,
/// and article base contexts by language and section.
final class LayoutCache {
    static let bodyMarker = "PORTICO-LAYOUT-BODY-9f2c71"
    static let titleMarker = "PORTICO-LAYOUT-TITLE-9f2c71"
    private var shells: [String: String] = [:]
    private var bases: [String: [String: TemplateValue]] = [:]
    private let lock = NSLock()

    func base(_ key: String, make: () -> [String: TemplateValue]) -> [String: TemplateValue] { memo(\.bases, key, make) }

    func shell(_ key: String, render: () -> String) -> String { memo(\.shells, key, render) }

    /// Made outside the lock: on a miss two threads may both make the value; they make equal ones.
    private func memo<Value>(_ store: ReferenceWritableKeyPath<LayoutCache, [String: Value]>, _ key: String, _ make: () -> Value) -> Value {
        lock.lock()
        if let value = self[keyPath: store][key] { lock.unlock(); return value }
        lock.unlock()
        let value = make()
        lock.lock(); self[keyPath: store][key] = value; lock.unlock()
        return value
    }

    /// The same escaping Mustache applies to `{{title}}`.
    static func escape(_ text: String) -> String {
        var escaped = ""
        TemplateRenderer.appendEscapingHTML(text, to: &escaped)
        return escaped
    }
}
