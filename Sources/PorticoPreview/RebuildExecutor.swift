import Dispatch

/// Runs the preview's actor on a serial dispatch queue of its own: a rebuild is seconds of synchronous work, which
/// on Swift's cooperative pool (one thread per core) would leave the server's request handling without a thread.
final class RebuildExecutor: SerialExecutor {
    static let shared = RebuildExecutor()

    private let queue = DispatchQueue(label: "portico.preview.rebuild", qos: .userInitiated)
    private let marker = DispatchSpecificKey<Bool>()

    private init() { queue.setSpecific(key: marker, value: true) }

    /// Whether the caller runs on this executor's queue.
    var isCurrent: Bool { DispatchQueue.getSpecific(key: marker) == true }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedSerialExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    func asUnownedSerialExecutor() -> UnownedSerialExecutor { UnownedSerialExecutor(ordinary: self) }
}
