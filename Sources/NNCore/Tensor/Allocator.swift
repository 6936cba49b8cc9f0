import CVecMath

/// Process-wide memory-allocator tuning for tensor workloads.
public enum Allocator {
    /// Keeps freed tensor buffers in the heap instead of returning them to the kernel after
    /// every operation (glibc trims the heap top and maps large blocks afresh by default, which
    /// costs a page fault per 4 KiB on each reuse). Call once at program start; executables
    /// do, a library never should on its own.
    public static func tuneForTensors() { symmd_tune_malloc() }
}
