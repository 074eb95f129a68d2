import Foundation

extension Array where Element: Sendable {
    /// `map` spread over the cores; results keep the elements' order. `transform` must be safe to run concurrently.
    func concurrentMap<T: Sendable>(_ transform: @Sendable (Element) -> T) -> [T] {
        guard count > 1 else { return map(transform) }
        let slots = ResultSlots<T>(count: count)
        withoutActuallyEscaping(transform) { transform in
            DispatchQueue.concurrentPerform(iterations: count) { index in slots.set(index, transform(self[index])) }
        }
        return slots.values()
    }
}

/// One slot per index, each written by exactly one iteration of `concurrentPerform`.
private final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<T?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        _ = slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: T) { slots[index] = value }

    func values() -> [T] { slots.map { $0! } }
}
