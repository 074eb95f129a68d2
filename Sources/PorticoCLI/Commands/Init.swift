import ArgumentParser
import Foundation
import PorticoGate

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create the portal secret in .portico/secret (mode 0600, git-ignored).")

    @OptionGroup var project: ProjectOptions

    func run() throws {
        do {
            let (_, file) = try PortalSecret.create(project: project.projectURL)
            print("Created \(file.path) (mode 0600). Keep it out of git and store a copy in your CI's secret store as PORTICO_SECRET.")
        } catch let error as SecretError {
            if case .exists = error { print(error.description); return }
            Terminal.error("error: \(error)")
            throw Exit.contentErrors
        }
    }
}
