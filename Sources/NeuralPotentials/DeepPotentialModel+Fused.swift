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
    public func evaluateFused(_ env: AtomEnvironments, threads: Int = AtomisticsParallel.threads,
                              atomVirial: Bool = false) -> FusedEvaluation {
        let n = env.atomCount, nAll = env.systemAtomCount
        let embNets = embeddings.map(FusedNet.init)
        let fitNets = fittings.map(FusedNet.init)
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
                        let work = FusedWorkspace(atomCount: nAll, neighborTypes: env.sel.count, atomVirial: atomVirial)
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

    /// One batch of atoms of centre type `c`: forward, backward, forces and virial accumulated
    /// into `work`, atomic energies written into `atomEnergies`.
    func fusedBatch(_ env: AtomEnvironments, centerType c: Int, atoms: ArraySlice<Int>, embNets: [FusedNet],
                    fitNet: FusedNet, work: FusedWorkspace, atomEnergies: UnsafeMutableBufferPointer<Double>) {
        let B = atoms.count
        let nnei = env.slotCount, nt = spec.typeCount, ntb = env.sel.count
        let ds = spec.descriptor
        let M = ds.embeddingWidth, Mp = ds.axisNeuron
        let seA = ds.kind == .seE2A
        let invNc = 1 / Double(nnei)
        let sw = smoothSwitch
        let dlen = ds.descriptorLength
        let mean = statistics.mean, stdR = statistics.stdRadial, stdA = statistics.stdAngular
        // Environment matrix (normalised) and Jacobians of the raw rows of the filled slots; for
        // each neighbor type, the filled slots of the batch as consecutive rows (`rowSlot`: their
        // place bi·nnei + k, `rowStart`: each atom's first row) with their normalised rows `rc`.
        let rn = work.rn.ensure(B * nnei * 4), jac = work.jac.ensure(B * nnei * 12)
        let drn = work.drn.ensure(B * nnei * 4)
        env.neighbor.withUnsafeBufferPointer { nb in
            env.displacement.withUnsafeBufferPointer { dsp in
                for t in 0..<ntb {
                    let bIdx = c * nt + t
                    let mu = mean[bIdx], isr = 1 / stdR[bIdx], isa = 1 / stdA[bIdx]
                    let s0 = env.blockStart[t], st = env.sel[t]
                    work.rowSlot[t].removeAll(keepingCapacity: true)
                    work.rowStart[t].removeAll(keepingCapacity: true)
                    for (bi, i) in atoms.enumerated() {
                        work.rowStart[t].append(work.rowSlot[t].count)
                        for k in s0..<(s0 + st) {
                            let sl = i * nnei + k
                            guard nb[sl] >= 0 else { continue }
                            let o = bi * nnei + k
                            let row = EnvironmentMatrix.rowAndJacobian(dsp[3 * sl], dsp[3 * sl + 1], dsp[3 * sl + 2],
                                                                       switch: sw, jacobian: jac + 12 * o)
                            rn[4 * o] = (row.0 - mu) * isr
                            rn[4 * o + 1] = row.1 * isa
                            rn[4 * o + 2] = row.2 * isa
                            rn[4 * o + 3] = row.3 * isa
                            work.rowSlot[t].append(o)
                        }
                    }
                    work.rowStart[t].append(work.rowSlot[t].count)
                    let R = work.rowSlot[t].count
                    let rc = work.rc[t].ensure(4 * R)
                    work.rowSlot[t].withUnsafeBufferPointer { rs in
                        for r in 0..<R {
                            let o = rs[r]
                            rc[4 * r] = rn[4 * o]; rc[4 * r + 1] = rn[4 * o + 1]
                            rc[4 * r + 2] = rn[4 * o + 2]; rc[4 * r + 3] = rn[4 * o + 3]
                        }
                    }
                }
            }
        }
        // Embedding nets per neighbor type on the filled rows, once on the empty-slot input, and
        // the deep-set sums T = R̃ᵀG/N_c (se_e2_a) or D = ΣG/N_c (se_e2_r).
        let tmat = work.tmat.ensure(seA ? B * 4 * M : 1)
        let desc = work.desc.ensure(B * dlen)
        if seA { tmat.update(repeating: 0, count: B * 4 * M) } else { desc.update(repeating: 0, count: B * dlen) }
        for t in 0..<ntb where env.sel[t] > 0 {
            let st = env.sel[t]
            let net = embNets[ds.typeOneSide ? t : c * nt + t]
            let R = work.rowSlot[t].count
            let rc = work.rc[t].ensure(4 * R)
            let x0 = work.x0.ensure(R)
            for r in 0..<R { x0[r] = rc[4 * r] }
            var xEmpty = (0 - mean[c * nt + t]) / stdR[c * nt + t]
            let g: UnsafeMutablePointer<Double>, gE: UnsafeMutablePointer<Double>
            if let table = compression?.tables[ds.typeOneSide ? t : c * nt + t] {
                // Compressed: g and dg/ds from the quintic table (dg/ds kept for the backward pass).
                g = work.tabG[t].ensure(max(1, R) * M)
                let dg = work.tabD[t].ensure(max(1, R) * M)
                if R > 0 { table.evaluate(x0, count: R, g: g, dg: dg) }
                gE = work.tabE.ensure(2 * M)
                table.evaluate(&xEmpty, count: 1, g: gE, dg: gE + M)
            } else {
                g = R > 0 ? net.forward(x0, rows: R, acts: &work.embActs[t], outs: &work.embOuts[t]) : x0
                gE = net.forward(&xEmpty, rows: 1, acts: &work.emptyActs, outs: &work.emptyOuts)
            }
            work.rowStart[t].withUnsafeBufferPointer { rs in
                for bi in 0..<B {
                    let r0 = rs[bi], nf = rs[bi + 1] - rs[bi], ne = st - nf
                    if seA {
                        let T = tmat + bi * 4 * M
                        if nf > 0 {
                            cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 4, Int32(M), Int32(nf), invNc,
                                        rc + 4 * r0, 4, g + r0 * M, Int32(M), 1, T, Int32(M))
                        }
                        if ne > 0 {
                            // An empty slot's row is (x_empty, 0, 0, 0).
                            let f = invNc * Double(ne) * xEmpty
                            for a in 0..<M { T[a] += f * gE[a] }
                        }
                    } else {
                        let D = desc + bi * M
                        for r in r0..<(r0 + nf) {
                            let gr = g + r * M
                            for a in 0..<M { D[a] += gr[a] * invNc }
                        }
                        if ne > 0 {
                            let f = invNc * Double(ne)
                            for a in 0..<M { D[a] += f * gE[a] }
                        }
                    }
                }
            }
        }
        if seA {
            for bi in 0..<B {
                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(Mp), 4, 1,
                            tmat + bi * 4 * M, Int32(M), tmat + bi * 4 * M, Int32(M),
                            0, desc + bi * M * Mp, Int32(Mp))
            }
        }
        // Fitting net: atomic energies, then ∂E/∂D.
        let e = fitNet.forward(desc, rows: B, acts: &work.fitActs, outs: &work.fitOuts)
        for (bi, i) in atoms.enumerated() { atomEnergies[i] = e[bi] + energyBias[c] }
        let ones = work.ones.ensure(B)
        ones.update(repeating: 1, count: B)
        let dDesc = work.dDesc.ensure(B * dlen)
        fitNet.backward(gradOut: ones, rows: B, acts: work.fitActs, gradIn: dDesc, dz: &work.dz,
                        ping: &work.ping, pong: &work.pong)
        // ∂E/∂T (se_e2_a).
        let dT = work.dT.ensure(seA ? B * 4 * M : 1)
        if seA {
            for bi in 0..<B {
                let T = tmat + bi * 4 * M, dD = dDesc + bi * M * Mp
                let out = dT + bi * 4 * M
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 4, Int32(M), Int32(Mp), 1,
                            T, Int32(M), dD, Int32(Mp), 0, out, Int32(M))
                cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, Int32(Mp), Int32(M), 1,
                            T, Int32(M), dD, Int32(Mp), 1, out, Int32(M))
            }
        }
        // Back through the deep-set sums and the embedding nets to ∂E/∂R̃ (normalised) of the
        // filled slots (empty ones do not move).
        for t in 0..<ntb where env.sel[t] > 0 {
            let R = work.rowSlot[t].count
            guard R > 0 else { continue }
            let net = embNets[ds.typeOneSide ? t : c * nt + t]
            let table = compression?.tables[ds.typeOneSide ? t : c * nt + t]
            let g = table != nil ? work.tabG[t].base! : net.output(net.layers.count - 1, acts: work.embActs[t], outs: work.embOuts[t])
            let dG = work.dG.ensure(R * M), drc = work.drc.ensure(4 * R), dx0 = work.dx0.ensure(R)
            let rc = work.rc[t].base!
            work.rowStart[t].withUnsafeBufferPointer { rs in
                for bi in 0..<B {
                    let r0 = rs[bi], nf = rs[bi + 1] - rs[bi]
                    guard nf > 0 else { continue }
                    if seA {
                        let dTb = dT + bi * 4 * M
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(nf), Int32(M), 4, invNc,
                                    rc + 4 * r0, 4, dTb, Int32(M), 0, dG + r0 * M, Int32(M))
                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(nf), 4, Int32(M), invNc,
                                    g + r0 * M, Int32(M), dTb, Int32(M), 0, drc + 4 * r0, 4)
                    } else {
                        let dD = dDesc + bi * M
                        for r in r0..<(r0 + nf) {
                            for a in 0..<M { dG[r * M + a] = dD[a] * invNc }
                        }
                    }
                }
            }
            if table != nil {
                let dg = work.tabD[t].base!
                for r in 0..<R {
                    var acc = 0.0
                    for a in 0..<M { acc += dG[r * M + a] * dg[r * M + a] }
                    dx0[r] = acc
                }
            } else {
                net.backward(gradOut: dG, rows: R, acts: work.embActs[t], gradIn: dx0, dz: &work.dz,
                             ping: &work.ping, pong: &work.pong)
            }
            work.rowSlot[t].withUnsafeBufferPointer { rs in
                for r in 0..<R {
                    let o = rs[r]
                    if seA {
                        drn[4 * o] = drc[4 * r] + dx0[r]
                        drn[4 * o + 1] = drc[4 * r + 1]
                        drn[4 * o + 2] = drc[4 * r + 2]
                        drn[4 * o + 3] = drc[4 * r + 3]
                    } else {
                        drn[4 * o] = dx0[r]
                        drn[4 * o + 1] = 0
                        drn[4 * o + 2] = 0
                        drn[4 * o + 3] = 0
                    }
                }
            }
        }
        // Chain to r_ij: forces on centre and neighbor, virial (filled slots only).
        var v = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        let perAtomVirial = !work.atomVirial.isEmpty
        work.atomVirial.withUnsafeMutableBufferPointer { AV in
        work.forces.withUnsafeMutableBufferPointer { F in
            env.neighbor.withUnsafeBufferPointer { nb in
                env.displacement.withUnsafeBufferPointer { dsp in
                    for (bi, i) in atoms.enumerated() {
                        let p = env.particle(i)
                        for t in 0..<ntb {
                            let bIdx = c * nt + t
                            let isr = 1 / stdR[bIdx], isa = 1 / stdA[bIdx]
                            for k in env.blockStart[t]..<env.blockStart[t + 1] {
                                let sl = i * nnei + k
                                let j = Int(nb[sl])
                                guard j >= 0 else { continue }
                                let o = bi * nnei + k
                                let J = jac + 12 * o, dr = drn + 4 * o
                                let d0 = dr[0] * isr, d1 = dr[1] * isa, d2 = dr[2] * isa, d3 = dr[3] * isa
                                let g0 = d0 * J[0] + d1 * J[3] + d2 * J[6] + d3 * J[9]
                                let g1 = d0 * J[1] + d1 * J[4] + d2 * J[7] + d3 * J[10]
                                let g2 = d0 * J[2] + d1 * J[5] + d2 * J[8] + d3 * J[11]
                                F[3 * p] += g0
                                F[3 * p + 1] += g1
                                F[3 * p + 2] += g2
                                F[3 * j] -= g0
                                F[3 * j + 1] -= g1
                                F[3 * j + 2] -= g2
                                let x0 = dsp[3 * sl], x1 = dsp[3 * sl + 1], x2 = dsp[3 * sl + 2]
                                v.0 -= x0 * g0; v.1 -= x0 * g1; v.2 -= x0 * g2
                                v.3 -= x1 * g0; v.4 -= x1 * g1; v.5 -= x1 * g2
                                v.6 -= x2 * g0; v.7 -= x2 * g1; v.8 -= x2 * g2
                                if perAtomVirial {
                                    let a = 9 * j
                                    AV[a] -= x0 * g0; AV[a + 1] -= x0 * g1; AV[a + 2] -= x0 * g2
                                    AV[a + 3] -= x1 * g0; AV[a + 4] -= x1 * g1; AV[a + 5] -= x1 * g2
                                    AV[a + 6] -= x2 * g0; AV[a + 7] -= x2 * g1; AV[a + 8] -= x2 * g2
                                }
                            }
                        }
                    }
                }
            }
        }
        }
        work.virial[0] += v.0; work.virial[1] += v.1; work.virial[2] += v.2
        work.virial[3] += v.3; work.virial[4] += v.4; work.virial[5] += v.5
        work.virial[6] += v.6; work.virial[7] += v.7; work.virial[8] += v.8
    }
}

