import Foundation

/// Hands a closure to `concurrentPerform`; the caller guarantees what it touches is thread-safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// What each article of a concurrent batch produced, kept in page order.
final class BatchResults: @unchecked Sendable {
    private var items: [(Result<String, any Error>, [Diagnostic])]
    private let lock = NSLock()

    init(count: Int) { items = Array(repeating: (.success(""), []), count: count) }

    func set(_ index: Int, _ result: Result<String, any Error>, _ diagnostics: [Diagnostic]) {
        lock.lock(); items[index] = (result, diagnostics); lock.unlock()
    }

    var all: [(Result<String, any Error>, [Diagnostic])] { lock.lock(); defer { lock.unlock() }; return items }
}
