import Hummingbird
import HummingbirdAuth
import NIOCore

/// The request context: Hummingbird's basics, the peer address the per-IP limit counts by, and the console's
/// session (hummingbird-auth fills it on /console routes only).
public struct FeedbackRequestContext: RequestContext, SessionRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String
    public let sessions: SessionContext<ConsoleSession>

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        sessions = SessionContext()
    }
}
