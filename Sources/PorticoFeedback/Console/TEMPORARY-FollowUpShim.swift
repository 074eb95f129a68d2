// TEMPORARY: stands in for the workshop branch's store API until it is merged (deleted then).
import Foundation
import PorticoCore

public enum FollowUpKind: String, Sendable { case feedback, workshop }
public enum WorkshopState: String, Sendable, CaseIterable {
    case requested, scheduled, held, pocProposed = "poc-proposed", won, lost, closed
    public var allowedNext: [WorkshopState] { [] }
}
public struct FollowUpEvent: Sendable { public var at: Date; public var actor: String; public var action: String; public var fromValue: String?; public var toValue: String?; public var note: String? }
public struct FollowUpError: Error, CustomStringConvertible { public var description: String }
extension FeedbackStore {
    public func history(_ kind: FollowUpKind, id: Int64) throws -> [FollowUpEvent] { [] }
    public func changeWorkshopState(id: Int64, to: WorkshopState, scheduledFor: Day?, actor: String, note: String?, at: Date) throws -> Int { 0 }
    public func changeFeedbackStatus(id: Int64, to: SubmissionStatus, actor: String, note: String?, at: Date) throws {}
    public func assign(_ kind: FollowUpKind, id: Int64, to staffID: String?, actor: String, at: Date) throws {}
    public func addNote(_ kind: FollowUpKind, id: Int64, note: String, actor: String, at: Date) throws {}
}
