import Foundation
import Hummingbird
import Synchronization

/// The preview serves every account unencrypted: it answers only requests addressed to this machine by name
/// (`localhost`, `127.0.0.1`, `[::1]`, with or without the port it listens on). A web page elsewhere that
/// points its own host name at 127.0.0.1 (DNS rebinding) sends its own name in `Host` and is refused.
struct LocalHostOnly<Context: RequestContext>: RouterMiddleware {
    let port: BoundPort

    static var names: Set<String> { ["localhost", "127.0.0.1", "[::1]"] }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let authority = request.head.authority, Self.accepts(authority, port: port.value) else {
            return Response(status: .misdirectedRequest, headers: [.contentType: "text/plain; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: "The preview answers only http://localhost, http://127.0.0.1 and http://[::1].\n")))
        }
        return try await next(request, context)
    }

    static func accepts(_ authority: String, port: Int) -> Bool {
        let lowered = authority.lowercased()
        if names.contains(lowered) { return true }
        guard let colon = lowered.lastIndex(of: ":"), colon != lowered.startIndex else { return false }
        let name = String(lowered[..<colon])
        return names.contains(name) && lowered[lowered.index(after: colon)...] == Substring(String(port))
    }
}

/// The port the preview listens on, known once the server runs (tests ask for port 0).
final class BoundPort: Sendable {
    private let port = Atomic<Int>(-1)

    var value: Int { port.load(ordering: .acquiring) }

    func set(_ value: Int) { port.store(value, ordering: .releasing) }
}
