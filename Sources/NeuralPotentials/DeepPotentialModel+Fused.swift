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
}

extension DeepPotentialModel {
    /// Atoms processed together by one BLAS-batched pass of the fused path.
    static let fusedBatch = 32

    /// Energy, forces and virial by a hand-written forward and backward pass over the
    /// environment matrix (no tape): the MD path. Agrees with ``evaluateGraph(_:createGraph:)``
    /// to rounding. Atoms are split into `threads` contiguous blocks; partial forces are summed
    /// in block order, so results are deterministic for a given thread count.
    public func evaluateFused(_ env: AtomEnvironments, threads: Int = AtomisticsParallel.threads) -> FusedEvaluation {
        let n = env.atomCount
        let embNets = embeddings.map(FusedNet.init)
        let fitNets = fittings.map(FusedNet.init)
        let blocks = Swift.max(1, Swift.min(threads, n / 8))
        var partForces = [[Double]](repeating: [], count: blocks)
        var partVirial = [[Double]](repeating: [Double](repeating: 0, count: 9), count: blocks)
        var atomE = [Double](repeating: 0, count: n)
        partForces.withUnsafeMutableBufferPointer { pf in
            partVirial.withUnsafeMutableBufferPointer { pv in
                atomE.withUnsafeMutableBufferPointer { ae in
                    let pfBox = UnsafeSendable(pf), pvBox = UnsafeSendable(pv), aeBox = UnsafeSendable(ae)
                    AtomisticsParallel.forEachBlock(n, blocks: blocks) { b, range in
                        var work = FusedWorkspace(forces: [Double](repeating: 0, count: 3 * n))
                        for c in 0..<spec.typeCount {
                            let atoms = range.filter { env.types[$0] == c }
                            var start = 0
                            while start < atoms.count {
                                let batch = Array(atoms[start..<Swift.min(atoms.count, start + Self.fusedBatch)])
                                fusedBatch(env, centerType: c, atoms: batch, embNets: embNets, fitNet: fitNets[c],
                                           work: &work, atomEnergies: aeBox.value)
                                start += Self.fusedBatch
                            }
                        }
                        pfBox.value[b] = work.forces
                        pvBox.value[b] = work.virial
                    }
                }
            }
        }
        var forces = partForces[0]
        var virial = partVirial[0]
        for b in 1..<blocks {
            for k in 0..<(3 * n) { forces[k] += partForces[b][k] }
            for k in 0..<9 { virial[k] += partVirial[b][k] }
        }
        return FusedEvaluation(energy: atomE.reduce(0, +), atomEnergies: atomE, forces: forces, virial: virial)
    }

