import Foundation

/// The processes one job runs on: MPI ranks under `mpirun`, or this process alone. Training and the
/// frame-splitting commands talk to their peers only through these collectives, so the libraries
/// never import MPI (the `symmd` executable brings `SymmdMPI`'s implementation).
public protocol ProcessGroup: AnyObject, Sendable {
    /// This process's index, 0 ..< size.
    var rank: Int { get }
    /// How many processes the job has.
    var size: Int { get }
    /// Replaces `values` on every rank by the element-wise sum over the ranks, added in one fixed
    /// order, so every rank gets the same bits and a rerun the same result.
    func allReduceSum(_ values: inout [Double])
    /// Rank 0 receives every rank's bytes, in rank order; the other ranks receive [].
    func gather(_ bytes: [UInt8]) -> [[UInt8]]
    /// Stops every process of the job with exit status `code` (after this rank printed why).
    func abort(code: Int32) -> Never
}

extension ProcessGroup {
    /// Whether this is rank 0, the one that prints and writes files.
    public var isRoot: Bool { rank == 0 }

    /// The half-open range of `count` items (frames, say) this rank takes when they are split into
    /// `size` contiguous blocks whose lengths differ by at most one; concatenating the blocks in rank
    /// order gives back 0 ..< count.
    public func share(of count: Int) -> Range<Int> {
        (count * rank / size)..<(count * (rank + 1) / size)
    }

    /// Rank 0 receives every rank's doubles concatenated in rank order; the other ranks receive [].
    public func gatherDoubles(_ values: [Double]) -> [Double] {
        let bytes = values.withUnsafeBytes { Array($0) }
        return gather(bytes).flatMap { part in
            part.withUnsafeBytes { raw in (0..<(raw.count / 8)).map { raw.loadUnaligned(fromByteOffset: 8 * $0, as: Double.self) } }
        }
    }
}

/// The job is this process alone: every collective is the identity.
public final class SingleProcess: ProcessGroup {
    /// The one shared instance.
    public static let shared = SingleProcess()
    /// Always 0.
    public var rank: Int { 0 }
    /// Always 1.
    public var size: Int { 1 }
    /// Leaves `values` as they are.
    public func allReduceSum(_ values: inout [Double]) {}
    /// Returns `[bytes]`.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]] { [bytes] }
    /// Exits with `code`.
    public func abort(code: Int32) -> Never { exit(code) }
}
