#if canImport(CMalloc) && os(Linux)
import CMalloc
#endif

/// glibc gives allocations over 128 KiB their own mmap and returns them on free, so every page's buffers
/// (a search index is a megabyte) were fresh zeroed pages from the kernel: a sixth of a build's system time.
/// Keeping freed memory in the heap instead costs a few MiB of peak memory.
enum MemoryTuning {
    static func apply() {
        #if canImport(CMalloc) && os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 64 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 256 << 20)
        #endif
    }
}
