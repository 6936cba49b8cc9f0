import Atomistics
import CBLAS

/// Energy, forces and virial from the fused inference path.
public struct FusedEvaluation: Sendable {
    /// Total energy (eV).
    public var energy: Double
    /// Per-atom energies (eV).
    public var atomEnergies: [Double]
    /// Forces −∂E/∂x, 3N flat (eV/Å).
    public var forces: [Double]
    /// Virial −Σ r_ij ⊗ ∂E/∂r_ij, row-major 3×3 (eV).
    public var virial: [Double]
    /// Per-particle virials, 9 per particle row-major (eV), when asked for: each pair term
    /// −r_ij ⊗ ∂E_i/∂r_ij goes to the neighbor j (DeePMD-kit's atom_virial); they sum to `virial`.
    public var atomVirial: [Double]? = nil
}

extension DeepPotentialModel {
    /// Atoms processed together by one BLAS-batched pass of the fused path.
    static let fusedBatch = 32

    /// Energy, forces and virial by a hand-written forward and backward pass over the
    /// environment matrix (no tape): the MD path. Agrees with ``evaluateGraph(_:createGraph:)``
    /// to rounding. Atoms are split into `threads` contiguous blocks; partial forces are summed
    /// in block order, so results are deterministic for a given thread count.
    ///
    /// Energies are per centre (`env.atomCount`); forces (and per-particle virials with
    /// `atomVirial`) cover every particle of the structure (`env.systemAtomCount`), so ghost
    /// particles of explicit-particle environments receive theirs.
    ///
    /// Empty slots do not go through the embedding net row by row: their input is the same
    /// constant for every slot of a (centre type, neighbor type) block, so the net runs once on
    /// it and the slots enter T as a count; they carry no force.
    ///
    /// Steps 2–6 run in `precision` (the model's own by default; "mixed": float32 nets, tables and
    /// contractions, while rows, Jacobians, energy sums, forces and virial stay float64).
    public func evaluateFused(_ env: AtomEnvironments, threads: Int = AtomisticsParallel.threads,
                              atomVirial: Bool = false, precision: NetworkPrecision? = nil) -> FusedEvaluation {
        switch precision ?? self.precision {
        case .float64: evaluateFused(env, threads: threads, atomVirial: atomVirial, in: Double.self, geometry: Double.self)
        case .mixed: evaluateFused(env, threads: threads, atomVirial: atomVirial, in: Float.self, geometry: Double.self)
        case .float32: evaluateFused(env, threads: threads, atomVirial: atomVirial, in: Float.self, geometry: Float.self)
        }
    }

    /// The fused pass with steps 2–6 of ``FusedBatch`` in `E`.
    func evaluateFused<E: FusedScalar, R: FusedScalar>(_ env: AtomEnvironments, threads: Int, atomVirial: Bool, in _: E.Type,
                                                       geometry _: R.Type) -> FusedEvaluation {
        let n = env.atomCount, nAll = env.systemAtomCount
        let embNets = embeddings.map { FusedNet<E>($0) }
        let fitNets = fittings.map { FusedNet<E>($0) }
        let blocks = Swift.max(1, Swift.min(threads, n / 8))
        var partForces = [[Double]](repeating: [], count: blocks)
        var partVirial = [[Double]](repeating: [Double](repeating: 0, count: 9), count: blocks)
        var partAtomVirial = [[Double]](repeating: [], count: blocks)
        var atomE = [Double](repeating: 0, count: n)
        partForces.withUnsafeMutableBufferPointer { pf in
            partVirial.withUnsafeMutableBufferPointer { pv in
                atomE.withUnsafeMutableBufferPointer { ae in
                    partAtomVirial.withUnsafeMutableBufferPointer { pav in
                    let pfBox = UncheckedSendable(pf), pvBox = UncheckedSendable(pv), aeBox = UncheckedSendable(ae)
                    let pavBox = UncheckedSendable(pav)
                    AtomisticsParallel.forEachBlock(n, blocks: blocks) { b, range in
                        let work = FusedWorkspace<E, R>(atomCount: nAll, neighborTypes: env.sel.count, atomVirial: atomVirial)
                        for c in 0..<spec.typeCount {
                            let atoms = range.filter { env.types[$0] == c }
                            var start = 0
                            while start < atoms.count {
                                let batch = atoms[start..<Swift.min(atoms.count, start + Self.fusedBatch)]
                                fusedBatch(env, centerType: c, atoms: batch, embNets: embNets, fitNet: fitNets[c],
                                           work: work, atomEnergies: aeBox.value)
                                start += Self.fusedBatch
                            }
                        }
                        pfBox.value[b] = work.forces
                        pvBox.value[b] = work.virial
                        pavBox.value[b] = work.atomVirial
                    }
                    }
                }
            }
        }
        var forces = partForces[0]
        var virial = partVirial[0]
        var atomVirials = partAtomVirial[0]
        for b in 1..<blocks {
            for k in 0..<(3 * nAll) { forces[k] += partForces[b][k] }
            for k in 0..<9 { virial[k] += partVirial[b][k] }
            for k in atomVirials.indices { atomVirials[k] += partAtomVirial[b][k] }
        }
        return FusedEvaluation(energy: atomE.reduce(0, +), atomEnergies: atomE, forces: forces, virial: virial,
                               atomVirial: atomVirial ? atomVirials : nil)
    }

