import Foundation
import HTTPTypes
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import PorticoCore
import Testing
@testable import PorticoFeedback

/// `EventLoopIngestHandler` alone in a pipeline (NIOEmbedded), with a route whose answers the test gives: orders of
/// events a live server cannot be made to produce on cue. (`EventLoopIngestTests` meets the handler over a socket.)
@Suite struct EventLoopIngestHandlerTests {
    /// The route's calls: each call's answer, and the calls made from inside another's answer.
    final class Route: @unchecked Sendable {
        var answers: [@Sendable (HTTPAnswer) -> Void] = []
        var nested = 0
        private var answering = false

        /// A body `fail` is answered at once (as a request that fails a check is); any other waits for the test.
        var route: EventLoopIngestHandler.Route {
            .init(path: "/v1/feedback", maxBodyBytes: 1024) { body, _, _, answer in
                self.answers.append(answer)
                if self.answering { self.nested += 1 }
                guard body == Data("fail".utf8) else { return }
                self.answering = true
                answer(HTTPAnswer(status: .unsupportedMediaType, headers: [:], body: ByteBuffer()))
                self.answering = false
            }
        }
    }

    /// The answer the tests give a taken request once its commit is done.
    static let created = HTTPAnswer(status: .created, headers: [:], body: ByteBuffer())

    /// The handler in a pipeline of its own, or with `next` after it, and `stopper` before it.
    func channel(_ route: Route, then next: Recorder? = nil, closesStoppedBy stopper: CloseStopper? = nil) throws -> EmbeddedChannel {
        let directory = DirectoryHolder(FeedbackDirectory(portal: PortalConfig(), accounts: []))
        let handler = EventLoopIngestHandler(routes: [route.route], directory: directory, serverName: "portico", onAnswer: { _ in })
        let handlers: [any ChannelHandler] = (stopper.map { [$0] } ?? []) + [handler] + (next.map { [$0] } ?? [])
        return EmbeddedChannel(handlers: handlers)
    }

    func post(_ body: String, _ fields: HTTPFields = [:]) -> [HTTPRequestPart] {
        var headerFields = fields
        headerFields[.contentType] = "application/json"
        headerFields[.contentLength] = String(body.utf8.count)
        let head = HTTPRequest(method: .post, scheme: nil, authority: "127.0.0.1", path: "/v1/feedback", headerFields: headerFields)
        return [.head(head), .body(ByteBuffer(string: body)), .end(nil)]
    }

    func get(_ fields: HTTPFields = [:]) -> [HTTPRequestPart] {
        [.head(HTTPRequest(method: .get, scheme: nil, authority: "127.0.0.1", path: "/healthz", headerFields: fields)), .end(nil)]
    }

    /// The statuses of the answers written so far.
    func statuses(_ channel: EmbeddedChannel) throws -> [Int] {
        var statuses: [Int] = []
        while let part = try channel.readOutbound(as: HTTPResponsePart.self) {
            if case .head(let head) = part { statuses.append(head.status.code) }
        }
        return statuses
    }

