import Atomistics
import CBLAS

/// One batch of centre atoms of one type through the fused pass, step by step as DESIGN.md §4
/// writes it: environment rows R̃ (and their Jacobians), embedding G = g(s), T = R̃ᵀG/N_c,
/// D = TᵀT<, the fitting net's energies, then back: ∂E/∂D → ∂E/∂T → ∂E/∂R̃ → forces and virial.
///
/// Holds the batch's shapes and the workspace's raw buffers; each step reads what the one before
/// wrote. Slot `k` of batch atom `b` has the flat place `b·slotsPerAtom + k`; for each neighbor
/// type the filled slots are gathered as consecutive rows (`work.rowSlot[t]`, each atom's first
/// row in `work.rowStart[t]`), so embedding nets and products run once per type on all of them.
///
/// Steps 2–6 (embedding, contractions, descriptor, fitting net and their gradients) run in `E`:
/// float64, or float32 for mixed and float32 precision; the rows, their Jacobians and ∂E/∂r_ij
/// (steps 1 and 7) in `R`: float64, or float32 in the float32 precision. The forces and virial
/// are summed in float64 in every precision.
struct FusedBatch<E: FusedScalar, R: FusedScalar> {
    let model: DeepPotentialModel
    let env: AtomEnvironments
    /// The centre type c.
    let centerType: Int
    /// The batch's centre atoms (indices into `env`).
    let atoms: ArraySlice<Int>
    let work: FusedWorkspace<E, R>
    /// Shapes, named as DESIGN.md §4 does: the batch's atoms B, slots per atom N_c = Σ sel, model
    /// types, neighbor types (slot blocks), the embedding width M, M′ = axis_neuron (the columns of
    /// T< kept in D) and each atom's descriptor length.
    let batchSize: Int, slotsPerAtom: Int, typeCount: Int, neighborTypes: Int
    let width: Int, axisWidth: Int, descriptorLength: Int
    /// se_e2_a (T and D = TᵀT<) rather than se_e2_r (D = ΣG/N_c), and 1/N_c, the deep-set weight.
    let isSeA: Bool, slotWeight: E

    /// Normalised environment rows (4 per slot), their gradients, and the Jacobians of the raw rows
    /// with respect to r_ij (12 per slot).
    /// In `R`: float64, or float32 for the all-float32 precision.
    let rows: UnsafeMutablePointer<R>, rowGradients: UnsafeMutablePointer<R>, jacobians: UnsafeMutablePointer<R>
    /// T (4×M per atom, se_e2_a), D (descriptorLength per atom), ∂E/∂D and ∂E/∂T.
    let tMatrices: UnsafeMutablePointer<E>, descriptorValues: UnsafeMutablePointer<E>
    let descriptorGradients: UnsafeMutablePointer<E>, tGradients: UnsafeMutablePointer<E>

    init(model: DeepPotentialModel, env: AtomEnvironments, centerType: Int, atoms: ArraySlice<Int>, work: FusedWorkspace<E, R>) {
        self.model = model
        self.env = env
        self.centerType = centerType
        self.atoms = atoms
        self.work = work
        let d = model.spec.descriptor
        batchSize = atoms.count
        slotsPerAtom = env.slotCount
        typeCount = model.spec.typeCount
        neighborTypes = env.sel.count
        width = d.embeddingWidth
        axisWidth = d.axisNeuron
        descriptorLength = d.descriptorLength
        isSeA = d.kind == .seE2A
        slotWeight = 1 / E(env.slotCount)
        rows = work.rn.ensure(batchSize * slotsPerAtom * 4)
        rowGradients = work.drn.ensure(batchSize * slotsPerAtom * 4)
        jacobians = work.jac.ensure(batchSize * slotsPerAtom * 12)
        tMatrices = work.tmat.ensure(isSeA ? batchSize * 4 * width : 1)
        descriptorValues = work.desc.ensure(batchSize * descriptorLength)
        descriptorGradients = work.dDesc.ensure(batchSize * descriptorLength)
        tGradients = work.dT.ensure(isSeA ? batchSize * 4 * width : 1)
    }

    /// The statistics block of (centre type, neighbor type t).
    @inline(__always) func statisticsIndex(_ t: Int) -> Int { centerType * typeCount + t }

    /// The embedding net (or its table) of neighbor type t around this centre type.
    @inline(__always) func embeddingIndex(_ t: Int) -> Int { model.spec.descriptor.typeOneSide ? t : statisticsIndex(t) }

