import Foundation

/// Values by key, made once and shared between threads. A value is made outside the lock: on a miss two
/// threads may both make it, so `make` must give equal values for equal keys.
public final class LockedMemo<Value: Sendable>: Sendable {
    private let values = Locked<[String: Value]>([:])

    public init() {}

    public func value(_ key: String, make: () throws -> Value) rethrows -> Value {
        if let value = values.withLock({ $0[key] }) { return value }
        let value = try make()
        values.withLock { $0[key] = value }
        return value
    }
}
