/// A reading batch whose shape passed validation: what gate.js recorded since its last send (docs/engagement.md).
public struct ReadingBatch: Sendable, Equatable {
    public var account: String
    public var viewer: String
    public var timestamp: Int64
    public var nonce: String
    public var events: [ReadingEvent]
}

/// One page view's visible stretch (`view`) or one click on a linked file (`download`).
public struct ReadingEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case view, download }
    public var page: String
    public var kind: Kind
    /// Unix seconds when the view began (or the file was clicked), by the reader's clock.
    public var startedAt: Int64
    public var activeSeconds: Int
    public var scrollPercent: Int
    public var file: String?

    public init(page: String, kind: Kind, startedAt: Int64, activeSeconds: Int = 0, scrollPercent: Int = 0, file: String? = nil) {
        self.page = page
        self.kind = kind
        self.startedAt = startedAt
        self.activeSeconds = activeSeconds
        self.scrollPercent = scrollPercent
        self.file = file
    }
}

/// The signed body of `POST /v1/engagement`: the proof, and the batch text exactly as signed.
public struct SignedReadingBatch: Sendable {
    public var proof: String
    public var batchText: String
    public var batch: ReadingBatch
}
