import Foundation
import PorticoCore

/// Who is signed in, and what they may see and do: staff see only the accounts portal.yml gives them.
struct ConsoleAccess: Sendable {
    let member: StaffMember

    func sees(_ slug: String) -> Bool { member.accounts.contains(slug) }

    /// Managers and admins assign anyone's items; an SME hands on only what is assigned to them.
    func mayReassign(assignee: String?, smeEmail: String?) -> Bool {
        member.role != .sme || isMine(assignee: assignee, smeEmail: smeEmail)
    }

    /// An item is someone's once assigned to them, or, before anyone assigned it, when routing named their e-mail.
    func isMine(assignee: String?, smeEmail: String?) -> Bool {
        if let assignee { return assignee == member.id }
        guard let email = member.email, let smeEmail else { return false }
        return email.caseInsensitiveCompare(smeEmail) == .orderedSame
    }

    /// The staff an item on `slug` can be assigned to.
    static func assignable(on slug: String, in portal: PortalConfig) -> [StaffMember] {
        portal.staff.filter { $0.accounts.contains(slug) }
    }
}
