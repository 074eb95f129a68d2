import Hummingbird
import NIOCore

/// The request context: Hummingbird's basics plus the peer address the per-IP limit counts by.
public struct FeedbackRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
