import Foundation

/// One finished HTML page of an account, before it is written (and, when gated, sealed).
public struct RenderedPage: Sendable {
    /// Relative to the account root: `index.html`, `insights/index.html`, `insights/x/index.html`.
    public var path: String
    /// The page as UTF-8: rendered, spliced and sealed as bytes (turning it into a String validates every byte).
    public var bytes: [UInt8]
    public var html: String { String(decoding: bytes, as: UTF8.self) }
    public var language: Language
    public var title: String
    /// Images and other files the page shows, as the URLs written in `html`.
    public var assets: [AssetReference]
}
