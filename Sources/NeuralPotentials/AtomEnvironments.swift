import Atomistics

/// One atom whose neighbors of one type exceeded the capacity `sel`.
public struct SelOverflow: Sendable, Equatable {
    /// The centre atom (index in the structure).
    public var atom: Int
    /// The neighbor type (model type index) that overflowed.
    public var neighborType: Int
    /// Neighbors of that type found within r_c.
    public var count: Int
}

/// The cutoff neighborhoods of every atom, laid out in DeePMD-kit's fixed slots.
///
/// Atom i owns `slotCount` = Σ sel slots; slots are grouped in blocks by neighbor type (block t
/// starts at `blockStart[t]` and holds `sel[t]` slots), filled nearest first; unused slots are
/// empty (`neighbor` = −1, zero displacement). Every periodic image within r_c counts. Neighbors
/// beyond a block's capacity are dropped (the farthest first) and listed in `overflows`.
public struct AtomEnvironments: Sendable {
    /// Number of centre atoms.
    public private(set) var atomCount: Int
    /// Capacity per neighbor type.
    public let sel: [Int]
    /// First slot of each neighbor-type block.
    public let blockStart: [Int]
    /// Slots per atom (Σ sel).
    public let slotCount: Int
    /// Model type of each centre atom.
    public private(set) var types: [Int]
    /// Neighbor atom of each slot (atomCount × slotCount), −1 for an empty slot.
    public var neighbor: [Int32]
    /// r_ij = x_j + shift − x_i of each slot (atomCount × slotCount × 3, Å); zero when empty.
    public var displacement: [Double]
    /// Largest number of neighbors of each type seen around any atom (before truncation).
    public var maxNeighbors: [Int]
    /// Atoms whose neighbors exceeded `sel` (their farthest neighbors were dropped).
    public var overflows: [SelOverflow]
    /// Index in the structure of this set's first centre atom (non-zero for a ``subset(_:)``).
    public private(set) var firstAtom = 0
    /// Atoms in the whole structure (neighbor indices and forces refer to it).
    public private(set) var systemAtomCount: Int
    /// The particle of each centre when centres are chosen particles (explicit-particle
    /// environments); nil when centre i is atom `firstAtom + i`.
    public private(set) var centerParticles: [Int32]? = nil

    /// The structure index of centre atom `i` (its row in forces).
    @inlinable public func particle(_ i: Int) -> Int {
        if let c = centerParticles { return Int(c[i]) }
        return firstAtom + i
    }

    /// The environments of centre atoms `range` only (neighbor indices still refer to the whole
    /// structure): the unit of work when one frame's energy is split over threads.
    public func subset(_ range: Range<Int>) -> AtomEnvironments {
        var out = self
        out.firstAtom = firstAtom + range.lowerBound
        out.atomCount = range.count
        out.types = Array(types[range])
        if let c = centerParticles {
            out.centerParticles = Array(c[range])
        }
        out.neighbor = Array(neighbor[(range.lowerBound * slotCount)..<(range.upperBound * slotCount)])
        out.displacement = Array(displacement[(3 * range.lowerBound * slotCount)..<(3 * range.upperBound * slotCount)])
        if let c = centerParticles {
            let kept = Set(c[range].map(Int.init))
            out.overflows = overflows.filter { kept.contains($0.atom) }
        } else {
            out.overflows = overflows.filter { range.contains($0.atom - firstAtom) }
        }
        return out
    }

    /// The slot index of atom i's slot k in the flat arrays.
    @inlinable public func slot(_ i: Int, _ k: Int) -> Int { i * slotCount + k }

    /// Environments within `rcut` (Å) from a full neighbor list of `positions` (Å, 3N flat).
    ///
    /// - Parameters:
    ///   - types: model type of each atom (0 ..< sel.count).
    ///   - neighbors: a full list built for a cutoff ≥ rcut (skin allowed).
    public init(positions: [Double], types: [Int], neighbors list: NeighborList, rcut: Double,
                sel: [Int]) throws(NeuralPotentialError) {
        guard list.kind == .full else {
            throw .neighborList("a neural potential needs a full neighbor list, got a half list")
        }
        guard list.listCutoff >= rcut - 1e-12 else {
            throw .neighborList("built for \(list.listCutoff) Å, shorter than the model's rcut \(rcut) Å")
        }
        let n = types.count
        guard list.atomCount == n, positions.count == 3 * n else {
            throw .neighborList("built for \(list.atomCount) atoms, structure has \(n)")
        }
        self.init(positions: positions, types: types, centers: nil, offsets: list.offsets,
                  neighbors: list.neighbors, shifts: list.shifts, rcut: rcut, sel: sel)
    }

    /// Environments of chosen centre particles from explicit particles (owned and ghost, as a
    /// simulator holds them) and a full list of each centre's neighbors; no periodic shifts: a
    /// neighbor's displacement is `x_j − x_i`. Neighbors farther than `rcut` (Å) are skipped, so
    /// the lists may include a skin.
    ///
    /// - Parameters:
    ///   - positions: 3P flat (Å), P = `types.count` particles.
    ///   - types: model type of every particle (0 ..< sel.count).
    ///   - centers: the particles whose environments are built (the energy-contributing ones).
    ///   - offsets, neighbors: CSR list, centre k's neighbors are `neighbors[offsets[k]..<offsets[k+1]]`
    ///     (particle indices, already checked to be in range by the caller).
    public init(particles positions: [Double], types: [Int], centers: [Int32], offsets: [Int],
                neighbors: [Int32], rcut: Double, sel: [Int]) {
        self.init(positions: positions, types: types, centers: centers, offsets: offsets,
                  neighbors: neighbors, shifts: nil, rcut: rcut, sel: sel)
    }

