import Foundation
import PorticoTheme
import Testing
@testable import PorticoCore

/// A portal's own `--templates` folder overrides the default theme file by file.
@Suite struct ThemeTests {
    @Test func overrideFolderWinsFileByFile() throws {
        let override = Fixtures.temporaryFolder("theme")
        try "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>x</title></head><body>CUSTOM INDEX {{portal.title}}</body></html>"
            .write(to: override.appendingPathComponent("index.mustache"), atomically: true, encoding: .utf8)
        try "en:\n  home: \"Start\"\n".write(to: override.appendingPathComponent("strings.yml"), atomically: true, encoding: .utf8)
        let log = DiagnosticLog()
        let theme = Theme(folders: [override, PorticoTheme.directory], log: log)
        #expect(log.errors.isEmpty)
        #expect(theme.render("index", ["portal": ["title": "P"]]).contains("CUSTOM INDEX P"))
        #expect(theme.string("home", .en) == "Start")
        #expect(theme.string("insights", .en) == "Insights", "strings not overridden come from the default theme")
        #expect(theme.sources["article"]?.hasPrefix(PorticoTheme.directory.path) == true)
        #expect(theme.assets["portico.css"] != nil)
    }

    @Test func defaultThemeHasEveryTemplateAndBothLanguages() {
        let log = DiagnosticLog()
        let theme = Theme(folders: [PorticoTheme.directory], log: log)
        #expect(log.all.isEmpty, "\(log.all)")
        #expect(Set(theme.strings(for: .en).keys) == Set(theme.strings(for: .zhCN).keys))
    }

    @Test func brokenTemplateIsALocatedError() throws {
        let override = Fixtures.temporaryFolder("theme")
        try "{{#open}} never closed".write(to: override.appendingPathComponent("home.mustache"), atomically: true, encoding: .utf8)
        let log = DiagnosticLog()
        _ = Theme(folders: [override, PorticoTheme.directory], log: log)
        #expect(log.errors.first?.code == "template")
        #expect(log.errors.first?.location.file.hasSuffix("home.mustache") == true)
    }
}