    /// Step 1: R̃ rows (s, s·x/r, s·y/r, s·z/r), normalised per (c, t) by the training statistics,
    /// and their Jacobians, for the filled slots; gathered per neighbor type into `work.rc[t]`.
    func environmentRows() {
        let rows = self.rows, jacobians = self.jacobians, slotsPerAtom = self.slotsPerAtom, work = self.work
        let sw = model.smoothSwitch
        let mean = model.statistics.mean, stdR = model.statistics.stdRadial, stdA = model.statistics.stdAngular
        env.neighbor.withUnsafeBufferPointer { neighbor in
            env.displacement.withUnsafeBufferPointer { displacement in
                for t in 0..<neighborTypes {
                    let block = statisticsIndex(t)
                    let mu = R(mean[block]), radialScale = R(1 / stdR[block]), angularScale = R(1 / stdA[block])
                    let first = env.blockStart[t], capacity = env.sel[t]
                    work.rowSlot[t].removeAll(keepingCapacity: true)
                    work.rowStart[t].removeAll(keepingCapacity: true)
                    for (b, i) in atoms.enumerated() {
                        work.rowStart[t].append(work.rowSlot[t].count)
                        for k in first..<(first + capacity) {
                            let slot = i * slotsPerAtom + k
                            guard neighbor[slot] >= 0 else { continue }
                            let place = b * slotsPerAtom + k
                            let raw = EnvironmentMatrix.rowAndJacobian(R(displacement[3 * slot]), R(displacement[3 * slot + 1]),
                                                                       R(displacement[3 * slot + 2]), switch: sw,
                                                                       jacobian: jacobians + 12 * place)
                            rows[4 * place] = (raw.0 - mu) * radialScale
                            rows[4 * place + 1] = raw.1 * angularScale
                            rows[4 * place + 2] = raw.2 * angularScale
                            rows[4 * place + 3] = raw.3 * angularScale
                            work.rowSlot[t].append(place)
                        }
                    }
                    work.rowStart[t].append(work.rowSlot[t].count)
                    let filled = work.rowSlot[t].count
                    let gathered = work.rc[t].ensure(4 * filled)
                    work.rowSlot[t].withUnsafeBufferPointer { places in
                        for r in 0..<filled {
                            let place = places[r]
                            gathered[4 * r] = E(rows[4 * place]); gathered[4 * r + 1] = E(rows[4 * place + 1])
                            gathered[4 * r + 2] = E(rows[4 * place + 2]); gathered[4 * r + 3] = E(rows[4 * place + 3])
                        }
                    }
                }
            }
        }
    }

    /// Step 2: G = g(s) per neighbor type on the filled rows (a net or its table), once on the
    /// empty-slot input, and the deep-set sums T = R̃ᵀG/N_c (se_e2_a) or D = ΣG/N_c (se_e2_r).
    /// Empty slots enter as a count: their row is (s_empty, 0, 0, 0) and they carry no force.
    func embedAndContract(_ embeddingNets: [FusedNet<E>]) {
        let tMatrices = self.tMatrices, descriptorValues = self.descriptorValues, work = self.work
        let width = self.width, slotWeight = self.slotWeight, isSeA = self.isSeA, batchSize = self.batchSize
        let mean = model.statistics.mean, stdR = model.statistics.stdRadial
        if isSeA {
            tMatrices.update(repeating: 0, count: batchSize * 4 * width)
        } else {
            descriptorValues.update(repeating: 0, count: batchSize * descriptorLength)
        }
        for t in 0..<neighborTypes where env.sel[t] > 0 {
            let capacity = env.sel[t]
            let net = embeddingNets[embeddingIndex(t)]
            let filled = work.rowSlot[t].count
            let gathered = work.rc[t].ensure(4 * filled)
            let s = work.x0.ensure(filled)
            for r in 0..<filled { s[r] = gathered[4 * r] }
            var sEmpty = E((0 - mean[statisticsIndex(t)]) / stdR[statisticsIndex(t)])
            let g: UnsafeMutablePointer<E>, gEmpty: UnsafeMutablePointer<E>
            if let table = model.compression?.tables[embeddingIndex(t)] {
                // Tabulated: g and dg/ds from the quintic table (dg/ds kept for the way back).
                g = work.tabG[t].ensure(max(1, filled) * width)
                let dg = work.tabD[t].ensure(max(1, filled) * width)
                if filled > 0 { E.evaluate(table, s, count: filled, g: g, dg: dg) }
                gEmpty = work.tabE.ensure(2 * width)
                E.evaluate(table, &sEmpty, count: 1, g: gEmpty, dg: gEmpty + width)
            } else {
                g = filled > 0 ? net.forward(s, rows: filled, acts: &work.embActs[t], outs: &work.embOuts[t]) : s
                gEmpty = net.forward(&sEmpty, rows: 1, acts: &work.emptyActs, outs: &work.emptyOuts)
            }
            work.rowStart[t].withUnsafeBufferPointer { rowStart in
                for b in 0..<batchSize {
                    let firstRow = rowStart[b], filledSlots = rowStart[b + 1] - rowStart[b], emptySlots = capacity - filledSlots
                    if isSeA {
                        let T = tMatrices + b * 4 * width
                        if filledSlots > 0 {
                            E.gemm(CblasTrans, CblasNoTrans, 4, width, filledSlots, slotWeight,
                                   gathered + 4 * firstRow, 4, g + firstRow * width, width, 1, T, width)
                        }
                        if emptySlots > 0 {
                            let f = slotWeight * E(emptySlots) * sEmpty
                            for a in 0..<width { T[a] += f * gEmpty[a] }
                        }
                    } else {
                        let D = descriptorValues + b * width
                        for r in firstRow..<(firstRow + filledSlots) {
                            let gRow = g + r * width
                            for a in 0..<width { D[a] += gRow[a] * slotWeight }
                        }
                        if emptySlots > 0 {
                            let f = slotWeight * E(emptySlots)
                            for a in 0..<width { D[a] += f * gEmpty[a] }
                        }
                    }
                }
            }
        }
    }

