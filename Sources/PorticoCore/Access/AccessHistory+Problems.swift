import Foundation

extension AccessHistory {
    /// What publishing `configs` on `today` would do against the history: bring back a link that was taken back
    /// (a revocation reverted, a removed viewer restored, an old branch built), hand a published link to someone
    /// else (an id reused without a new serial), or return to an older generation. Errors at the viewer's entry.
    public func problems(_ configs: [AccountConfig], today: Day) -> [Diagnostic] {
        var found: [Diagnostic] = []
        for config in configs {
            guard let account = accounts[config.slug] else { continue }
            let file = "accounts/\(config.slug)/account.yml"
            if config.generation < account.generation {
                found.append(.error("generation-went-back", at: config.generationLocation ?? SourceLocation(file: file, line: 1, column: 1),
                                    "generation \(config.generation) is older than generation \(account.generation), which was published: every link of generation \(config.generation) would open the portal again, those of readers revoked since included",
                                    hint: "set `generation: \(account.generation)` or higher (is this an old version of \(file)?)"))
                continue
            }
            guard config.generation == account.generation else { continue }
            for viewer in config.viewers where ViewerStatus(viewer, today: today) == .active {
                guard let link = account.viewers[viewer.id]?[viewer.serial ?? ""] else { continue }
                let named = "viewer `\(viewer.id)`" + (viewer.serial.map { " (serial \($0))" } ?? "")
                let newLink = "`portico token issue \(config.slug) \(viewer.id) --new-serial`"
                if link.state == .revoked {
                    found.append(.error("revoked-link-returns", at: viewer.location,
                                        "\(named) lost access in the publish of \(link.since); publishing them as active with the same serial would make their old link open the portal again",
                                        hint: "keep them out (`revoked: true`), or let them back in with a new link: \(newLink), then publish"))
                } else if let old = link.email, let new = Self.identity(viewer.email?.lowercased(), "email"), old != new {
                    found.append(.error("viewer-id-reused", at: viewer.location,
                                        "\(named) was published for another e-mail address: the link sent to that person would open this reader's portal",
                                        hint: "give the new reader an id of their own, or a new link: \(newLink)"))
                } else if let old = link.name, let new = Self.identity(viewer.name, "name"), old != new,
                          link.email == nil || Self.identity(viewer.email?.lowercased(), "email") == nil {
                    found.append(.warning("viewer-renamed", at: viewer.location,
                                          "\(named) was published under another name; if this is someone else, the link the first person was sent opens their portal",
                                          hint: "for someone new run \(newLink); for a corrected spelling nothing is needed (this warning goes with the next publish)"))
                }
            }
        }
        return found
    }
}
