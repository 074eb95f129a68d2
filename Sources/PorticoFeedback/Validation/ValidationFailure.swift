/// Why a submission does not match the contract, naming the part that failed (`fields.message`, `timestamp` …).
public struct ValidationFailure: Error, Sendable, Equatable {
    public var field: String
    public var detail: String

    public init(field: String, _ detail: String) {
        self.field = field
        self.detail = detail
    }
}
