#if canImport(CJemalloc) && os(Linux)
import CJemalloc
#endif

/// The portico binary links jemalloc statically (Package.swift): a build allocates and frees millions of small
/// strings, arrays and dictionaries on every core, where jemalloc beat glibc's malloc (bench/RESULTS.md,
/// "Allocator"). Asking for its version also makes the linker take jemalloc's malloc into
/// the binary, which then serves every library.
enum Allocator {
    /// "jemalloc 5.3.0", or "system malloc" where jemalloc is not linked.
    static let name: String = {
        #if canImport(CJemalloc) && os(Linux)
        var version: UnsafePointer<CChar>?
        var size = MemoryLayout<UnsafePointer<CChar>?>.size
        if mallctl("version", &version, &size, nil, 0) == 0, let version {
            return "jemalloc " + String(cString: version).prefix { $0 != "-" }
        }
        #endif
        return "system malloc"
    }()
}
