import Foundation
import Testing
@testable import PorticoCore

/// portal.yml's `engagement:` and `staff:`: what they read, and where a mistake is reported.
@Suite struct StaffConfigTests {
    @Test func readsStaffAndEngagement() {
        let (config, diagnostics) = ConfigParser.portal("""
        title: P
        base_url: https://x.example/
        engagement:
          reading: true
          retention_days: 90
        staff:
          - id: priya
            name: Priya Raman
            email: priya@vendor.example
            role: sme
            accounts: [bank]
          - id: sam
            name: Sam
            role: admin
            accounts: all
        """)
        #expect(diagnostics.isEmpty)
        #expect(config.engagement == EngagementConfig(reading: true, retentionDays: 90))
        #expect(config.staff.map(\.id) == ["priya", "sam"])
        #expect(config.staff[0].role == .sme && config.staff[0].accounts == .only(["bank"]) && config.staff[0].email == "priya@vendor.example")
        #expect(config.staff[1].accounts == .all && config.staff[1].accounts.contains("anything"))
        #expect(config.staff[0].location?.line == 7)
        #expect(ConfigParser.portal("title: P\nbase_url: https://x.example/\n").0.engagement.reading == false, "off unless set")
    }

    @Test func mistakesAreLocatedWithAFix() {
        let (_, diagnostics) = ConfigParser.portal("""
        title: P
        base_url: https://x.example/
        engagement:
          reading: yes please
          retention_days: 0
        staff:
          - id: Priya Raman
            name: P
            role: sme
            accounts: [bank]
          - id: jo
            name: Jo
            role: smee
            accounts: [bank]
          - id: jo
            name: Jo again
            role: manager
            accounts: [bank]
          - id: kim
            name: Kim
            role: admin
        """, file: "content/portal.yml")
        let byCode = Dictionary(grouping: diagnostics, by: \.code)
        #expect(byCode["bad-retention_days"]?.first?.location.line == 5)
        #expect(byCode["bad-staff-id"]?.first?.location.line == 7)
        #expect(byCode["bad-staff-id"]?.first?.location.column == 9)
        let role = byCode["bad-staff-role"]?.first
        #expect(role?.location.line == 13 && role?.hint?.contains("`sme`") == true)
        #expect(byCode["duplicate-staff"]?.first?.location.line == 15)
        #expect(byCode["missing-accounts"]?.first?.location.line == 19)
        #expect(diagnostics.allSatisfy { $0.location.file == "content/portal.yml" })
        #expect(diagnostics.filter { $0.severity == .error }.count >= 6, "reported all at once: \(diagnostics.map(\.code))")
    }

    @Test func anUnknownAccountIsReportedAtTheStaffEntry() {
        let staff = [StaffMember(id: "priya", name: "P", role: .sme, accounts: .only(["bnak", "auto-oem"]),
                                 location: SourceLocation(file: "portal.yml", line: 12, column: 5))]
        let problems = ContentLoader.staffProblems(staff, accounts: ["auto-oem", "bank"])
        #expect(problems.count == 1)
        #expect(problems[0].code == "unknown-staff-account" && problems[0].location.line == 12)
        #expect(problems[0].hint == "did you mean `bank`?")
        #expect(ContentLoader.staffProblems([StaffMember(id: "a", name: "A", role: .admin, accounts: .all)], accounts: []).isEmpty)
    }

    @Test func daysRoundTripThroughOrdinals() {
        for text in ["1970-01-01", "2000-02-29", "2026-12-31", "2027-03-01", "1999-12-31"] {
            let day = Day(text)!
            #expect(Day(ordinal: day.ordinal) == day)
        }
        #expect(Day("2026-12-01")!.adding(days: 14).description == "2026-12-15")
        #expect(Day("2024-02-28")!.adding(days: 1).description == "2024-02-29")
    }
}
