import Dispatch

/// The one parallel-for of symmd: `count` bodies run concurrently (on the calling thread alone
/// when count ≤ 1). How work is split into blocks and how many threads to use stay with the
/// callers (Atomistics' atom blocks, NNCore's elementwise chunks); bodies must touch disjoint state.
public enum ConcurrentBlocks {
    /// Calls `body(k)` for k in 0..<count, concurrently when count > 1, and returns when all are done.
    @inlinable
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        withoutActuallyEscaping(body) { b in
            let box = UncheckedSendable(b)
            DispatchQueue.concurrentPerform(iterations: count) { k in box.value(k) }
        }
    }
}
