import Foundation
import Hummingbird

/// An RFC 9457 problem+json answer: `{type, title, status, detail, field}`.
public struct Problem: Error, Sendable, Equatable {
    public var slug: String
    public var title: String
    public var status: HTTPResponse.Status
    public var detail: String
    public var field: String?
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ slug: String, _ title: String, detail: String, field: String? = nil) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.field = field
    }

    public var type: String { "urn:portico:problem:\(slug)" }

    public func response(extraHeaders: HTTPFields = [:]) -> Response {
        var answer = self.answer
        answer.headers.append(contentsOf: extraHeaders)
        return answer.response
    }

    /// The answer's status, headers and body, for either HTTP path.
    var answer: HTTPAnswer {
        var object: [String: JSONValue] = ["type": .string(type), "title": .string(title), "status": .integer(Int64(status.code)),
                                           "detail": .string(detail)]
        if let field { object["field"] = .string(field) }
        var fields = headers
        fields[.contentType] = "application/problem+json"
        return HTTPAnswer(status: status, headers: fields, body: ByteBuffer(string: JSONValue.object(object).jsonText()))
    }

    /// A 500 for an error that is not the client's: logged by the caller, described only as "not stored".
    static func internalError(what: String) -> Problem {
        Problem(.internalServerError, "internal", "Internal error", detail: "the \(what) was not stored")
    }
}

/// A whole answer with its body in memory: a `Response` for Hummingbird's routes, or parts written straight to the
/// channel by `EventLoopIngestHandler`.
struct HTTPAnswer: Sendable {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var body: ByteBuffer

    var response: Response { Response(status: status, headers: headers, body: body.readableBytes == 0 ? .init() : .init(byteBuffer: body)) }
}

extension Problem {
    static func invalid(_ failure: ValidationFailure) -> Problem {
        Problem(.unprocessableContent, "invalid-submission", "The submission does not match the form", detail: failure.detail, field: failure.field)
    }

    static let badProof = Problem(.unauthorized, "invalid-proof", "The proof does not verify",
                                  detail: "\(Envelope.proofHeader) is missing or does not match this account, viewer and body",
                                  field: Envelope.proofHeader)

    static func rateLimited(retryAfter: Int, who: String) -> Problem {
        var problem = Problem(.tooManyRequests, "rate-limited", "Too many submissions",
                              detail: "too many submissions from this \(who); try again in \(retryAfter) s")
        problem.headers[.retryAfter] = String(retryAfter)
        return problem
    }
}
