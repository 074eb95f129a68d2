import Foundation

/// One stage of a build and how long it took (wall clock).
public struct StageTime: Sendable, Equatable {
    public var stage: String
    public var seconds: Double
}

/// Times the stages of a build as they run, for `portico build --timings`.
struct StageClock {
    private(set) var stages: [StageTime] = []

    mutating func time<T>(_ stage: String, _ work: () throws -> T) rethrows -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { stages.append(StageTime(stage: stage, seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) }
        return try work()
    }
}
