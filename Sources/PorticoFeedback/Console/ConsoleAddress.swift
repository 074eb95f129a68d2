import Foundation
import PorticoCore

/// Where the console is: on the server that `feedback.endpoint` names (`FeedbackConfig.serverBase`).
public enum ConsoleAddress {
    /// Console cookies get `Secure` when the server is reached over https.
    public static func isSecure(_ portal: PortalConfig) -> Bool { portal.feedback.endpoint.lowercased().hasPrefix("https://") }
}
