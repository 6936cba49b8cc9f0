/// Raw read-only views of what a force kernel reads — coordinates, types and a built neighbor
/// list — taken once for the whole kernel instead of one `withUnsafeBufferPointer` per array.
public struct KernelViews {
    /// Positions, 3N flat (length units).
    public let positions: UnsafeBufferPointer<Double>
    /// Type of each atom.
    public let types: UnsafeBufferPointer<Int>
    /// Start of each atom's list entries, N+1 values.
    public let offsets: UnsafeBufferPointer<Int>
    /// Neighbor index of each entry.
    public let neighbors: UnsafeBufferPointer<Int32>
    /// Periodic-image shift of each entry, 3 per entry (length units).
    public let shifts: UnsafeBufferPointer<Double>
    /// End of each atom's zero-shift entries (empty when unknown; see ``NeighborList``).
    public let unshiftedEnd: UnsafeBufferPointer<Int>

    /// Calls `body` with views of `positions`, `types` and `list`, valid only inside it.
    @inlinable
    public static func with<R>(positions: [Double], types: [Int], list: NeighborList,
                               _ body: (KernelViews) throws -> R) rethrows -> R {
        try with(positions: positions, types: types, offsets: list.offsets, neighbors: list.neighbors,
                 shifts: list.shifts, unshiftedEnd: list.unshiftedEnd, body)
    }

    /// Calls `body` with views of the given arrays (a CSR list of one's own: `shifts` may be
    /// empty for explicit particles, `unshiftedEnd` empty when unknown), valid only inside it.
    @inlinable
    public static func with<R>(positions: [Double], types: [Int], offsets: [Int], neighbors: [Int32],
                               shifts: [Double], unshiftedEnd: [Int] = [],
                               _ body: (KernelViews) throws -> R) rethrows -> R {
        try positions.withUnsafeBufferPointer { x in
            try types.withUnsafeBufferPointer { t in
                try offsets.withUnsafeBufferPointer { o in
                    try neighbors.withUnsafeBufferPointer { n in
                        try shifts.withUnsafeBufferPointer { s in
                            try unshiftedEnd.withUnsafeBufferPointer { u in
                                try body(KernelViews(positions: x, types: t, offsets: o, neighbors: n, shifts: s, unshiftedEnd: u))
                            }
                        }
                    }
                }
            }
        }
    }

    @usableFromInline
    init(positions: UnsafeBufferPointer<Double>, types: UnsafeBufferPointer<Int>, offsets: UnsafeBufferPointer<Int>,
         neighbors: UnsafeBufferPointer<Int32>, shifts: UnsafeBufferPointer<Double>, unshiftedEnd: UnsafeBufferPointer<Int>) {
        self.positions = positions
        self.types = types
        self.offsets = offsets
        self.neighbors = neighbors
        self.shifts = shifts
        self.unshiftedEnd = unshiftedEnd
    }
}

/// Zero-initialised scratch doubles owned by a kernel for its duration (per-block partial sums):
/// one allocation, a raw view, freed by `deallocate()`.
@usableFromInline
func scratchDoubles(_ count: Int) -> UnsafeMutableBufferPointer<Double> {
    let b = UnsafeMutableBufferPointer<Double>.allocate(capacity: Swift.max(count, 1))
    b.initialize(repeating: 0)
    return b
}
