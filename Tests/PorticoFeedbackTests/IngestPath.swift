import HummingbirdTesting
import Testing

/// The two ways `POST /v1/feedback` is answered; the server suite runs on both.
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
}
