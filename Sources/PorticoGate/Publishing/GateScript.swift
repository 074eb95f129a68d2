import Crypto
import Foundation

/// The browser side of the gate, shipped as a resource, with its Subresource Integrity hash for the CSP.
public enum GateScript {
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "gate", withExtension: "js"), let data = try? Data(contentsOf: url) else {
            fatalError("gate.js is missing from the PorticoGate bundle; rebuild Portico")
        }
        return data
    }()

    /// `sha256-<base64>` of the script, used in both `integrity` and `script-src`.
    public static var integrity: String {
        "sha256-" + Data(SHA256.hash(data: data)).base64EncodedString()
    }
}
