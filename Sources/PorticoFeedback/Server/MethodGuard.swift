import Hummingbird

/// 405 with `Allow` for any other method on a known path (QUERY and other newer methods included),
/// where the router alone would answer 404.
struct MethodGuard<Context: RequestContext>: RouterMiddleware {
    let allowed: [String: [HTTPRequest.Method]]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let methods = allowed[request.uri.path], !methods.contains(request.method) else {
            return try await next(request, context)
        }
        let allow = methods.map(\.rawValue).joined(separator: ", ")
        var problem = Problem(.methodNotAllowed, "method-not-allowed", "Method not allowed",
                              detail: "\(request.method.rawValue) is not supported here; use \(allow)")
        problem.headers[.allow] = allow
        return problem.response()
    }
}
