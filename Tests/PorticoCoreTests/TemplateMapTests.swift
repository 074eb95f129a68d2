import Testing
@testable import PorticoCore

/// `TemplateMap` must behave as the `Dictionary` it replaced, whatever order or hash its keys have.
@Suite struct TemplateMapTests {
    @Test func readsAndWritesLikeADictionary() {
        var map: TemplateMap = ["title": "A", "kind": "list", "title": "B"]   // a repeated key keeps its last value
        #expect(map.count == 2)
        #expect(map["title"] == "B")
        #expect(map["missing"] == nil)
        map["kind"] = 3
        map["new"] = true
        #expect(map["kind"] == 3)
        #expect(map.entries.map(\.key) == ["title", "kind", "new"])
        map["title"] = nil
        #expect(map["title"] == nil)
        #expect(map.entries.map(\.key) == ["kind", "new"])
        map["absent"] = nil
        #expect(map.count == 2)
    }

    @Test func equalityIgnoresOrder() {
        let a: TemplateMap = ["x": "1", "y": ["z": "2"]]
        let b: TemplateMap = ["y": ["z": "2"], "x": "1"]
        #expect(a == b)
        #expect(a != ["x": "1", "y": ["z": "3"]])
        #expect(a != ["x": "1"])
        #expect(a != ["x": "1", "w": ["z": "2"]])
    }

    @Test func keysWithTheSameHashStayApart() {
        var map = TemplateMap()
        map[TemplateMap.HashedKey(name: "alpha", hash: 7)] = "a"
        map[TemplateMap.HashedKey(name: "beta", hash: 7)] = "b"
        #expect(map[TemplateMap.HashedKey(name: "alpha", hash: 7)] == "a")
        #expect(map[TemplateMap.HashedKey(name: "beta", hash: 7)] == "b")
        #expect(map[TemplateMap.HashedKey(name: "gamma", hash: 7)] == nil)
    }

    /// A template's names are hashed at parse time the same way map keys are hashed where they are written.
    @Test func templateNamesFindDottedKeys() throws {
        let context: TemplateValue = ["title": "中文", "a": ["b": ["c": "deep"]], "t": .map(TemplateMap(["by": "By", "zh": "作者"]))]
        #expect(try Template("{{title}} {{a.b.c}} {{t.by}} {{t.zh}} {{#a}}{{b.c}}{{/a}} {{a.x}}|").render(context) == "中文 deep By 作者 deep |")
    }

    @Test func aDictionaryBecomesAMapInKeyOrder() {
        let map = TemplateMap(["b": "2", "a": "1", "c": "3"])
        #expect(map.entries.map(\.key) == ["a", "b", "c"])
        #expect(map["b"] == "2")
    }
}