    @Test func takesNoRequestOnceHummingbirdAnsweredConnectionClose() throws {
        let route = Route()
        let channel = try channel(route)
        for part in get([.connection: "close"]) { try channel.writeInbound(part) }
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        #expect(try channel.readInbound(as: HTTPRequestPart.self) != nil)
        // Hummingbird's answer passes through the handler on its way out.
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok, headerFields: [.connection: "close"])))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        // A POST that arrives before Hummingbird's close is Hummingbird's to refuse, not this handler's to store.
        for part in post("wait") { try channel.writeInbound(part) }
        guard case .head(let forwarded) = try channel.readInbound(as: HTTPRequestPart.self) else {
            Issue.record("the POST was taken")
            return
        }
        #expect(forwarded.path == "/v1/feedback")
        #expect(route.answers.isEmpty)
    }

    @Test func takesRequestsAgainAfterHummingbirdAnsweredOneWithoutClose() throws {
        let route = Route()
        let channel = try channel(route)
        for part in get() { try channel.writeInbound(part) }
        try channel.writeOutbound(HTTPResponsePart.head(HTTPResponse(status: .ok)))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        _ = try statuses(channel)
        for part in post("fail") { try channel.writeInbound(part) }
        #expect(route.answers.count == 1)
        #expect(try statuses(channel) == [415])
    }

    @Test func pausesReadingOnlyOnceSomethingWaitsBehindTheAnswer() throws {
        let route = Route()
        let reads = ReadCounter()
        let channel = EmbeddedChannel(handlers: [reads, EventLoopIngestHandler(
            routes: [route.route], directory: DirectoryHolder(FeedbackDirectory(portal: PortalConfig(), accounts: [])),
            serverName: "portico", onAnswer: { _ in })])
        for part in post("wait") { try channel.writeInbound(part) }
        let before = reads.count
        channel.read()
        #expect(reads.count == before + 1, "nothing waits: the socket stays read")
        try channel.writeInbound(get().first!)
        channel.read()
        #expect(reads.count == before + 1, "a part waits: reading pauses")
        route.answers[0](Self.created)
        #expect(reads.count == before + 2, "the answer resumes reading")
        #expect(try statuses(channel) == [201])
    }

    @Test func answersHeldRequestsInALoopNotACallEach() throws {
        let route = Route()
        let channel = try channel(route)
        for part in post("wait") { try channel.writeInbound(part) }
        let held = 300
        for _ in 0..<held { for part in post("fail") { try channel.writeInbound(part) } }
        #expect(route.answers.count == 1, "held behind the first POST's answer")
        route.answers[0](Self.created)
        #expect(try statuses(channel) == [201] + Array(repeating: 415, count: held))
        // Each held request is checked after the one before it returned, not from inside its answer.
        #expect(route.answers.count == held + 1)
        #expect(route.nested == 0)
    }

    @Test func holdsAHalfCloseBehindTheRequestsItHolds() throws {
        let route = Route()
        let recorder = Recorder()
        let channel = try channel(route, then: recorder)
        for part in post("wait") + get() { try channel.writeInbound(part) }
        channel.pipeline.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        #expect(recorder.seen.isEmpty, "the GET and the half-close wait for the POST's answer")
        route.answers[0](Self.created)
        #expect(recorder.seen == ["head", "end", "inputClosed"])
    }

    @Test func passesOnAQuiesceHeldBehindAConnectionCloseAnswer() throws {
        let route = Route()
        let recorder = Recorder()
        let channel = try channel(route, then: recorder)
        for part in post("wait", [.connection: "close"]) { try channel.writeInbound(part) }
        channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        #expect(recorder.seen.isEmpty)
        // The answer ends the connection's requests; Hummingbird still needs the quiesce to close the rest.
        route.answers[0](Self.created)
        #expect(try statuses(channel) == [201])
        #expect(recorder.seen == ["ChannelShouldQuiesceEvent()"])
    }

    @Test func endsATakenRequestThatAHeldErrorCutShort() throws {
        let route = Route()
        let recorder = Recorder()
        let channel = try channel(route, then: recorder)
        for part in post("wait") { try channel.writeInbound(part) }
        // Behind it, a request whose body never completes: the decoder's error ends it.
        try channel.writeInbound(post("0123456789")[0])
        try channel.writeInbound(HTTPRequestPart.body(ByteBuffer(string: "0123")))
        channel.pipeline.fireErrorCaught(CutShort())
        route.answers[0](Self.created)
        #expect(recorder.seen == ["error"])
        // Hummingbird's close after its 400 then goes through instead of waiting for an answer that never comes.
        var closed = false
        channel.close().whenComplete { _ in closed = true }
        channel.embeddedEventLoop.run()
        #expect(closed)
    }

    @Test func letsACloseThroughOnceTheConnectionIsGone() throws {
        let route = Route()
        let channel = try channel(route)
        for part in post("wait") { try channel.writeInbound(part) }
        channel.pipeline.fireChannelInactive()
        var closed = false
        channel.close().whenComplete { _ in closed = true }
        channel.embeddedEventLoop.run()
        #expect(closed, "no answer comes to release a close held now")
    }

    @Test func takesNoRequestOnceACloseWentOut() throws {
        let route = Route()
        let recorder = Recorder()
        let stopper = CloseStopper()
        let channel = try channel(route, then: recorder, closesStoppedBy: stopper)
        // A close of the output (a real socket keeps reading after it; here it stops before the channel).
        channel.pipeline.close(mode: .output, promise: nil)
        #expect(stopper.closes == [.output])
        for part in post("wait") { try channel.writeInbound(part) }
        #expect(route.answers.isEmpty, "the connection is ending: the POST is Hummingbird's to refuse")
        #expect(recorder.seen == ["head", "body", "end"])
    }

    @Test func takesNoRequestOnceAHeldCloseWentOut() throws {
        let route = Route()
        let recorder = Recorder()
        let stopper = CloseStopper()
        let channel = try channel(route, then: recorder, closesStoppedBy: stopper)
        for part in post("wait") { try channel.writeInbound(part) }
        channel.pipeline.close(mode: .output, promise: nil)
        #expect(stopper.closes.isEmpty, "held until the POST is answered")
        route.answers[0](Self.created)
        #expect(stopper.closes == [.output])
        for part in post("wait") { try channel.writeInbound(part) }
        #expect(route.answers.count == 1)
        #expect(recorder.seen == ["head", "body", "end"])
    }

    /// Stands between the handler and the channel: keeps the closes that reach it, so the channel stays open.
    final class CloseStopper: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var closes: [CloseMode] = []

        func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
            closes.append(mode)
            promise?.succeed(())
        }
    }

    /// Stands before the handler: counts the reads that reach the socket's side.
    final class ReadCounter: ChannelOutboundHandler, @unchecked Sendable {
        typealias OutboundIn = Any
        var count = 0

        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    /// The decoder's error for a body that stops short, as the handler sees it.
    struct CutShort: Error {}

    /// What reaches the handler after `EventLoopIngestHandler`, in order.
    final class Recorder: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = HTTPRequestPart
        var seen: [String] = []

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head: seen.append("head")
            case .body: seen.append("body")
            case .end: seen.append("end")
            }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            seen.append(event as? ChannelEvent == .inputClosed ? "inputClosed" : "\(event)")
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            seen.append("error")
        }
    }
}
