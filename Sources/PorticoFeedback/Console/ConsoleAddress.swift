import Foundation
import PorticoCore

/// Where the console is: the server that `feedback.endpoint` names, without the endpoint's `/v1/feedback`.
public enum ConsoleAddress {
    public static func base(of portal: PortalConfig) -> String {
        var endpoint = portal.feedback.endpoint
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        if endpoint.hasSuffix(Envelope.path) { endpoint.removeLast(Envelope.path.count) }
        return endpoint
    }

    /// Console cookies get `Secure` when the server is reached over https.
    public static func isSecure(_ portal: PortalConfig) -> Bool { portal.feedback.endpoint.lowercased().hasPrefix("https://") }
}
