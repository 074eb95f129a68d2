import Foundation

/// A submission whose envelope and fields passed validation (its proof is checked separately).
public struct Submission: Sendable, Equatable {
    public var account: String
    public var page: String
    public var viewer: String
    public var timestamp: Int64
    public var nonce: String
    /// The validated fields, only names the form defines.
    public var fields: [String: JSONValue]
}

/// The envelope of a submission: what is needed to find the account and check the proof.
public struct SubmissionEnvelope: Sendable, Equatable {
    public var account: String
    public var page: String
    public var viewer: String
    public var timestamp: Int64
    public var nonce: String
    public var rawFields: [String: JSONValue]
}
