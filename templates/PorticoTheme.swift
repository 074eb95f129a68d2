import Foundation

/// The default theme's Mustache files, shipped with the binary so a portal's own
/// `--templates` folder only needs the files it overrides.
public enum PorticoTheme {
    public static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("theme")
    }
}
