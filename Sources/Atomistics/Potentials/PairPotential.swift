/// How a pair potential u(r) is cut off at r_c.
public enum PairTruncation: String, Sendable, Codable, CaseIterable {
    /// u(r) for r < r_c, 0 beyond: energy jumps at r_c (LAMMPS `lj/cut`, `pair_modify shift no`).
    case plain
    /// u(r) − u(r_c): energy continuous, force jumps at r_c (LAMMPS `pair_modify shift yes`).
    case shifted
    /// u(r) − u(r_c) − (r − r_c)·u'(r_c): energy and force both go to zero at r_c (LAMMPS
    /// `lj/smooth/linear`, the force-shifted potential). Use it for energy-conservation work.
    case forceShifted
}

/// One pair function: energy and −u'(r)/r from r² and the pair's block of a parameter table.
///
/// Every block starts with [r_c², r_c, energy shift u(r_c), u'(r_c)], then the function's own
/// parameters; the shared loop applies the cutoff and the truncation.
@usableFromInline
protocol PairFunction {
    /// Values per type pair in the table (the first four are the shared ones).
    static var stride: Int { get }
    /// Untruncated u(r) (energy) and F/r = −u'(r)/r (energy/length²) at r².
    static func evaluate(_ r2: Double, _ p: UnsafePointer<Double>) -> (energy: Double, fpair: Double)
    /// True when evaluating beyond the cutoff is cheap and finite (no library call), so the loop
    /// may evaluate every entry and select instead of branching on the cutoff.
    static var branchless: Bool { get }
}

extension PairFunction {
    @inlinable static var branchless: Bool { false }
}

/// A pair potential's parameter table: per ordered type pair (t_i·T + t_j), a block of
/// `F.stride` values.
@usableFromInline
struct PairTable<F: PairFunction>: Sendable {
    @usableFromInline let typeCount: Int
    @usableFromInline let values: [Double]
    /// Whether some block has a non-zero slope at r_c (the force-shifted truncation).
    @usableFromInline let forceShifted: Bool

    /// Fills the shared head of each block (r_c², r_c, shift, slope at r_c) from the function's
    /// own parameters, which `build` writes at offset 4 of each block.
    init(typeCount: Int, cutoffs: [Double], truncation: PairTruncation, build: (Int, Int, inout [Double]) -> Void) {
        self.typeCount = typeCount
        var v = [Double](repeating: 0, count: typeCount * typeCount * F.stride)
        for a in 0..<typeCount {
            for b in 0..<typeCount {
                let base = (a * typeCount + b) * F.stride
                var block = [Double](repeating: 0, count: F.stride)
                let rc = cutoffs[a * typeCount + b]
                block[0] = rc * rc
                block[1] = rc
                build(a, b, &block)
                let (uc, fc) = block.withUnsafeBufferPointer { F.evaluate(rc * rc, $0.baseAddress!) }
                switch truncation {
                case .plain: block[2] = 0; block[3] = 0
                case .shifted: block[2] = uc; block[3] = 0
                case .forceShifted: block[2] = uc; block[3] = -fc * rc  // u'(r_c) = −(F/r)·r_c
                }
                for k in 0..<F.stride { v[base + k] = block[k] }
            }
        }
        values = v
        forceShifted = (0..<(typeCount * typeCount)).contains { v[$0 * F.stride + 3] != 0 }
    }
}

/// The shared loop of every pair potential: half lists (each pair once, Newton's third law) or
/// full lists (each pair from both sides, halved), threads over blocks of atoms with per-thread
/// partial sums reduced in block order.
@usableFromInline
func computePairs<F: PairFunction>(_ table: PairTable<F>, name: String, maxCutoff: Double,
                                   system: System, neighbors: NeighborList,
                                   into result: inout ForceResult) throws {
    let n = system.count
    guard neighbors.atomCount == n, neighbors.isBuilt else {
        throw AtomisticsError.neighborListMismatch(expected: "a list built for \(n) atoms", found: neighbors.isBuilt ? "\(neighbors.atomCount) atoms" : "a list never built")
    }
    guard neighbors.listCutoff >= maxCutoff else {
        throw AtomisticsError.neighborListMismatch(expected: "a list cutoff ≥ \(maxCutoff) for \(name)", found: "\(neighbors.listCutoff)")
    }
    guard system.typeCount <= table.typeCount else {
        throw AtomisticsError.invalidParameter(name: "\(name) types", expected: "parameters for each of the system's \(system.typeCount) types", found: "\(table.typeCount)")
    }
    result.reset(atomCount: n)
    // Each combination is compiled apart: without the force shift the loop has no square root
    // (the compiler would otherwise compute it for every pair and select).
    // Per-atom energies and virials (output steps only) get their own compiled loop, so the energy
    // loop of every other step carries no per-pair branch for them.
    let perAtom = result.perAtomVirial != nil || result.perAtomEnergy != nil
    switch (result.forcesOnly && !perAtom, table.forceShifted, perAtom) {
    case (true, false, _): pairLoop(table, ForcesOnly.self, NoSlope.self, NoSlope.self, system: system, neighbors: neighbors, into: &result)
    case (true, true, _): pairLoop(table, ForcesOnly.self, WithSlope.self, NoSlope.self, system: system, neighbors: neighbors, into: &result)
    case (false, false, false): pairLoop(table, WithEnergy.self, NoSlope.self, NoSlope.self, system: system, neighbors: neighbors, into: &result)
    case (false, true, false): pairLoop(table, WithEnergy.self, WithSlope.self, NoSlope.self, system: system, neighbors: neighbors, into: &result)
    case (false, false, true): pairLoop(table, WithEnergy.self, NoSlope.self, WithSlope.self, system: system, neighbors: neighbors, into: &result)
    case (false, true, true): pairLoop(table, WithEnergy.self, WithSlope.self, WithSlope.self, system: system, neighbors: neighbors, into: &result)
    }
}

