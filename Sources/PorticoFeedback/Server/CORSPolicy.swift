import Hummingbird

/// CORS for the portal's own origin only: preflight answers, and `Access-Control-Allow-Origin` on responses.
struct CORSPolicy<Context: RequestContext>: RouterMiddleware {
    let directory: DirectoryHolder

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.allow(request.headers[.origin], in: &response.headers, directory: directory)
        return response
    }

    /// The headers every answer carries: the allowance when `origin` is the portal's, and `Vary: Origin` always.
    static func allow(_ origin: String?, in headers: inout HTTPFields, directory: DirectoryHolder) {
        if let origin, origin == directory.current.allowedOrigin {
            headers[.accessControlAllowOrigin] = origin
            headers[.accessControlExposeHeaders] = "Retry-After"
        }
        headers[values: .vary].append("Origin")
    }

    /// OPTIONS on the endpoint: 204 with the allowances for the portal's origin, 403 for any other origin.
    static func preflight(_ request: Request, directory: DirectoryHolder) -> Response {
        guard let origin = request.headers[.origin] else {
            return Response(status: .noContent, headers: [.allow: "OPTIONS, POST"])
        }
        guard origin == directory.current.allowedOrigin else {
            return Problem(.forbidden, "origin-not-allowed", "Origin not allowed",
                           detail: "only the portal's own origin may post feedback", field: "Origin").response()
        }
        return Response(status: .noContent, headers: [
            .allow: "OPTIONS, POST",
            .accessControlAllowMethods: "POST",
            .accessControlAllowHeaders: "Content-Type, \(Envelope.proofHeader)",
            .accessControlMaxAge: "600",
        ])
    }
}
