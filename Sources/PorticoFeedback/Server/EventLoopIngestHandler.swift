import Foundation
import HTTPTypes
import NIOCore
import NIOHTTPTypes
import PorticoCore

/// The readers' POSTs (`/v1/feedback`, `/v1/engagement`) answered on the connection's event loop, with their
/// controllers' checks and inserts: the connection's Swift task is neither woken for the request nor suspended on the
/// commit, a quarter of an answer's CPU (docs/design/ingest-event-loop.md). Hummingbird puts it after its HTTP codec.
///
/// It takes only a request Hummingbird's route would answer with that same code: a POST to exactly a route's path
/// with a `Content-Length` body within the route's cap, no `Transfer-Encoding` or `Expect`, no `Connection` but
/// keep-alive or close, and nothing of Hummingbird's unanswered on the connection. Every other request goes on to
/// Hummingbird untouched. After `Connection: close` it ends its output as Hummingbird does, and lets nothing further
/// through; once Hummingbird answers a `Connection: close` or closes, it takes nothing more. Until a taken request is
/// answered the connection keeps its order: later parts, errors and events (a half-close, the quiesce on SIGTERM) wait
/// here, reading pauses once one waits, and a close waits for the answer.
final class EventLoopIngestHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    /// A POST the handler answers: its path, its body's cap, and the controller's answer for a body read whole
    /// (`answer` called once, from any thread).
    struct Route: Sendable {
        var path: String
        var maxBodyBytes: Int
        var submit: @Sendable (_ body: Data, _ headers: HTTPFields, _ peer: String, _ answer: @escaping @Sendable (HTTPAnswer) -> Void) -> Void
    }

    private enum State {
        /// Between requests.
        case idle
        /// A request Hummingbird answers: its parts go on until its end.
        case forwarding
        /// A POST taken: its body arriving.
        case reading(HTTPRequest, ByteBuffer, Route)
        /// Its checks or its commit under way.
        case answering
        /// A taken request said `Connection: close` and was answered: the output is closed, what follows is dropped.
        case closed
    }

    /// What arrived while a taken request was being answered, in order.
    private enum Held {
        case part(HTTPRequestPart)
        case error(any Error)
        /// A half-close (`ChannelEvent.inputClosed`), Hummingbird's quiesce on SIGTERM, …: had it gone on,
        /// Hummingbird would end the connection before it saw the requests still held here.
        case event(Any)
    }

    private let routes: [Route]
    private let directory: DirectoryHolder
    private let serverName: String
    private let onAnswer: @Sendable (HTTPResponse.Status) -> Void
    private var state = State.idle
    /// Requests handed to Hummingbird whose answer has not ended yet.
    private var frameworkUnanswered = 0
    private var held = CircularBuffer<Held>()
    private var readPaused = false
    private var closesHeld: [(CloseMode, EventLoopPromise<Void>?)] = []
    private var isActive = true
    /// Hummingbird is ending the connection (it answered a `Connection: close`, or closed): like its own path, this
    /// takes no request after that, so nothing is stored that will never be answered.
    private var takesNoMore = false
    /// `takeHeld` is running: an answer written inside it leaves the rest to its loop, not to a call of its own, so a
    /// long run of held requests that fail their checks does not nest a call per request.
    private var drainingHeld = false

    init(routes: [Route], directory: DirectoryHolder, serverName: String, onAnswer: @escaping @Sendable (HTTPResponse.Status) -> Void) {
        self.routes = routes
        self.directory = directory
        self.serverName = serverName
        self.onAnswer = onAnswer
    }

    // MARK: inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if isAnswering { held.append(.part(part)) } else { take(part, context: context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if isAnswering { held.append(.event(event)) } else { context.fireUserInboundEventTriggered(event) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch state {
        case .answering:
            // A parse error behind a taken request: Hummingbird's 400 must not overtake its answer.
            held.append(.error(error))
        case .reading:
            // The taken request will not complete: Hummingbird answers the error and closes, and nothing waits for it.
            state = .idle
            context.fireErrorCaught(error)
        case .idle, .forwarding, .closed:
            context.fireErrorCaught(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        releaseCloses(context: context)
        context.fireChannelInactive()
    }

    private func take(_ part: HTTPRequestPart, context: ChannelHandlerContext) {
        switch state {
        case .idle:
            if case .head(let head) = part, !takesNoMore, frameworkUnanswered == 0, let (route, length) = routeAndLength(ifTaking: head) {
                // The buffer grows as the body arrives: a head alone does not reserve the whole cap.
                state = .reading(head, context.channel.allocator.buffer(capacity: min(length, Self.initialBodyCapacity)), route)
                return
            }
            if case .head(let head) = part {
                frameworkUnanswered += 1
                state = .forwarding
                if Self.endsConnection(head) { takesNoMore = true }
            }
            context.fireChannelRead(wrapInboundOut(part))
        case .forwarding:
            if case .end = part { state = .idle }
            context.fireChannelRead(wrapInboundOut(part))
        case .reading(let head, var body, let route):
            switch part {
            case .body(var chunk):
                // The decoder frames the body by its Content-Length, which `routeAndLength` held within the cap.
                state = .answering  // so that `body` is the buffer's only reference while it grows
                body.writeBuffer(&chunk)
                state = .reading(head, body, route)
            case .end:
                state = .answering
                answer(head, body: body, route: route, context: context)
            case .head:
                // The decoder never starts a request before the previous one ended.
                assertionFailure("a request head before the taken request's end")
                state = .idle
                context.fireErrorCaught(ChannelError.inappropriateOperationForState)
            }
        case .answering:
            held.append(.part(part))
        case .closed:
            break
        }
    }

    /// The route and the body's length when the request is one to take, else nil.
    private func routeAndLength(ifTaking head: HTTPRequest) -> (Route, Int)? {
        guard head.method == .post, let route = routes.first(where: { $0.path == head.path }) else { return nil }
        let fields = head.headerFields
        guard fields[.transferEncoding] == nil, fields[.expect] == nil else { return nil }
        if let connection = fields[.connection], connection != Self.close, connection.lowercased() != "keep-alive" { return nil }
        // Two Content-Length fields read as one joined value, which is not a number: Hummingbird's to answer.
        guard let length = fields[.contentLength].flatMap(Int.init), length > 0, length <= route.maxBodyBytes else { return nil }
        return (route, length)
    }

    private func answer(_ head: HTTPRequest, body: ByteBuffer, route: Route, context: ChannelHandlerContext) {
        let peer = peerAddress(context)
        let origin = head.headerFields[.origin]
        let closes = Self.endsConnection(head)
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
        route.submit(Data(body.readableBytesView), head.headerFields, peer) { answer in
            // Straight away for a failed check (on this loop), or from the committing task after the commit.
            if eventLoop.inEventLoop {
                bound.value.0.write(answer, origin: origin, closes: closes, context: bound.value.1)
            } else {
                eventLoop.execute { bound.value.0.write(answer, origin: origin, closes: closes, context: bound.value.1) }
            }
        }
    }

    private static let close = "close"

    /// The client's address, formatted once per connection rather than for every request on it.
    private var peer: String?
    private func peerAddress(_ context: ChannelHandlerContext) -> String {
        if let peer { return peer }
        guard let address = context.channel.remoteAddress?.ipAddress else { return "unknown" }
        peer = address
        return address
    }

    /// Hummingbird's own test for ending the connection after the answer, for the requests this takes and for those it
    /// leaves to Hummingbird alike.
    private static func endsConnection(_ head: HTTPRequest) -> Bool { head.headerFields[.connection] == close }
    private static let initialBodyCapacity = 4096

    private func write(_ answer: HTTPAnswer, origin: String?, closes: Bool, context: ChannelHandlerContext) {
        state = closes ? .closed : .idle
        guard isActive else { return releaseCloses(context: context) }
        // The headers Hummingbird's route gives the same answer: CORS's, the length, the date and the server's name.
        var headers = answer.headers
        CORSPolicy<FeedbackRequestContext>.allow(origin, in: &headers, directory: directory)
        headers[.contentLength] = String(answer.body.readableBytes)
        headers[.date] = HTTPDate.now()
        headers[.server] = serverName
        onAnswer(answer.status)  // before the bytes leave, so a client that has its answer sees it counted
        context.write(wrapOutboundOut(.head(HTTPResponse(status: answer.status, headerFields: headers))), promise: nil)
        if answer.body.readableBytes > 0 { context.write(wrapOutboundOut(.body(answer.body)), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        if !closesHeld.isEmpty {
            // Hummingbird is closing: what waited here is not taken any more.
            held.removeAll()
            return releaseCloses(context: context)
        }
        if closes {
            // What came after is dropped, but not the events: a quiesce held here is Hummingbird's cue to close
            // the rest of the connection.
            let events = held.compactMap { if case .event(let event) = $0 { event } else { nil } }
            held.removeAll()
            context.close(mode: .output, promise: nil)
            for event in events { context.fireUserInboundEventTriggered(event) }
        }
        if !drainingHeld { takeHeld(context: context) }
    }

    /// What waited behind the answer, until it is all passed on or another taken request is being answered.
    private func takeHeld(context: ChannelHandlerContext) {
        drainingHeld = true
        defer { drainingHeld = false }
        var passedOn = false
        while !held.isEmpty, !isAnswering {
            switch held.removeFirst() {
            case .part(let part): take(part, context: context)
            case .error(let error): errorCaught(context: context, error: error)
            case .event(let event): context.fireUserInboundEventTriggered(event)
            }
            passedOn = true
        }
        if passedOn { context.fireChannelReadComplete() }
        if readPaused, !isAnswering {
            readPaused = false
            context.read()
        }
    }

    private var isAnswering: Bool {
        if case .answering = state { return true }
        return false
    }

    // MARK: outbound

    func read(context: ChannelHandlerContext) {
        // Paused only once something waits: a client that sends nothing until it has its answer (which is every client
        // but a pipelining one) costs no change of the socket's interest, two epoll_ctl calls a request. What a
        // pipelining client can put here stays bounded: what arrived before the pause plus one read.
        if isAnswering, !held.isEmpty { readPaused = true } else { context.read() }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        // Hummingbird's answers: once one ends, the connection may be Hummingbird's no more. (It also answers a parse
        // error it was never handed a head for, hence the floor.)
        if case .end = unwrapOutboundIn(data) { frameworkUnanswered = max(0, frameworkUnanswered - 1) }
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        switch state {
        case .reading, .answering:
            // After channelInactive no answer comes to release it.
            if isActive { return closesHeld.append((mode, promise)) }
        case .idle, .forwarding, .closed:
            break
        }
        passOn(mode, promise, context: context)
    }

    private func releaseCloses(context: ChannelHandlerContext) {
        let closes = closesHeld
        closesHeld = []
        for (mode, promise) in closes { passOn(mode, promise, context: context) }
    }

    /// Hummingbird's close, on its way out: the connection is ending, so no request is taken after it.
    private func passOn(_ mode: CloseMode, _ promise: EventLoopPromise<Void>?, context: ChannelHandlerContext) {
        takesNoMore = true
        context.close(mode: mode, promise: promise)
    }
}