/// Whether a pair loop accumulates energy and virial (a type, so each loop is compiled apart).
@usableFromInline protocol EnergyMode { static var enabled: Bool { get } }
@usableFromInline enum WithEnergy: EnergyMode { @usableFromInline static var enabled: Bool { true } }
@usableFromInline enum ForcesOnly: EnergyMode { @usableFromInline static var enabled: Bool { false } }
/// Whether some pair has a force shift (a slope at r_c), as a type for the same reason.
@usableFromInline enum WithSlope: EnergyMode { @usableFromInline static var enabled: Bool { true } }
@usableFromInline enum NoSlope: EnergyMode { @usableFromInline static var enabled: Bool { false } }

@usableFromInline
func pairLoop<F: PairFunction, E: EnergyMode, S: EnergyMode, V: EnergyMode>(_ table: PairTable<F>, _ mode: E.Type, _ slope: S.Type,
                                                                         _ atomVirials: V.Type, system: System,
                                               neighbors: NeighborList, into result: inout ForceResult) {
    let n = system.count
    let full = neighbors.kind == .full
    let wantPerAtom = result.perAtomEnergy != nil
    let wantAtomVirial = result.perAtomVirial != nil
    let blocks = AtomisticsParallel.blockCount(n)
    // Per-block partial sums. Block 0 (and with a full list, which touches only atom i, every
    // block) writes straight into the result's arrays; blocks 1… of a half list into scratch.
    let scratchBlocks = full ? 0 : blocks - 1
    let en = scratchDoubles(blocks), vir = scratchDoubles(9 * blocks)
    let fs = scratchDoubles(3 * n * scratchBlocks), ps = scratchDoubles(wantPerAtom ? n * scratchBlocks : 0)
    let vs = scratchDoubles(wantAtomVirial ? 9 * n * scratchBlocks : 0)
    defer { en.deallocate(); vir.deallocate(); fs.deallocate(); ps.deallocate(); vs.deallocate() }
    var perAtom = result.perAtomEnergy ?? []
    var atomVirial = result.perAtomVirial ?? []
    let nt = table.typeCount, stride = F.stride
    let eScale = full ? 0.5 : 1.0

    result.forces.withUnsafeMutableBufferPointer { f0 in
    perAtom.withUnsafeMutableBufferPointer { pe0 in
    atomVirial.withUnsafeMutableBufferPointer { av0 in
    table.values.withUnsafeBufferPointer { tab in
    KernelViews.with(positions: system.positions, types: system.types, list: neighbors) { view in
        let x = view.positions, ty = view.types, off = view.offsets, nb = view.neighbors, sh = view.shifts
        let ue = view.unshiftedEnd
        let shared = UncheckedSendable((f0, pe0, fs, ps, en, vir, av0, vs))
        AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
            let (f0, pe0, fs, ps, en, vir, av0, vs) = shared.value
            let direct = k == 0 || full
            let f = direct ? f0.baseAddress! : fs.baseAddress! + 3 * n * (k - 1)
            let pe: UnsafeMutablePointer<Double>? = !wantPerAtom ? nil : (direct ? pe0.baseAddress! : ps.baseAddress! + n * (k - 1))
            let pv: UnsafeMutablePointer<Double>? = !wantAtomVirial ? nil : (direct ? av0.baseAddress! : vs.baseAddress! + 9 * n * (k - 1))
            var e = 0.0
            var w0 = 0.0, w1 = 0.0, w2 = 0.0, w4 = 0.0, w5 = 0.0, w8 = 0.0
            let tb = tab.baseAddress!
            // The pair function with its truncation: (u, F/r) within the pair's cutoff, nil beyond.
            // Without a force shift, for a cheap function (LJ), a pair beyond its cutoff (but within the list's) gets u = F/r = 0
            // by a select instead of a branch: which pairs are in is close to random, and the
            // mispredicted branch cost more than evaluating the function for every entry.
            @inline(__always) func interact(_ r2: Double, _ p: UnsafePointer<Double>) -> (u: Double, fpair: Double)? {
                if S.enabled || !F.branchless {
                    if r2 >= p[0] { return nil }
                    var (u, fpair) = F.evaluate(r2, p)
                    u -= p[2]
                    if p[3] != 0 {
                        let r = r2.squareRoot()
                        u -= (r - p[1]) * p[3]
                        fpair += p[3] / r
                    }
                    return (u, fpair)
                }
                let (u, fpair) = F.evaluate(r2, p)
                let inside = r2 < p[0]
                return (inside ? u - p[2] : 0, inside ? fpair : 0)
            }
            let split = ue.count == n
            for i in range {
                let i3 = 3 &* i
                let xi = x[i3], yi = x[i3 &+ 1], zi = x[i3 &+ 2]
                let row = tb + (nt == 1 ? 0 : ty[i] &* nt &* stride)
                var fxi = 0.0, fyi = 0.0, fzi = 0.0
                var ei = 0.0
                let begin = off[i], end = off[i &+ 1]
                // Entries with a zero shift first (no shift to read), then the shifted ones; the
                // same order either way, so the sums do not depend on the split being known.
                let mid = split ? ue[i] : begin
                var q = begin
                while q < end {
                    let j = Int(truncatingIfNeeded: nb[q])
                    let j3 = 3 &* j
                    let dx: Double, dy: Double, dz: Double
                    if q < mid {
                        dx = x[j3] - xi; dy = x[j3 &+ 1] - yi; dz = x[j3 &+ 2] - zi
                    } else {
                        let q3 = 3 &* q
                        dx = x[j3] + sh[q3] - xi
                        dy = x[j3 &+ 1] + sh[q3 &+ 1] - yi
                        dz = x[j3 &+ 2] + sh[q3 &+ 2] - zi
                    }
                    q &+= 1
                    let r2 = dx * dx + dy * dy + dz * dz
                    let p = nt == 1 ? row : row + ty[j] &* stride
                    guard let (u, fpair) = interact(r2, p) else { continue }
                    // Force on j is +fpair·r_ij, on i −fpair·r_ij; W += r_ij ⊗ f_j.
                    let gx = fpair * dx, gy = fpair * dy, gz = fpair * dz
                    fxi -= gx; fyi -= gy; fzi -= gz
                    if !full {
                        f[j3] += gx; f[j3 &+ 1] += gy; f[j3 &+ 2] += gz
                    }
                    if E.enabled {
                        ei += u
                        if V.enabled, !full, let pe { pe[j] += 0.5 * u }
                        w0 += dx * gx; w1 += dx * gy; w2 += dx * gz
                        w4 += dy * gy; w5 += dy * gz; w8 += dz * gz
                        if V.enabled, let pv {
                            // Half the pair's r ⊗ f to each atom (a full list visits the pair from both).
                            let hx = 0.5 * dx, hy = 0.5 * dy, hz = 0.5 * dz
                            @inline(__always) func add(_ v: UnsafeMutablePointer<Double>) {
                                v[0] += hx * gx; v[1] += hx * gy; v[2] += hx * gz
                                v[3] += hy * gx; v[4] += hy * gy; v[5] += hy * gz
                                v[6] += hz * gx; v[7] += hz * gy; v[8] += hz * gz
                            }
                            add(pv + 9 &* i)
                            if !full { add(pv + 9 &* j) }
                        }
                    }
                }
                f[i3] += fxi; f[i3 &+ 1] += fyi; f[i3 &+ 2] += fzi
                e += ei
                if V.enabled, let pe { pe[i] += 0.5 * ei }
            }
            en[k] = e * eScale
            let v = vir.baseAddress! + 9 * k
            v[0] = w0 * eScale; v[1] = w1 * eScale; v[2] = w2 * eScale
            v[3] = w1 * eScale; v[4] = w4 * eScale; v[5] = w5 * eScale
            v[6] = w2 * eScale; v[7] = w5 * eScale; v[8] = w8 * eScale
        }
    }}}}}
    // Reduce in block order.
    for k in 0..<blocks {
        result.energy += en[k]
        for c in 0..<9 { result.virial[c] += vir[9 * k + c] }
    }
    if scratchBlocks > 0 {
        result.forces.withUnsafeMutableBufferPointer { f in
            for k in 0..<scratchBlocks { for c in 0..<(3 * n) { f[c] += fs[3 * n * k + c] } }
        }
        if wantPerAtom {
            for k in 0..<scratchBlocks { for i in 0..<n { perAtom[i] += ps[n * k + i] } }
        }
        if wantAtomVirial {
            for k in 0..<scratchBlocks { for c in 0..<(9 * n) { atomVirial[c] += vs[9 * n * k + c] } }
        }
    }
    if wantPerAtom { result.perAtomEnergy = perAtom }
    if wantAtomVirial { result.perAtomVirial = atomVirial }
}