    /// Step 3 (se_e2_a): D = TᵀT<, M×M′ per atom.
    func descriptors() {
        guard isSeA else { return }
        for b in 0..<batchSize {
            let T = tMatrices + b * 4 * width
            E.gemm(CblasTrans, CblasNoTrans, width, axisWidth, 4, 1, T, width, T, width, 0,
                   descriptorValues + b * width * axisWidth, axisWidth)
        }
    }

    /// Step 4: the fitting net F_c(D) + e_c, the atomic energies; then ∂E/∂D through it.
    func fitEnergies(_ fitNet: FusedNet<E>, into atomEnergies: UnsafeMutableBufferPointer<Double>) {
        let e = fitNet.forward(descriptorValues, rows: batchSize, acts: &work.fitActs, outs: &work.fitOuts)
        for (b, i) in atoms.enumerated() { atomEnergies[i] = Double(e[b]) + model.energyBias[centerType] }
        let ones = work.ones.ensure(batchSize)
        ones.update(repeating: 1, count: batchSize)
        fitNet.backward(gradOut: ones, rows: batchSize, acts: work.fitActs, gradIn: descriptorGradients, dz: &work.dz,
                        ping: &work.ping, pong: &work.pong)
    }

    /// Step 5 (se_e2_a): ∂E/∂T = T·(∂E/∂D)ᵀ + [T<·∂E/∂D | 0] — both factors of D = TᵀT<.
    func gradientOfT() {
        guard isSeA else { return }
        for b in 0..<batchSize {
            let T = tMatrices + b * 4 * width, dD = descriptorGradients + b * width * axisWidth
            let dT = tGradients + b * 4 * width
            E.gemm(CblasNoTrans, CblasTrans, 4, width, axisWidth, 1, T, width, dD, axisWidth, 0, dT, width)
            E.gemm(CblasNoTrans, CblasNoTrans, 4, axisWidth, width, 1, T, width, dD, axisWidth, 1, dT, width)
        }
    }

