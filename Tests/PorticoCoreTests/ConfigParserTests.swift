import Testing
@testable import PorticoCore

@Suite struct ConfigParserTests {
    @Test func portalDefaultsAndFields() {
        let (config, diagnostics) = ConfigParser.portal("""
        title: P
        base_url: https://x.example/
        feedback:
          endpoint: https://f.example/v1/feedback
          fields:
            - name: topic
              type: choice
              required: true
              label: {en: Topic, zh-CN: 主题}
              options: [cloud, {value: ai, label: {en: AI, zh-CN: 人工智能}}]
            - name: note
              type: text
              max: 100
        """)
        #expect(diagnostics.isEmpty)
        #expect(config.baseURL == "https://x.example")
        #expect(config.unsafeHTML == false)
        #expect(config.feedback.fields.map(\.name) == ["topic", "note"])
        #expect(config.feedback.fields[0].label[.zhCN] == "主题")
        #expect(config.feedback.fields[1].kind == .text(max: 100))
        if case .choice(let options) = config.feedback.fields[0].kind {
            #expect(options.map(\.value) == ["cloud", "ai"])
            #expect(options[1].label[.zhCN] == "人工智能")
        } else {
            Issue.record("expected a choice field")
        }
    }

    @Test func defaultFormWhenNoneGiven() {
        let (config, _) = ConfigParser.portal("title: P\nbase_url: https://x.example\n")
        #expect(config.feedback.fields.map(\.name) == ["rating", "message", "workshop"])
    }

    @Test func portalProblemsAreLocated() {
        let (_, diagnostics) = ConfigParser.portal("title: P\nbase_url: ftp://x\nlanguages: [en, fr]\n")
        #expect(diagnostics.first { $0.code == "bad-base_url" }?.location.line == 2)
        #expect(diagnostics.first { $0.code == "bad-language" }?.location.line == 3)
    }

    @Test func accountWithLocalizedNameViewersAndRules() {
        let (config, diagnostics) = ConfigParser.account("""
        name: {en: Huaxia, zh-CN: 华夏}
        locale: zh-CN
        brand: {color: "#C8102E"}
        generation: 2
        include:
          - industries: [automotive]
            tags: [ev]
        viewers:
          - id: li
            expires: 2027-01-01
          - id: wang
            revoked: true
        smes:
          - name: Wang
            email: w@v.example
            topics: [ev]
        """, slug: "huaxia", file: "accounts/huaxia/account.yml")
        #expect(diagnostics.isEmpty)
        #expect(config.name[.zhCN] == "华夏")
        #expect(config.name[.en] == "Huaxia")
        #expect(config.brand.color == "#c8102e")
        #expect(config.generation == 2)
        #expect(config.include.first?.industries == ["automotive"])
        #expect(config.activeViewers(on: Day(year: 2026, month: 1, day: 1)).map(\.id) == ["li"])
        #expect(config.activeViewers(on: Day(year: 2027, month: 1, day: 2)).isEmpty)
        #expect(config.sme(named: "w@v.example")?.name == "Wang")
    }

    @Test func includeRuleWithUnknownKeyIsAnErrorWithASuggestion() {
        let (_, diagnostics) = ConfigParser.account("name: A\ninclude:\n  - tag: [ev]\n", slug: "a", file: "a.yml")
        let error = diagnostics.first { $0.code == "unknown-key" }
        #expect(error?.severity == .error)
        #expect(error?.location.line == 3)
        #expect(error?.hint == "did you mean `tags`?")
    }

    @Test func duplicateViewerAndBadColourAreErrors() {
        let (_, diagnostics) = ConfigParser.account("name: A\nbrand:\n  color: red\nviewers:\n  - id: a\n  - id: a\n", slug: "a", file: "a.yml")
        #expect(diagnostics.contains { $0.code == "bad-color" && $0.location.line == 3 })
        #expect(diagnostics.contains { $0.code == "duplicate-viewer" && $0.location.line == 6 })
    }
}
