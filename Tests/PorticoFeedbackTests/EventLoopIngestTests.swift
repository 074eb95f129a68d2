import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PorticoCore
import Testing
@testable import PorticoFeedback
#if canImport(Glibc)
import Glibc
#endif

/// `EventLoopIngestHandler` as a client meets it, over a raw socket: the same answers as Hummingbird's route, byte
/// for byte but the date; pipelined requests answered in order; `Connection: close` honoured; and what it must leave
/// to Hummingbird left there. (The server suite runs every answer on both paths too: `ServerTests`.)
@Suite struct EventLoopIngestTests {
    /// A live server; `test` gets its port and the count of answers written on the event loop so far.
    func withLiveServer(eventLoop: Bool = true, _ configure: (inout ServerConfiguration) -> Void = { _ in },
                        _ test: @escaping @Sendable (_ port: Int, _ onEventLoop: @Sendable () -> Int) async throws -> Void) async throws {
        let answered = Locked(0)
        let configuration = Fixture.configuration { configuration in
            configure(&configuration)
            configuration.eventLoopIngest = eventLoop
            configuration.onEventLoopAnswer = { _ in answered.withLock { $0 += 1 } }
        }
        try await buildApplication(configuration).test(.live) { client in
            try await test(try #require(client.port), { answered.withLock { $0 } })
        }
    }

    static func post(_ body: String, headers: HTTPFields? = nil, extra: String = "", path: String = "/v1/feedback") -> String {
        var text = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        for field in headers ?? Fixture.headers(for: body) { text += "\(field.name): \(field.value)\r\n" }
        return text + extra + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    static let health = "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    static func reading(_ body: String, headers: HTTPFields = ReadingFixture.headers) -> String {
        post(body, headers: headers, path: ReadingEnvelope.path)
    }

    @Test func answersAsHummingbirdsRouteDoesButForTheDate() async throws {
        // The same requests, in the same order, to a server with the event loop's path and to one without.
        let valid = Fixture.body()
        let batch = ReadingFixture.body(ReadingFixture.batch())
        let requests: [String] = [
            Self.post(valid, extra: "Origin: \(Fixture.origin)\r\n"),
            Self.post(valid, extra: "Origin: \(Fixture.origin)\r\n"),  // the replay: 409
            Self.post(Fixture.body(), headers: Fixture.headers(for: Fixture.body(), proof: "not-a-proof"), extra: "Origin: https://elsewhere.test\r\n"),
            Self.post("{not json", headers: Fixture.headers(for: "{not json")),
            Self.post(Fixture.body(fields: #"{"message":"hi","colour":"red"}"#)),
            Self.post(Fixture.body(page: "insights/welcome/index.html")),
            { var headers = Fixture.headers(for: valid); headers[.contentType] = "text/plain"; return Self.post(valid, headers: headers) }(),
            Self.reading(batch),
            Self.reading(batch),  // the replay: 409
            Self.reading(ReadingFixture.body(ReadingFixture.batch(), proof: "not-a-proof")),
            Self.reading(ReadingFixture.body(ReadingFixture.batch()), headers: [.contentType: "application/json"]),
            Self.reading(ReadingFixture.body(ReadingFixture.batch(events: [ReadingFixture.view(page: "insights/welcome/index.html")]))),
        ]
        let answers = Locked<[Bool: [RawHTTP.Response]]>([:])
        for eventLoop in [true, false] {
            try await withLiveServer(eventLoop: eventLoop) { port, onEventLoop in
                let connection = try RawHTTP(port: port)
                var responses: [RawHTTP.Response] = []
                for request in requests {
                    try await connection.send(request)
                    responses.append(try await connection.readResponse())
                }
                #expect(onEventLoop() == (eventLoop ? requests.count : 0))
                answers.withLock { $0[eventLoop] = responses }
            }
        }
        let (fast, framework) = answers.withLock { ($0[true] ?? [], $0[false] ?? []) }
        #expect(fast.map(\.status) == [201, 409, 401, 400, 422, 422, 415, 204, 409, 422, 415, 422])
        #expect(fast.count == framework.count)
        for (one, other) in zip(fast, framework) {
            #expect(one.status == other.status)
            #expect(one.body == other.body)
            #expect(one.headersButDate == other.headersButDate, "\(one.status)")
            #expect(one.headers.contains { $0.name == "date" } && other.headers.contains { $0.name == "date" })
        }
        #expect(fast[0].header("access-control-allow-origin") == Fixture.origin)
        #expect(fast[2].header("access-control-allow-origin") == nil)
    }

    @Test func answersPipelinedRequestsInTheOrderSent() async throws {
        try await withLiveServer { port, onEventLoop in
            let connection = try RawHTTP(port: port)
            let first = Fixture.body(), second = Fixture.body()
            // One write: a POST the handler takes, then requests behind it that must not overtake its 201.
            try await connection.send(Self.post(first) + Self.health + Self.post(second)
                                + Self.post(Fixture.body(), headers: Fixture.headers(for: Fixture.body(), proof: "nope")) + Self.health)
            var statuses: [Int] = []
            for _ in 0..<5 { statuses.append(try await connection.readResponse().status) }
            #expect(statuses == [201, 200, 201, 401, 200])
            // Only the first: the rest came behind the /healthz that Hummingbird was answering, so they were its own.
            #expect(onEventLoop() == 1)
            // Hummingbird first, then a POST behind it: the POST waits for Hummingbird's answer.
            try await connection.send(Self.health + Self.post(Fixture.body()))
            #expect(try await connection.readResponse().status == 200)
            #expect(try await connection.readResponse().status == 201)
        }
    }

    @Test func endsTheConnectionAfterAnAnswerToConnectionClose() async throws {
        try await withLiveServer { port, onEventLoop in
            let connection = try RawHTTP(port: port)
            try await connection.send(Self.post(Fixture.body(), extra: "Connection: close\r\n") + Self.health)
            #expect(try await connection.readResponse().status == 201)
            #expect(try await connection.readToEnd().isEmpty, "nothing answered after Connection: close")
            #expect(onEventLoop() == 1)
        }
    }

    @Test func answersWhatItHeldWhenTheClientHalfCloses() async throws {
        try await withLiveServer { port, onEventLoop in
            let connection = try RawHTTP(port: port)
            // Requests held behind a taken POST, then the client's half-close: Hummingbird must not end the connection
            // before it has seen and answered them.
            try await connection.send(Self.post(Fixture.body()) + Self.health + Self.post(Fixture.body()))
            try await connection.shutdownWrite()
            var statuses: [Int] = []
            for _ in 0..<3 { statuses.append(try await connection.readResponse().status) }
            #expect(statuses == [201, 200, 201])
            #expect(try await connection.readToEnd().isEmpty)
            // The second POST came behind Hummingbird's /healthz, so Hummingbird answered it.
            #expect(onEventLoop() == 1)
        }
    }

    @Test func answersALongRunOfHeldRequestsThatFailTheirChecks() async throws {
        try await withLiveServer { port, onEventLoop in
            let connection = try RawHTTP(port: port)
            // Behind a POST waiting for its commit, thousands that fail at once (a wrong content type), in one write: each
            // is answered, in order. (That they are replayed in a loop, not a nested call each, EventLoopIngestHandlerTests
            // checks: a read holds a few hundred at most, too few to overflow a stack here.)
            var headers = Fixture.headers(for: "{}")
            headers[.contentType] = "text/plain"
            let failing = Self.post("{}", headers: headers)
            let count = 4_000
            try await connection.send(Self.post(Fixture.body()) + String(repeating: failing, count: count) + Self.health)
            #expect(try await connection.readResponse().status == 201)
            var statuses: [Int: Int] = [:]
            for _ in 0..<count { statuses[try await connection.readResponse().status, default: 0] += 1 }
            #expect(Set(statuses.keys).isSubset(of: [415, 429]), "\(statuses)")
            #expect(statuses.values.reduce(0, +) == count)
            #expect(try await connection.readResponse().status == 200)
            #expect(onEventLoop() == count + 1)
        }
    }

    @Test func leavesWhatItDoesNotTakeToHummingbird() async throws {
        try await withLiveServer({ $0.maxBodyBytes = 2048 }) { port, onEventLoop in
            let connection = try RawHTTP(port: port)
            // A chunked body, a body over the cap, a query string, another Connection token.
            let body = Fixture.body()
            var chunked = "POST /v1/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n"
            for field in Fixture.headers(for: body) { chunked += "\(field.name): \(field.value)\r\n" }
            chunked += "\r\n" + String(body.utf8.count, radix: 16) + "\r\n" + body + "\r\n0\r\n\r\n"
            try await connection.send(chunked)
            #expect(try await connection.readResponse().status == 201)
            let large = Fixture.body(fields: #"{"message":"\#(String(repeating: "x", count: 2100))"}"#)
            try await connection.send(Self.post(large))
            #expect(try await connection.readResponse().status == 413)
            let query = Fixture.body()
            try await connection.send(Self.post(query).replacingOccurrences(of: "POST /v1/feedback ", with: "POST /v1/feedback?x=1 "))
            #expect(try await connection.readResponse().status == 201)
            try await connection.send(Self.post(Fixture.body(), extra: "Connection: Upgrade\r\n"))
            #expect(try await connection.readResponse().status == 201)
            #expect(onEventLoop() == 0)
        }
    }

    @Test func writesTheDateHeaderAsRFC9110Says() {
        #expect(HTTPDate.format(second: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(HTTPDate.format(second: 1_748_736_000) == "Sun, 01 Jun 2025 00:00:00 GMT")
        #expect(HTTPDate.format(second: 1_709_208_059) == "Thu, 29 Feb 2024 12:00:59 GMT")
        #expect(HTTPDate.format(second: 4_107_542_399) == "Sun, 28 Feb 2100 23:59:59 GMT")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        for second in stride(from: 0, to: 4_102_444_800, by: 86_400 * 37 + 3_613) {
            #expect(HTTPDate.format(second: second) == formatter.string(from: Date(timeIntervalSince1970: TimeInterval(second))))
        }
    }
}

/// An HTTP/1.1 client over a POSIX socket: requests sent as written, answers read one by one. The socket blocks, on a
/// queue of its own: blocking a thread of Swift's concurrency pool would starve the server under test in this process.
final class RawHTTP: @unchecked Sendable {
    struct Response: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: String

        func header(_ name: String) -> String? { headers.first { $0.name == name }?.value }
        var headersButDate: [String] { headers.filter { $0.name != "date" }.map { "\($0.name): \($0.value)" }.sorted() }
    }

    private let socket: Int32
    private var buffered: [UInt8] = []
    private let queue = DispatchQueue(label: "RawHTTP")

    private func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    func send(_ text: String) async throws { try await blocking { try self.sendNow(text) } }
    func readResponse() async throws -> Response { try await blocking { try self.readResponseNow() } }
    func readToEnd() async throws -> [UInt8] { try await blocking { try self.readToEndNow() } }
    /// The client's half-close: nothing more is sent, answers are still read.
    func shutdownWrite() async throws {
        try await blocking { if Glibc.shutdown(self.socket, Int32(SHUT_WR)) != 0 { throw RawHTTPError.send(errno) } }
    }

    init(port: Int) throws {
        socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw RawHTTPError.connect(errno) }
    }

    deinit { close(socket) }

    private func sendNow(_ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            // MSG_NOSIGNAL: a server that closed gives EPIPE, not a SIGPIPE that ends the test process.
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw RawHTTPError.send(errno) }
            sent += n
        }
    }

    /// One answer with a Content-Length body (all that the server sends here).
    private func readResponseNow() throws -> Response {
        let headEnd = Array("\r\n\r\n".utf8)
        var end: Int?
        while true {
            if buffered.count >= 4 {
                end = (0...(buffered.count - 4)).first { Array(buffered[$0..<($0 + 4)]) == headEnd }
                if end != nil { break }
            }
            guard try fill() else { throw RawHTTPError.closedMidAnswer(String(decoding: buffered, as: UTF8.self)) }
        }
        let head = String(decoding: buffered[..<end!], as: UTF8.self).components(separatedBy: "\r\n")
        buffered.removeFirst(end! + 4)
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let headers = head.dropFirst().map { line -> (name: String, value: String) in
            let colon = line.firstIndex(of: ":")!
            return (line[..<colon].lowercased(), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        let length = Int(headers.first { $0.name == "content-length" }?.value ?? "0") ?? 0
        while buffered.count < length {
            guard try fill() else { throw RawHTTPError.closedMidAnswer(String(decoding: buffered, as: UTF8.self)) }
        }
        let body = String(decoding: buffered[..<length], as: UTF8.self)
        buffered.removeFirst(length)
        return Response(status: status, headers: headers, body: body)
    }

    /// Everything until the server closes its side.
    private func readToEndNow() throws -> [UInt8] {
        while try fill() {}
        defer { buffered = [] }
        return buffered
    }

    /// False at the end of the stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
        guard n >= 0 else { throw RawHTTPError.receive(errno) }
        buffered += chunk[..<n]
        return n > 0
    }
}

enum RawHTTPError: Error {
    case connect(Int32), send(Int32), receive(Int32), closedMidAnswer(String)
}