    /// The one filler behind both public initialisers: centre k is particle `centers[k]` (or k),
    /// its list entries `offsets[k]..<offsets[k+1]`, each with an optional periodic shift.
    private init(positions: [Double], types: [Int], centers: [Int32]?, offsets: [Int], neighbors js: [Int32],
                 shifts: [Double]?, rcut: Double, sel: [Int]) {
        let n = centers?.count ?? types.count
        let ntypes = sel.count
        var starts = [Int](repeating: 0, count: ntypes + 1)
        for t in 0..<ntypes { starts[t + 1] = starts[t] + sel[t] }
        let nnei = starts[ntypes]
        atomCount = n
        systemAtomCount = types.count
        centerParticles = centers
        self.sel = sel
        blockStart = starts
        slotCount = nnei
        self.types = centers.map { $0.map { types[Int($0)] } } ?? types
        var nb = [Int32](repeating: -1, count: n * nnei)
        var disp = [Double](repeating: 0, count: n * nnei * 3)
        let blocks = AtomisticsParallel.blockCount(n)
        var partMax = [[Int]](repeating: [Int](repeating: 0, count: ntypes), count: blocks)
        var partOverflow = [[SelOverflow]](repeating: [], count: blocks)
        let rc2 = rcut * rcut
        let noShift = [Double](repeating: 0, count: 3)
        let shiftArray = shifts ?? noShift
        let shiftStride = shifts == nil ? 0 : 1
        let noCenters: [Int32] = []
        let centerArray = centers ?? noCenters
        let mapped = centers != nil
        // Explicit particles: a caller's list may name the centre itself; a periodic list names only
        // its images (non-zero shift), which are real neighbors.
        let skipSelf = shifts == nil
        // Every raw view the fill needs, taken together once.
        nb.withUnsafeMutableBufferPointer { nbp in
        disp.withUnsafeMutableBufferPointer { dp in
        partMax.withUnsafeMutableBufferPointer { pm in
        partOverflow.withUnsafeMutableBufferPointer { po in
        centerArray.withUnsafeBufferPointer { ctr in
        KernelViews.with(positions: positions, types: types, offsets: offsets, neighbors: js, shifts: shiftArray) { view in
            let x = view.positions, ty = view.types, off = view.offsets, js = view.neighbors, sh = view.shifts
            // Blocks write disjoint slots of the outputs and their own partial results.
            let outputs = UncheckedSendable((nbp, dp, pm, po))
            AtomisticsParallel.forEachBlock(n, blocks: blocks) { b, range in
                let (neighborOut, displacementOut, maxParts, overflowParts) = outputs.value
                var found = [[(r2: Double, e: Int)]](repeating: [], count: ntypes)
                var maxSeen = [Int](repeating: 0, count: ntypes)
                var over: [SelOverflow] = []
                for i in range {
                    for t in 0..<ntypes { found[t].removeAll(keepingCapacity: true) }
                    let p = mapped ? Int(ctr[i]) : i
                    let xi = x[3 * p], yi = x[3 * p + 1], zi = x[3 * p + 2]
                    for e in off[i]..<off[i + 1] {
                        let j = Int(js[e]), s = 3 * e * shiftStride
                        let dx = x[3 * j] + sh[s] - xi
                        let dy = x[3 * j + 1] + sh[s + shiftStride] - yi
                        let dz = x[3 * j + 2] + sh[s + 2 * shiftStride] - zi
                        let r2 = dx * dx + dy * dy + dz * dz
                        if r2 < rc2 && !(skipSelf && j == p) { found[ty[j]].append((r2, e)) }
                    }
                    for t in 0..<ntypes {
                        let c = found[t].count
                        if c > maxSeen[t] { maxSeen[t] = c }
                        if c > sel[t] { over.append(SelOverflow(atom: p, neighborType: t, count: c)) }
                        found[t].sort { $0.r2 < $1.r2 || ($0.r2 == $1.r2 && $0.e < $1.e) }
                        var k = i * nnei + starts[t]
                        for (_, e) in found[t].prefix(sel[t]) {
                            let j = Int(js[e]), s = 3 * e * shiftStride
                            neighborOut[k] = Int32(j)
                            displacementOut[3 * k] = x[3 * j] + sh[s] - xi
                            displacementOut[3 * k + 1] = x[3 * j + 1] + sh[s + shiftStride] - yi
                            displacementOut[3 * k + 2] = x[3 * j + 2] + sh[s + 2 * shiftStride] - zi
                            k += 1
                        }
                    }
                }
                maxParts[b] = maxSeen
                overflowParts[b] = over
            }
        }}}}}}
        neighbor = nb
        displacement = disp
        maxNeighbors = (0..<ntypes).map { t in partMax.map { $0[t] }.max() ?? 0 }
        overflows = partOverflow.flatMap { $0 }
    }

    /// Environments of a structure, building a full neighbor list for `rcut` (Å) first.
    public init(system: System, types: [Int], rcut: Double, sel: [Int]) throws {
        var list = try NeighborList(cutoff: rcut, skin: 0, kind: .full, minimumDistance: 0)
        try list.build(system)
        try self.init(positions: system.positions, types: types, neighbors: list, rcut: rcut, sel: sel)
    }
}