    /// One batch of atoms of centre type `c`: the steps of DESIGN.md §4 forward, then back to the
    /// displacements; forces and virial accumulated into `work`, atomic energies written into
    /// `atomEnergies`.
    func fusedBatch<E: FusedScalar, R: FusedScalar>(_ env: AtomEnvironments, centerType c: Int, atoms: ArraySlice<Int>, embNets: [FusedNet<E>],
                                    fitNet: FusedNet<E>, work: FusedWorkspace<E, R>, atomEnergies: UnsafeMutableBufferPointer<Double>) {
        let batch = FusedBatch(model: self, env: env, centerType: c, atoms: atoms, work: work)
        batch.environmentRows()
        batch.embedAndContract(embNets)
        batch.descriptors()
        batch.fitEnergies(fitNet, into: atomEnergies)
        batch.gradientOfT()
        batch.backToRows(embNets)
        batch.forcesAndVirial()
    }
}

/// Buffers reused across the batches of one thread of the fused path (they only grow): float64
/// for the rows, Jacobians, forces and virial; `E` for what steps 2–6 compute.
final class FusedWorkspace<E: FusedScalar, R: FusedScalar> {
    var forces: [Double]
    var virial = [Double](repeating: 0, count: 9)
    /// Per-particle virials (9 per particle) when asked for, else empty.
    var atomVirial: [Double]
    var rn = ScratchBuffer<R>(), drn = ScratchBuffer<R>(), jac = ScratchBuffer<R>()
    /// Per neighbor type: the filled slots' places, each atom's first row, their normalised rows.
    var rowSlot: [[Int]], rowStart: [[Int]], rc: [ScratchBuffer<E>]
    var x0 = ScratchBuffer<E>(), dx0 = ScratchBuffer<E>(), dG = ScratchBuffer<E>(), drc = ScratchBuffer<E>()
    var tmat = ScratchBuffer<E>(), desc = ScratchBuffer<E>(), dDesc = ScratchBuffer<E>(), dT = ScratchBuffer<E>()
    var ones = ScratchBuffer<E>()
    var embActs: [[ScratchBuffer<E>]], embOuts: [[ScratchBuffer<E>]]
    var emptyActs: [ScratchBuffer<E>] = [], emptyOuts: [ScratchBuffer<E>] = []
    var fitActs: [ScratchBuffer<E>] = [], fitOuts: [ScratchBuffer<E>] = []
    var dz = ScratchBuffer<E>(), ping = ScratchBuffer<E>(), pong = ScratchBuffer<E>()
    /// Compressed embedding: per neighbor type g and dg/ds of the filled rows; g and dg/ds of the empty input.
    var tabG: [ScratchBuffer<E>], tabD: [ScratchBuffer<E>], tabE = ScratchBuffer<E>()

    init(atomCount n: Int, neighborTypes ntb: Int, atomVirial: Bool = false) {
        self.atomVirial = atomVirial ? [Double](repeating: 0, count: 9 * n) : []
        tabG = [ScratchBuffer<E>](repeating: ScratchBuffer<E>(), count: ntb)
        tabD = [ScratchBuffer<E>](repeating: ScratchBuffer<E>(), count: ntb)
        forces = [Double](repeating: 0, count: 3 * n)
        rowSlot = [[Int]](repeating: [], count: ntb)
        rowStart = [[Int]](repeating: [], count: ntb)
        rc = [ScratchBuffer<E>](repeating: ScratchBuffer<E>(), count: ntb)
        embActs = [[ScratchBuffer<E>]](repeating: [], count: ntb)
        embOuts = [[ScratchBuffer<E>]](repeating: [], count: ntb)
    }

    deinit {
        for k in rc.indices { rc[k].free(); tabG[k].free(); tabD[k].free() }
        tabE.free()
        for k in embActs.indices {
            for l in embActs[k].indices { embActs[k][l].free() }
            for l in embOuts[k].indices { embOuts[k][l].free() }
        }
        for l in emptyActs.indices { emptyActs[l].free() }
        for l in emptyOuts.indices { emptyOuts[l].free() }
        for l in fitActs.indices { fitActs[l].free() }
        for l in fitOuts.indices { fitOuts[l].free() }
        rn.free(); drn.free(); jac.free(); x0.free(); dx0.free(); dG.free(); drc.free()
        tmat.free(); desc.free(); dDesc.free(); dT.free(); ones.free(); dz.free(); ping.free(); pong.free()
    }
}
