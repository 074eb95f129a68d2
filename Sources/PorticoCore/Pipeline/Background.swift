import Foundation

/// Work started on another thread now and collected later: what a build needs at its end but can compute
/// while the accounts render (the publish record), so the cores are not idle while it runs.
public final class Background<Value: Sendable>: Sendable {
    private let result = Locked<Value?>(nil)
    private let done = DispatchGroup()

    public init(_ work: @escaping @Sendable () -> Value) {
        done.enter()
        DispatchQueue.global().async { [result, done] in
            let value = work()
            result.withLock { $0 = value }
            done.leave()
        }
    }

    public var value: Value {
        done.wait()
        return result.current!
    }
}
