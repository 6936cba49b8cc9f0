import CBLAS
import Synchronization

private let threadSetting = Atomic<Int>(1)

/// How many threads NNCore's own elementwise loops may use (BLAS threads are set separately,
/// with `openblas_set_num_threads` or `OPENBLAS_NUM_THREADS`). Default 1.
public enum Parallel {
    /// The thread count for large elementwise loops (≥ 1).
    public static var threads: Int {
        get { threadSetting.load(ordering: .relaxed) }
        set { threadSetting.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// Sets OpenBLAS's own thread count (its default, all cores, makes the small products of
    /// neural potentials spin in `sched_yield`; symmd's threads split the work instead).
    public static func setBLASThreads(_ n: Int) { openblas_set_num_threads(Int32(Swift.max(1, n))) }

    /// Loops shorter than this run on one thread (splitting costs more than it saves).
    public static let minimumParallelCount = 32_768

    /// Calls `body` on disjoint sub-ranges covering 0..<n, concurrently when worthwhile.
    @inlinable
    public static func forEachChunk(_ n: Int, _ body: (Range<Int>) -> Void) {
        let t = threads
        guard t > 1, n >= minimumParallelCount else {
            body(0..<n)
            return
        }
        // Chunks start at multiples of 8 so that the libmvec kernels (8 or 4 lanes, scalar
        // libm for the tail) split every array the same way at any thread count: results
        // do not change in the last bits when `threads` does.
        let chunk = ((n + t - 1) / t + 7) / 8 * 8
        // Chunks touch disjoint elements.
        ConcurrentBlocks.run(t) { k in
            let lo = k * chunk, hi = Swift.min(n, lo + chunk)
            if lo < hi { body(lo..<hi) }
        }
    }
}
