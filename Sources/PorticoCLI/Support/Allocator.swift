#if canImport(CJemalloc) && os(Linux)
import CJemalloc
#endif

/// The portico binary links jemalloc statically (Package.swift): a build allocates and frees millions of small
/// strings, arrays and dictionaries on every core, and with jemalloc instead of glibc's malloc (tuned with
/// mallopt before) a full build of the benchmark corpus took 4 % less wall and CPU time (medians of 16 runs,
/// alternating ABBA, tmpfs output). Asking for its version also makes the linker take jemalloc's malloc into
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
