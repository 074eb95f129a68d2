import Foundation

/// Hands a closure to concurrent code (`concurrentMap`); the caller guarantees what it touches is thread-safe.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
