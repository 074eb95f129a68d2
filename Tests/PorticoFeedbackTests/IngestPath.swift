import HummingbirdTesting
import PorticoCore
import Testing
@testable import PorticoFeedback

/// The two ways `POST /v1/feedback` and `/v1/engagement` are answered; the server suites run on both.
enum IngestPath: String, CaseIterable, CustomTestStringConvertible {
    /// Hummingbird's route, in router mode (no sockets: the channel handlers are not there).
    case hummingbird
    /// A live server, where `EventLoopIngestHandler` takes the POSTs it can.
    case eventLoop

    var testingSetup: TestingSetup {
        switch self {
        case .hummingbird: .router
        case .eventLoop: .live
        }
    }

    var testDescription: String { rawValue }

    /// Runs `test` against the application `configuration` makes, on this path, then checks where the POSTs were
    /// answered: never on the event loop in router mode; on a live server, on the event loop exactly when `takes`
    /// (whether the test sends a request the handler takes).
    func test(_ configuration: ServerConfiguration, takes: Bool, sourceLocation: Testing.SourceLocation = #_sourceLocation,
              _ test: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        var configuration = configuration
        let answered = Locked(0)
        configuration.onEventLoopAnswer = { _ in answered.withLock { $0 += 1 } }
        try await buildApplication(configuration).test(testingSetup, test)
        let onEventLoop = answered.withLock { $0 }
        switch self {
        case .hummingbird: #expect(onEventLoop == 0, sourceLocation: sourceLocation)
        case .eventLoop: #expect((onEventLoop > 0) == takes, "answers written on the event loop: \(onEventLoop)", sourceLocation: sourceLocation)
        }
    }
}
