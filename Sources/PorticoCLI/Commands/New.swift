import ArgumentParser
import Foundation
import PorticoCore

struct New: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create an account or a piece from the content model.",
                                                    subcommands: [NewAccount.self, NewInsight.self, NewSolution.self, NewCaseStudy.self])

    struct NewAccount: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "account", abstract: "Create accounts/<slug>/ with an account.yml to fill in.")
        @OptionGroup var project: ProjectOptions
        @Argument(help: "The account slug (folder name).") var slug: String
        @Option(help: "The client's name.") var name: String
        @Option(help: "The client's industry (used by include rules).") var industry: String
        @Option(help: "The account's UI language: en or zh-CN.") var locale: String = "en"

        func validate() throws {
            if Language(tag: locale) == nil { throw ValidationError("--locale must be en or zh-CN") }
        }

        func run() throws {
            let scaffolder = Scaffolder(contentRoot: project.contentURL)
            try Scaffolding.run { try scaffolder.account(slug: slug, name: name, industry: industry, locale: Language(tag: locale)!) } write: { try scaffolder.write($0) }
        }
    }

}

/// `portico new insight|solution|case-study OWNER "Title"`.
struct PieceArguments: ParsableArguments {
    @OptionGroup var project: ProjectOptions
    @Argument(help: "An account slug, or `library`.") var owner: String
    @Argument(help: "The title.") var title: String

    func create(_ kind: PageKind) throws {
        let scaffolder = Scaffolder(contentRoot: project.contentURL)
        try Scaffolding.run { try scaffolder.page(kind: kind, owner: owner, title: title) } write: { try scaffolder.write($0) }
    }
}

struct NewInsight: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "insight", abstract: "Create an insight (a draft).")
    @OptionGroup var piece: PieceArguments
    func run() throws { try piece.create(.insights) }
}

struct NewSolution: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "solution", abstract: "Create a solution (a draft).")
    @OptionGroup var piece: PieceArguments
    func run() throws { try piece.create(.solutions) }
}

struct NewCaseStudy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "case-study", abstract: "Create a case study (a draft).")
    @OptionGroup var piece: PieceArguments
    func run() throws { try piece.create(.caseStudies) }
}

enum Scaffolding {
    static func run(_ plan: () throws -> Scaffolder.Plan, write: (Scaffolder.Plan) throws -> Void) throws {
        do {
            let plan = try plan()
            try write(plan)
            for path in plan.files.keys.sorted() where !path.hasSuffix(".gitkeep") { print("created content/\(path)") }
            for note in plan.notes { print("note: \(note)") }
        } catch let failure as Scaffolder.Failure {
            Terminal.error("error: \(failure)")
            throw Exit.contentErrors
        }
    }
}
