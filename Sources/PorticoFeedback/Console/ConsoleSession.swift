import Foundation

/// What a console session cookie stands for: who signed in, and in which language they read the console.
public struct ConsoleSession: Codable, Sendable, Equatable {
    public var staffID: String
    public var language: String?

    public init(staffID: String, language: String? = nil) {
        self.staffID = staffID
        self.language = language
    }
}