    /// One batch of atoms of centre type `c`: forward, backward, forces and virial accumulated
    /// into `work`, atomic energies written into `atomEnergies`.
    func fusedBatch(_ env: AtomEnvironments, centerType c: Int, atoms: [Int], embNets: [FusedNet], fitNet: FusedNet,
                    work: inout FusedWorkspace, atomEnergies: UnsafeMutableBufferPointer<Double>) {
        let B = atoms.count
        let nnei = env.slotCount, nt = spec.typeCount, ntb = env.sel.count
        let ds = spec.descriptor
        let M = ds.embeddingWidth, Mp = ds.axisNeuron
        let seA = ds.kind == .seE2A
        let invNc = 1 / Double(nnei)
        let sw = smoothSwitch
        // Environment matrix (normalised), Jacobians of the raw rows, per-slot 1/std.
        work.prepare(rn: B * nnei * 4, jac: B * nnei * 12)
        for (bi, i) in atoms.enumerated() {
            for t in 0..<ntb {
                let bIdx = c * nt + t
                let mean = statistics.mean[bIdx], isr = 1 / statistics.stdRadial[bIdx], isa = 1 / statistics.stdAngular[bIdx]
                for k in env.blockStart[t]..<env.blockStart[t + 1] {
                    let sl = env.slot(i, k)
                    let o = bi * nnei + k
                    var row = (0.0, 0.0, 0.0, 0.0)
                    if env.neighbor[sl] >= 0 {
                        row = work.jac.withUnsafeMutableBufferPointer { j in
                            EnvironmentMatrix.rowAndJacobian(env.displacement[3 * sl], env.displacement[3 * sl + 1],
                                                             env.displacement[3 * sl + 2], switch: sw,
                                                             jacobian: j.baseAddress! + 12 * o)
                        }
                    }
                    work.rn[4 * o] = (row.0 - mean) * isr
                    work.rn[4 * o + 1] = row.1 * isa
                    work.rn[4 * o + 2] = row.2 * isa
                    work.rn[4 * o + 3] = row.3 * isa
                    work.istd[4 * o] = isr
                    work.istd[4 * o + 1] = isa
                    work.istd[4 * o + 2] = isa
                    work.istd[4 * o + 3] = isa
                }
            }
        }
        // Embedding nets per neighbor type, and the deep-set sums.
        let dlen = ds.descriptorLength
        var tmat = [Double](repeating: 0, count: seA ? B * 4 * M : 0)
        var desc = [Double](repeating: 0, count: B * dlen)
        if work.embActs.count != ntb {
            work.embActs = [[[Double]]](repeating: [], count: ntb)
            work.embOuts = [[[Double]]](repeating: [], count: ntb)
        }
        for t in 0..<ntb where env.sel[t] > 0 {
            let st = env.sel[t], s0 = env.blockStart[t]
            var x0 = [Double](repeating: 0, count: B * st)
            for bi in 0..<B { for k in 0..<st { x0[bi * st + k] = work.rn[4 * (bi * nnei + s0 + k)] } }
            let net = embNets[ds.typeOneSide ? t : c * nt + t]
            x0.withUnsafeBufferPointer { xp in
                net.forward(xp.baseAddress!, rows: B * st, acts: &work.embActs[t], outs: &work.embOuts[t])
            }
            let g = work.embOuts[t][net.layers.count - 1]
            g.withUnsafeBufferPointer { gp in
                if seA {
                    work.rn.withUnsafeBufferPointer { rp in
                        tmat.withUnsafeMutableBufferPointer { tp in
                            for bi in 0..<B {
                                cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, 4, Int32(M), Int32(st), invNc,
                                            rp.baseAddress! + 4 * (bi * nnei + s0), 4, gp.baseAddress! + bi * st * M, Int32(M),
                                            1, tp.baseAddress! + bi * 4 * M, Int32(M))
                            }
                        }
                    }
                } else {
                    for bi in 0..<B {
                        for k in 0..<st {
                            let row = (bi * st + k) * M
                            for a in 0..<M { desc[bi * M + a] += gp[row + a] * invNc }
                        }
                    }
                }
            }
        }
        if seA {
            tmat.withUnsafeBufferPointer { tp in
                desc.withUnsafeMutableBufferPointer { dp in
                    for bi in 0..<B {
                        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(M), Int32(Mp), 4, 1,
                                    tp.baseAddress! + bi * 4 * M, Int32(M), tp.baseAddress! + bi * 4 * M, Int32(M),
                                    0, dp.baseAddress! + bi * M * Mp, Int32(Mp))
                    }
                }
            }
        }
        // Fitting net: atomic energies, then ∂E/∂D.
        desc.withUnsafeBufferPointer { dp in
            fitNet.forward(dp.baseAddress!, rows: B, acts: &work.fitActs, outs: &work.fitOuts)
        }
        let e = work.fitOuts[fitNet.layers.count - 1]
        for (bi, i) in atoms.enumerated() { atomEnergies[i] = e[bi] + energyBias[c] }
        var ones = [Double](repeating: 1, count: B)
        var dDesc = [Double](repeating: 0, count: B * dlen)
        dDesc.withUnsafeMutableBufferPointer { dd in
            fitNet.backward(gradOut: &ones, rows: B, acts: work.fitActs, gradIn: dd.baseAddress!, scratch: &work.scratch)
        }
        // ∂E/∂T (se_e2_a).
        var dT = [Double](repeating: 0, count: seA ? B * 4 * M : 0)
        if seA {
            tmat.withUnsafeBufferPointer { tp in
                dDesc.withUnsafeBufferPointer { dd in
                    dT.withUnsafeMutableBufferPointer { dtp in
                        for bi in 0..<B {
                            let T = tp.baseAddress! + bi * 4 * M, dD = dd.baseAddress! + bi * M * Mp
                            let out = dtp.baseAddress! + bi * 4 * M
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, 4, Int32(M), Int32(Mp), 1,
                                        T, Int32(M), dD, Int32(Mp), 0, out, Int32(M))
                            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 4, Int32(Mp), Int32(M), 1,
                                        T, Int32(M), dD, Int32(Mp), 1, out, Int32(M))
                        }
                    }
                }
            }
        }
        // Back through the deep-set sums and the embedding nets to ∂E/∂R̃ (normalised).
        work.drn.withUnsafeMutableBufferPointer { p in p.update(repeating: 0) }
        for t in 0..<ntb where env.sel[t] > 0 {
            let st = env.sel[t], s0 = env.blockStart[t]
            let net = embNets[ds.typeOneSide ? t : c * nt + t]
            let g = work.embOuts[t][net.layers.count - 1]
            var dG = [Double](repeating: 0, count: B * st * M)
            if seA {
                work.rn.withUnsafeBufferPointer { rp in
                    dT.withUnsafeBufferPointer { dtp in
                        g.withUnsafeBufferPointer { gp in
                            dG.withUnsafeMutableBufferPointer { dgp in
                                work.drn.withUnsafeMutableBufferPointer { drp in
                                    for bi in 0..<B {
                                        let R = rp.baseAddress! + 4 * (bi * nnei + s0)
                                        let dTb = dtp.baseAddress! + bi * 4 * M
                                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(st), Int32(M), 4, invNc,
                                                    R, 4, dTb, Int32(M), 0, dgp.baseAddress! + bi * st * M, Int32(M))
                                        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(st), 4, Int32(M), invNc,
                                                    gp.baseAddress! + bi * st * M, Int32(M), dTb, Int32(M), 0,
                                                    drp.baseAddress! + 4 * (bi * nnei + s0), 4)
                                    }
                                }
                            }
                        }
                    }
                }
            } else {
                for bi in 0..<B {
                    for k in 0..<st {
                        for a in 0..<M { dG[(bi * st + k) * M + a] = dDesc[bi * M + a] * invNc }
                    }
                }
            }
            var dx0 = [Double](repeating: 0, count: B * st)
            dx0.withUnsafeMutableBufferPointer { dxp in
                net.backward(gradOut: &dG, rows: B * st, acts: work.embActs[t], gradIn: dxp.baseAddress!,
                             scratch: &work.scratch)
            }
            for bi in 0..<B { for k in 0..<st { work.drn[4 * (bi * nnei + s0 + k)] += dx0[bi * st + k] } }
        }
        // Chain to r_ij: forces on centre and neighbor, virial.
        for (bi, i) in atoms.enumerated() {
            for k in 0..<nnei {
                let sl = env.slot(i, k)
                let j = Int(env.neighbor[sl])
                guard j >= 0 else { continue }
                let o = bi * nnei + k
                var g0 = 0.0, g1 = 0.0, g2 = 0.0
                for q in 0..<4 {
                    let dr = work.drn[4 * o + q] * work.istd[4 * o + q]
                    g0 += dr * work.jac[12 * o + 3 * q]
                    g1 += dr * work.jac[12 * o + 3 * q + 1]
                    g2 += dr * work.jac[12 * o + 3 * q + 2]
                }
                work.forces[3 * i] += g0
                work.forces[3 * i + 1] += g1
                work.forces[3 * i + 2] += g2
                work.forces[3 * j] -= g0
                work.forces[3 * j + 1] -= g1
                work.forces[3 * j + 2] -= g2
                let d0 = env.displacement[3 * sl], d1 = env.displacement[3 * sl + 1], d2 = env.displacement[3 * sl + 2]
                work.virial[0] -= d0 * g0; work.virial[1] -= d0 * g1; work.virial[2] -= d0 * g2
                work.virial[3] -= d1 * g0; work.virial[4] -= d1 * g1; work.virial[5] -= d1 * g2
                work.virial[6] -= d2 * g0; work.virial[7] -= d2 * g1; work.virial[8] -= d2 * g2
            }
        }
    }
}

/// Buffers reused across the batches of one thread of the fused path.
struct FusedWorkspace {
    var forces: [Double]
    var virial = [Double](repeating: 0, count: 9)
    var rn: [Double] = []
    var drn: [Double] = []
    var istd: [Double] = []
    var jac: [Double] = []
    var embActs: [[[Double]]] = []
    var embOuts: [[[Double]]] = []
    var fitActs: [[Double]] = []
    var fitOuts: [[Double]] = []
    var scratch: [Double] = []

    /// Sizes the per-slot buffers for a batch (contents are overwritten by the caller).
    mutating func prepare(rn count: Int, jac jcount: Int) {
        if rn.count != count {
            rn = [Double](repeating: 0, count: count)
            drn = rn
            istd = rn
        }
        if jac.count != jcount { jac = [Double](repeating: 0, count: jcount) }
    }
}
