import NNCore

/// Energy, forces and virial as autodiff tensors (the training path).
public struct GraphEvaluation: Sendable {
    /// Total energy (eV), a one-element tensor.
    public var energy: Tensor
    /// Per-atom energies of the centre atoms [n] (eV).
    public var atomEnergies: Tensor
    /// Forces −∂E/∂x on every atom of the structure [N, 3] (eV/Å).
    public var forces: Tensor
    /// Virial −Σ r_ij ⊗ ∂E/∂r_ij [3, 3] (eV).
    public var virial: Tensor
}

extension DeepPotentialModel {
    /// Energy, forces and virial through the autodiff tape (for a ``AtomEnvironments/subset(_:)``:
    /// the part of them that comes from its centre atoms' energies).
    ///
    /// The leaves are the displacements r_ij of occupied slots; forces and virial come from
    /// ∂E/∂r_ij. With `createGraph` the forces and virial are themselves recorded, so a loss on
    /// them can be differentiated with respect to the weights (force training).
    public func evaluateGraph(_ env: AtomEnvironments, createGraph: Bool = false) -> GraphEvaluation {
        let n = env.atomCount, nnei = env.slotCount, nAll = env.systemAtomCount
        var real: [Int] = [], centre: [Int] = [], other: [Int] = []
        var d: [Double] = []
        real.reserveCapacity(n * nnei)
        for i in 0..<n {
            for k in 0..<nnei {
                let sl = env.slot(i, k)
                let j = env.neighbor[sl]
                guard j >= 0 else { continue }
                real.append(sl)
                centre.append(env.particle(i))
                other.append(Int(j))
                d.append(contentsOf: env.displacement[(3 * sl)..<(3 * sl + 3)])
            }
        }
        let rvec = Tensor(shape: [real.count, 3], scalars: d).requiringGrad()
        let atomEnergies = atomEnergiesGraph(env, realSlots: real, displacements: rvec)
        let energy = atomEnergies.sum()
        let g = grad(of: energy, wrt: rvec, createGraph: createGraph)
        let forces = Tensor.scatterAdd(g, indices: centre, into: [nAll, 3])
            - Tensor.scatterAdd(g, indices: other, into: [nAll, 3])
        let virial = -Tensor.matmul(rvec, g, transposeA: true)
        return GraphEvaluation(energy: energy, atomEnergies: atomEnergies, forces: forces, virial: virial)
    }

    /// Per-atom energies [N] (eV) as a function of the occupied slots' displacements
    /// `displacements` [n_real, 3] (Å), where `realSlots` names each row's flat slot index.
    /// With ``precision`` `.mixed` the networks run in float32 (mixed-precision training).
    public func atomEnergiesGraph(_ env: AtomEnvironments, realSlots: [Int], displacements rvec: Tensor) -> Tensor {
        let n = env.atomCount, nnei = env.slotCount, nt = spec.typeCount
        let ds = spec.descriptor
        let rs = ds.rcutSmooth, rc = ds.rcut
        // Smooth weight and environment-matrix rows of occupied slots.
        let r = (rvec * rvec).sum(axis: 1).sqrt()
        let u = ((r - rs) * (1 / (rc - rs))).clamped(min: 0, max: 1)
        let w = u * u * u * (u * (u * -6 + 15) - 10) + 1
        let s = w / r
        let q = s / r
        let rows = Tensor.concatenate([s.unsqueezed(axis: 1), rvec * q.unsqueezed(axis: 1)], axis: 1)
        let full = Tensor.scatterAdd(rows, indices: realSlots, into: [n * nnei, 4])
        // Normalisation constants per slot.
        var avg = [Double](repeating: 0, count: n * nnei * 4)
        var inv = [Double](repeating: 1, count: n * nnei * 4)
        for i in 0..<n {
            let c = env.types[i]
            for t in 0..<env.sel.count {
                let b = c * nt + t
                let m = statistics.mean[b], sr = 1 / statistics.stdRadial[b], sa = 1 / statistics.stdAngular[b]
                for k in env.blockStart[t]..<env.blockStart[t + 1] {
                    let o = 4 * env.slot(i, k)
                    avg[o] = m
                    inv[o] = sr
                    inv[o + 1] = sa
                    inv[o + 2] = sa
                    inv[o + 3] = sa
                }
            }
        }
        // Mixed precision: the networks, contractions and their derivatives in float32 from the
        // normalised rows on (the float64 weights cast per use); geometry and energies in float64.
        let rn = ((full - Tensor(shape: [n * nnei, 4], scalars: avg)) * Tensor(shape: [n * nnei, 4], scalars: inv))
            .reshaped([n, nnei, 4]).cast(to: precision == .float64 ? .float64 : .float32)
        // Per centre type: descriptor, fitting net, bias.
        var parts: [Tensor] = []
        var order: [Int] = []
        let m = ds.embeddingWidth
        for c in 0..<nt {
            let idx = (0..<n).filter { env.types[$0] == c }
            if idx.isEmpty { continue }
            let rc = idx.count == n ? rn : rn.indexSelect(idx)
            let nc = idx.count
            var acc: Tensor? = nil
            for t in 0..<env.sel.count where env.sel[t] > 0 {
                let block = rc.narrowed(axis: 1, start: env.blockStart[t], length: env.sel[t])
                let sIn = block.narrowed(axis: 2, start: 0, length: 1).reshaped([nc * env.sel[t], 1])
                let g = embedding(center: c, neighbor: t)(sIn).reshaped([nc, env.sel[t], m])
                let term = ds.kind == .seE2A ? Tensor.matmul(block, g, transposeA: true) : g.sum(axis: 1)
                acc = acc.map { $0 + term } ?? term
            }
            let scaled = acc! * (1 / Double(nnei))
            let desc: Tensor
            if ds.kind == .seE2A {
                let tl = scaled.narrowed(axis: 2, start: 0, length: ds.axisNeuron)
                desc = Tensor.matmul(scaled, tl, transposeA: true).reshaped([nc, m * ds.axisNeuron])
            } else {
                desc = scaled
            }
            parts.append(fittings[c](desc).reshaped([nc]).cast(to: .float64) + energyBias[c])
            order += idx
        }
        let e = parts.count == 1 ? parts[0] : Tensor.concatenate(parts, axis: 0)
        let identity = order == Array(0..<n)
        return identity ? e : Tensor.scatterAdd(e, indices: order, into: [n])
    }
}