/// Buffers reused across the batches of one thread of the fused path (they only grow).
final class FusedWorkspace {
    var forces: [Double]
    var virial = [Double](repeating: 0, count: 9)
    /// Per-particle virials (9 per particle) when asked for, else empty.
    var atomVirial: [Double]
    var rn = RawBuffer(), drn = RawBuffer(), jac = RawBuffer()
    /// Per neighbor type: the filled slots' places, each atom's first row, their normalised rows.
    var rowSlot: [[Int]], rowStart: [[Int]], rc: [RawBuffer]
    var x0 = RawBuffer(), dx0 = RawBuffer(), dG = RawBuffer(), drc = RawBuffer()
    var tmat = RawBuffer(), desc = RawBuffer(), dDesc = RawBuffer(), dT = RawBuffer(), ones = RawBuffer()
    var embActs: [[RawBuffer]], embOuts: [[RawBuffer]]
    var emptyActs: [RawBuffer] = [], emptyOuts: [RawBuffer] = []
    var fitActs: [RawBuffer] = [], fitOuts: [RawBuffer] = []
    var dz = RawBuffer(), ping = RawBuffer(), pong = RawBuffer()
    /// Compressed embedding: per neighbor type g and dg/ds of the filled rows; g and dg/ds of the empty input.
    var tabG: [RawBuffer], tabD: [RawBuffer], tabE = RawBuffer()

    init(atomCount n: Int, neighborTypes ntb: Int, atomVirial: Bool = false) {
        self.atomVirial = atomVirial ? [Double](repeating: 0, count: 9 * n) : []
        tabG = [RawBuffer](repeating: RawBuffer(), count: ntb)
        tabD = [RawBuffer](repeating: RawBuffer(), count: ntb)
        forces = [Double](repeating: 0, count: 3 * n)
        rowSlot = [[Int]](repeating: [], count: ntb)
        rowStart = [[Int]](repeating: [], count: ntb)
        rc = [RawBuffer](repeating: RawBuffer(), count: ntb)
        embActs = [[RawBuffer]](repeating: [], count: ntb)
        embOuts = [[RawBuffer]](repeating: [], count: ntb)
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
