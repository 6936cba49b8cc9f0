import Synchronization

private let atomisticsThreadSetting = Atomic<Int>(1)

/// The thread setting of Atomistics' force and neighbor loops, and the helper that splits a
/// loop over atoms into blocks.
///
/// Loops split 0..<n into `threads` contiguous blocks (the split depends only on n and the thread
/// count); per-thread partial sums (forces, energy, virial) are reduced afterwards in block order,
/// so a result is bit-for-bit deterministic for a given thread count.
public enum AtomisticsParallel {
    /// How many threads force and neighbor loops use (≥ 1; default 1): the task-local override
    /// when one is set, else the global setting. Set the global once, e.g. from `--threads` or
    /// `SYMMD_THREADS`.
    public static var threads: Int {
        get { threadOverride ?? atomisticsThreadSetting.load(ordering: .relaxed) }
        set { atomisticsThreadSetting.store(Swift.max(1, newValue), ordering: .relaxed) }
    }

    /// A thread count for the current task only (e.g. a test comparing 1 and 2 threads without
    /// touching the global): `AtomisticsParallel.$threadOverride.withValue(2) { … }`.
    @TaskLocal public static var threadOverride: Int? = nil

    /// Loops over fewer atoms than this run on one thread (the split would cost more).
    public static let minimumAtomsPerThread = 256

    /// How many blocks a loop over `n` atoms is split into with the current thread setting.
    @inlinable
    public static func blockCount(_ n: Int) -> Int {
        Swift.max(1, Swift.min(threads, n / minimumAtomsPerThread))
    }

    /// The `k`-th of `blocks` contiguous sub-ranges of 0..<n.
    @inlinable
    public static func block(_ k: Int, of blocks: Int, _ n: Int) -> Range<Int> {
        (n * k / blocks)..<(n * (k + 1) / blocks)
    }

    /// Calls `body(k, range)` for each of `blocks` blocks of 0..<n, concurrently when blocks > 1.
    /// Bodies must touch disjoint state (e.g. their own partial arrays, indexed by k).
    @inlinable
    public static func forEachBlock(_ n: Int, blocks: Int, _ body: (Int, Range<Int>) -> Void) {
        if blocks <= 1 {
            body(0, 0..<n)
            return
        }
        ConcurrentBlocks.run(blocks) { k in body(k, block(k, of: blocks, n)) }
    }
}
