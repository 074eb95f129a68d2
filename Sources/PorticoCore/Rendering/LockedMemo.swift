import Foundation

/// Values by key, made once and shared between threads. A value is made outside the lock: on a miss two
/// threads may both make it, so `make` must give equal values for equal keys.
public final class LockedMemo<Value>: @unchecked Sendable {
    private var values: [String: Value] = [:]
    private let lock = NSLock()

    public init() {}

    public func value(_ key: String, make: () throws -> Value) rethrows -> Value {
        lock.lock()
        if let value = values[key] { lock.unlock(); return value }
        lock.unlock()
        let value = try make()
        lock.lock(); values[key] = value; lock.unlock()
        return value
    }
}
