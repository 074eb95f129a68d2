import Crypto
import Foundation

/// The browser side of the gate, shipped as a resource, with its Subresource Integrity hash for the CSP.
public enum GateScript {
    /// The script as published (`_portico/gate.js`, and inline in every gated page): gate.min.js, which
    /// scripts/minify-gate.sh makes from gate.js (the source) and `make test-js` checks against it.
    public static let data: Data = {
        guard let url = Bundle.module.url(forResource: "gate.min", withExtension: "js"), let script = try? Data(contentsOf: url) else {
            fatalError("gate.min.js is missing from the PorticoGate bundle; rebuild Portico")
        }
        return script
    }()

    /// The script as the text of an inline `<script>` in the gate page: one fetch fewer before a page opens, and it
    /// runs while the page is parsed instead of after its first layout. The CSP's hash matches it as it matches the
    /// file (the same bytes).
    public static let inlineText: String = {
        let text = String(decoding: data, as: UTF8.self)
        if let bad = inlineBreaker(in: text) {
            fatalError("gate.min.js contains \"\(bad)\", which cannot be inside an inline <script>; rewrite that part of gate.js and run scripts/minify-gate.sh")
        }
        return text
    }()

    /// Text that would end or escape an inline script element (the HTML parser looks for these), if `text` has any.
    static func inlineBreaker(in text: String) -> String? {
        let lower = text.lowercased()
        return ["</script", "<!--", "<script"].first { lower.contains($0) }
    }

    /// `sha256-<base64>` of the script, used in both `integrity` and `script-src`.
    public static var integrity: String {
        "sha256-" + Data(SHA256.hash(data: data)).base64EncodedString()
    }
}