    /// Step 6: back through the deep-set sums and the embedding to ∂E/∂R̃ of the filled slots:
    /// ∂E/∂G = R̃·∂E/∂T/N_c, ∂E/∂R̃ = G·(∂E/∂T)ᵀ/N_c, and ∂E/∂s through g added to the s column.
    func backToRows(_ embeddingNets: [FusedNet<E>]) {
        let rowGradients = self.rowGradients, tGradients = self.tGradients, descriptorGradients = self.descriptorGradients
        let width = self.width, slotWeight = self.slotWeight, isSeA = self.isSeA, batchSize = self.batchSize, work = self.work
        for t in 0..<neighborTypes where env.sel[t] > 0 {
            let filled = work.rowSlot[t].count
            guard filled > 0 else { continue }
            let net = embeddingNets[embeddingIndex(t)]
            let table = model.compression?.tables[embeddingIndex(t)]
            let g = table != nil ? work.tabG[t].base! : net.output(net.layers.count - 1, acts: work.embActs[t], outs: work.embOuts[t])
            let dG = work.dG.ensure(filled * width), dRows = work.drc.ensure(4 * filled), ds = work.dx0.ensure(filled)
            let gathered = work.rc[t].base!
            work.rowStart[t].withUnsafeBufferPointer { rowStart in
                for b in 0..<batchSize {
                    let firstRow = rowStart[b], filledSlots = rowStart[b + 1] - rowStart[b]
                    guard filledSlots > 0 else { continue }
                    if isSeA {
                        let dT = tGradients + b * 4 * width
                        E.gemm(CblasNoTrans, CblasNoTrans, filledSlots, width, 4, slotWeight,
                               gathered + 4 * firstRow, 4, dT, width, 0, dG + firstRow * width, width)
                        E.gemm(CblasNoTrans, CblasTrans, filledSlots, 4, width, slotWeight,
                               g + firstRow * width, width, dT, width, 0, dRows + 4 * firstRow, 4)
                    } else {
                        let dD = descriptorGradients + b * width
                        for r in firstRow..<(firstRow + filledSlots) {
                            for a in 0..<width { dG[r * width + a] = dD[a] * slotWeight }
                        }
                    }
                }
            }
            if table != nil {
                let dg = work.tabD[t].base!
                E.rowDot(dG, dg, rows: filled, width: width, into: ds)
            } else {
                net.backward(gradOut: dG, rows: filled, acts: work.embActs[t], gradIn: ds, dz: &work.dz,
                             ping: &work.ping, pong: &work.pong)
            }
            work.rowSlot[t].withUnsafeBufferPointer { places in
                for r in 0..<filled {
                    let place = places[r]
                    if isSeA {
                        rowGradients[4 * place] = R(dRows[4 * r] + ds[r])
                        rowGradients[4 * place + 1] = R(dRows[4 * r + 1])
                        rowGradients[4 * place + 2] = R(dRows[4 * r + 2])
                        rowGradients[4 * place + 3] = R(dRows[4 * r + 3])
                    } else {
                        rowGradients[4 * place] = R(ds[r])
                        rowGradients[4 * place + 1] = 0
                        rowGradients[4 * place + 2] = 0
                        rowGradients[4 * place + 3] = 0
                    }
                }
            }
        }
    }

    /// Step 7: ∂E/∂r_ij = Jᵀ·(∂E/∂R̃ un-normalised) for every filled slot; +∂E/∂r_ij on the centre,
    /// −∂E/∂r_ij on the neighbor (ghosts included), −r_ij ⊗ ∂E/∂r_ij into the virial (and into
    /// the neighbor's per-particle virial when asked).
    func forcesAndVirial() {
        let jacobians = self.jacobians, rowGradients = self.rowGradients, slotsPerAtom = self.slotsPerAtom
        let env = self.env, atoms = self.atoms, neighborTypes = self.neighborTypes, work = self.work
        let stdR = model.statistics.stdRadial, stdA = model.statistics.stdAngular
        var v = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
        let perAtomVirial = !work.atomVirial.isEmpty
        work.atomVirial.withUnsafeMutableBufferPointer { AV in
        work.forces.withUnsafeMutableBufferPointer { F in
            env.neighbor.withUnsafeBufferPointer { neighbor in
                env.displacement.withUnsafeBufferPointer { displacement in
                    for (b, i) in atoms.enumerated() {
                        let p = env.particle(i)
                        for t in 0..<neighborTypes {
                            let block = statisticsIndex(t)
                            let radialScale = R(1 / stdR[block]), angularScale = R(1 / stdA[block])
                            for k in env.blockStart[t]..<env.blockStart[t + 1] {
                                let slot = i * slotsPerAtom + k
                                let j = Int(neighbor[slot])
                                guard j >= 0 else { continue }
                                let place = b * slotsPerAtom + k
                                let J = jacobians + 12 * place, dRow = rowGradients + 4 * place
                                let d0 = dRow[0] * radialScale, d1 = dRow[1] * angularScale
                                let d2 = dRow[2] * angularScale, d3 = dRow[3] * angularScale
                                // ∂E/∂r_ij in R, summed into the float64 forces and virial
                                let g0 = Double(d0 * J[0] + d1 * J[3] + d2 * J[6] + d3 * J[9])
                                let g1 = Double(d0 * J[1] + d1 * J[4] + d2 * J[7] + d3 * J[10])
                                let g2 = Double(d0 * J[2] + d1 * J[5] + d2 * J[8] + d3 * J[11])
                                F[3 * p] += g0
                                F[3 * p + 1] += g1
                                F[3 * p + 2] += g2
                                F[3 * j] -= g0
                                F[3 * j + 1] -= g1
                                F[3 * j + 2] -= g2
                                let x0 = displacement[3 * slot], x1 = displacement[3 * slot + 1], x2 = displacement[3 * slot + 2]
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
