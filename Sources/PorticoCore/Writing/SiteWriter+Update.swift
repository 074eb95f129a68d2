import Foundation

extension SiteWriter {
    /// Puts an updating writer's staged files in place, one top-level entry at a time: each replaced folder
    /// is renamed aside and its staged version renamed in; each other staged file is renamed over the old one
    /// unless the bytes are already the same; entries the build no longer produces are removed (`.gitkeep`
    /// stays). Kept folders are not looked at. When nothing differs the output is not touched at all.
    ///
    /// Unlike the single rename of a full build, this is not atomic as a whole. It does not need to be:
    /// every step is an atomic rename of a self-contained account folder or file, and the caller forgets
    /// the cache manifest before a commit that changes it, so a commit cut short leads to a clean build.
    func commitUpdate() throws -> Bool {
        var update = SiteUpdate(trash: Self.sibling(of: output, "old"))
        defer {
            update.emptyTrash()
            try? fileManager.removeItem(at: staging)
        }
        for folder in replaced.sorted() {
            let target = output.appendingPathComponent(folder)
            if SiteUpdate.kind(target) != nil { try update.discard(target) }
            let staged = staging.appendingPathComponent(folder)
            if SiteUpdate.kind(staged) != nil { try update.rename(staged, to: target) }
        }
        let produced = self.produced
        for folder in refreshed.sorted() {
            try update.refresh(staging.appendingPathComponent(folder), into: output.appendingPathComponent(folder), as: folder, produced: produced)
        }
        try update.merge(staging, into: output, leaving: kept.union(replaced).union(refreshed).union([".gitkeep"]))
        return update.changed
    }
}

/// The file operations of an updating commit, and whether any of them changed the output.
struct SiteUpdate {
    let trash: URL
    private(set) var changed = false
    private var discarded = 0
    private let fileManager = FileManager.default

    init(trash: URL) {
        self.trash = trash
    }

    static func kind(_ url: URL) -> FileKind? { FileKind.at(url.path) }

    /// Makes the folder `target` hold what `staged` holds, leaving alone the top-level names in `leaving`
    /// and every file whose bytes are already right.
    mutating func merge(_ staged: URL, into target: URL, leaving: Set<String> = []) throws {
        let names = Set(try fileManager.contentsOfDirectory(atPath: staged.path))
        switch Self.kind(target) {
        case .directory: break
        case nil:
            try fileManager.createDirectory(at: target, withIntermediateDirectories: false)
            changed = true
        default:
            try discard(target)
            try fileManager.createDirectory(at: target, withIntermediateDirectories: false)
        }
        for name in names.sorted() where !leaving.contains(name) {
            let source = staged.appendingPathComponent(name), destination = target.appendingPathComponent(name)
            if Self.kind(source) == .directory {
                try merge(source, into: destination)
                continue
            }
            switch Self.kind(destination) {
            case .file where Self.sameBytes(source, destination): continue
            case .directory, .other: try discard(destination)
            default: break
            }
            try rename(source, to: destination)
        }
        for name in try fileManager.contentsOfDirectory(atPath: target.path) where !names.contains(name) && !leaving.contains(name) {
            try discard(target.appendingPathComponent(name))
        }
    }

    /// Makes the folder `target` (the site's `folder`) hold exactly the files in `produced` under it: each file
    /// staged under `staged` is renamed into place, then every other file is removed, and folders left empty.
    /// The files not staged were found already right in `target` when they were written (`SiteWriter.refresh`).
    mutating func refresh(_ staged: URL, into target: URL, as folder: String, produced: Set<String>) throws {
        guard Self.kind(target) == .directory else {
            // Nothing was found right in the output, so everything was staged: put it in whole.
            if Self.kind(target) != nil { try discard(target) }
            if Self.kind(staged) != nil { try rename(staged, to: target) }
            return
        }
        for path in FileListing.regularFiles(under: staged.path, hidden: true) {
            try place(staged.path + "/" + path, at: target.path, path)
        }
        if try prune(target.path, as: folder, keeping: produced) { try discard(target) }
    }

    /// Renames `source` to `path` under `base`, making its folders (and moving aside what stands in their way).
    private mutating func place(_ source: String, at base: String, _ path: String) throws {
        var directory = base
        for component in path.split(separator: "/").dropLast() {
            directory += "/" + component
            switch Self.kind(URL(fileURLWithPath: directory)) {
            case .directory: continue
            case nil: break
            default: try discard(URL(fileURLWithPath: directory))
            }
            try SiteWriter.makeDirectory(directory)
            changed = true
        }
        let destination = URL(fileURLWithPath: base + "/" + path)
        if Self.kind(destination) == .directory { try discard(destination) }
        try rename(URL(fileURLWithPath: source), to: destination)
    }

    /// Removes everything under `path` (the site's `relative`) that is not in `produced`; returns whether the folder is left empty.
    private mutating func prune(_ path: String, as relative: String, keeping produced: Set<String>) throws -> Bool {
        var left = 0
        for name in try fileManager.contentsOfDirectory(atPath: path) {
            let child = path + "/" + name, site = relative + "/" + name
            if FileKind.at(child) == .directory {
                if try prune(child, as: site, keeping: produced) { try discard(URL(fileURLWithPath: child)) } else { left += 1 }
            } else if produced.contains(site) {
                left += 1
            } else {
                try discard(URL(fileURLWithPath: child))
            }
        }
        return left == 0
    }

    static func sameBytes(_ a: URL, _ b: URL) -> Bool {
        guard let first = try? Data(contentsOf: a), let second = try? Data(contentsOf: b) else { return false }
        return first == second
    }

    /// rename(2): atomic, and replaces a file already at `target`.
    mutating func rename(_ source: URL, to target: URL) throws {
        guard Foundation.rename(source.path, target.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path, "errno": errno])
        }
        changed = true
    }

    /// Moves an entry out of the output into the trash folder, which is deleted at the end.
    mutating func discard(_ url: URL) throws {
        if discarded == 0 {
            try? fileManager.removeItem(at: trash)
            try fileManager.createDirectory(at: trash, withIntermediateDirectories: true)
        }
        discarded += 1
        try rename(url, to: trash.appendingPathComponent(String(discarded)))
    }

    func emptyTrash() {
        if discarded > 0 { try? fileManager.removeItem(at: trash) }
    }
}
