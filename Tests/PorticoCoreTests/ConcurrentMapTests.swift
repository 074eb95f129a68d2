import Testing
@testable import PorticoCore

@Suite struct ConcurrentMapTests {
    @Test func keepsTheOrderOfTheElements() {
        let numbers = Array(0..<2_000)
        #expect(numbers.concurrentMap { String($0 * 2) } == numbers.map { String($0 * 2) })
        #expect([Int]().concurrentMap { $0 }.isEmpty)
        #expect([7].concurrentMap { $0 + 1 } == [8])
    }
}
