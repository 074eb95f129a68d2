import Foundation
import PorticoCore
import Testing
@testable import PorticoFeedback

/// The server's default day (asked on every signed request) is the day `Day.today()` gives: PORTICO_TODAY when set,
/// else today in UTC.
@Suite struct ServerConfigurationTests {
    @Test func theDefaultTodayIsDayToday() {
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, contentRoot: Fixture.contentRoot,
                                                serverKeysFile: Fixture.serverKeysFile, databasePath: Fixture.databasePath())
        let before = Day.today()
        let today = configuration.today()
        let after = Day.today()
        #expect(today == before || today == after)
    }
}
