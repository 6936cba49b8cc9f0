import Atomistics

/// Energy, forces and virials of explicit particles, as a simulator holds them: owned
/// (energy-contributing) particles and ghosts, with a full neighbor list of each contributing one.
public struct ParticleEvaluation: Sendable {
    /// Energy of the contributing particles (eV).
    public var energy: Double
    /// Per-particle energy (eV), one per particle; 0 for non-contributing particles.
    public var particleEnergies: [Double]
    /// Forces −∂E/∂x on every particle, ghosts included, 3P flat (eV/Å).
    public var forces: [Double]
    /// Virial W = −Σ r_ij ⊗ ∂E/∂r_ij, row-major 3×3 (eV).
    public var virial: [Double]
    /// Per-particle virials (eV), 9 per particle row-major, when asked for (see
    /// ``FusedEvaluation/atomVirial``).
    public var particleVirials: [Double]?
    /// Contributing particles whose neighbors of some type exceeded `sel` (the farthest dropped).
    public var overflows: [SelOverflow]
}

extension DeepPotentialModel {
    /// Energy, forces and virials of explicit particles from a full neighbor list of each
    /// contributing particle (neighbors beyond r_c are ignored, so lists may include a skin).
    ///
    /// - Parameters:
    ///   - positions: 3P flat (Å).
    ///   - types: model type of every particle (0 ..< typeCount).
    ///   - contributing: P flags, or nil for all particles contributing.
    ///   - offsets, neighbors: CSR list over the contributing particles in index order: the k-th
    ///     contributing particle's neighbors are `neighbors[offsets[k]..<offsets[k+1]]`.
    ///   - particleVirials: whether to compute per-particle virials.
    /// - Throws: ``NeuralPotentialError/invalidInput(_:)`` naming the first bad count, index,
    ///   type or coordinate; nothing a caller passes traps.
    public func evaluateParticles(positions: [Double], types: [Int], contributing: [Bool]?, offsets: [Int],
                                  neighbors: [Int32], particleVirials: Bool = false,
                                  threads: Int = AtomisticsParallel.threads) throws(NeuralPotentialError) -> ParticleEvaluation {
        let count = types.count
        let centers = try Self.checkParticles(positions: positions, types: types, typeCount: spec.typeCount,
                                              contributing: contributing, offsets: offsets, neighbors: neighbors)
        let d = spec.descriptor
        let env = AtomEnvironments(particles: positions, types: types, centers: centers, offsets: offsets,
                                   neighbors: neighbors, rcut: d.rcut, sel: d.sel)
        let out = evaluateFused(env, threads: threads, atomVirial: particleVirials)
        var perParticle = [Double](repeating: 0, count: count)
        for (k, p) in centers.enumerated() { perParticle[Int(p)] = out.atomEnergies[k] }
        return ParticleEvaluation(energy: out.energy, particleEnergies: perParticle, forces: out.forces,
                                  virial: out.virial, particleVirials: out.atomVirial, overflows: env.overflows)
    }

    /// Checks explicit-particle input and returns the contributing particles' indices.
    static func checkParticles(positions: [Double], types: [Int], typeCount: Int, contributing: [Bool]?,
                               offsets: [Int], neighbors: [Int32], skipList: Bool = false) throws(NeuralPotentialError) -> [Int32] {
        let count = types.count
        guard count < Int(Int32.max) else {
            throw .invalidInput("\(count) particles: at most \(Int32.max - 1) are supported")
        }
        guard positions.count == 3 * count else {
            throw .invalidInput("positions hold \(positions.count) numbers, expected 3 × \(count) particles")
        }
        if let k = positions.firstIndex(where: { !$0.isFinite }) {
            throw .invalidInput("particle \(k / 3) has a non-finite coordinate (\(positions[k]))")
        }
        if let k = types.firstIndex(where: { $0 < 0 || $0 >= typeCount }) {
            throw .invalidInput("particle \(k) has type \(types[k]); the model has types 0..<\(typeCount)")
        }
        if let flags = contributing, flags.count != count {
            throw .invalidInput("\(flags.count) contributing flags for \(count) particles")
        }
        var centers: [Int32] = []
        centers.reserveCapacity(count)
        for p in 0..<count where contributing?[p] ?? true { centers.append(Int32(p)) }
        if skipList { return centers }
        guard offsets.count == centers.count + 1, offsets.first == 0, offsets.last == neighbors.count else {
            throw .invalidInput("neighbor offsets: expected \(centers.count + 1) offsets from 0 to \(neighbors.count), found \(offsets.count)")
        }
        for k in 0..<centers.count where offsets[k + 1] < offsets[k] {
            throw .invalidInput("neighbor offsets decrease at contributing particle \(centers[k])")
        }
        if let e = neighbors.firstIndex(where: { $0 < 0 || Int($0) >= count }) {
            throw .invalidInput("neighbor index \(neighbors[e]) is outside the \(count) particles")
        }
        return centers
    }
}

extension DeepPotentialModel {
    /// Energy, forces and virials of a (partly) periodic cell, building the neighbor list here:
    /// every particle contributes, `cell` holds the three cell vectors as rows (Å).
    ///
    /// - Throws: ``NeuralPotentialError/invalidInput(_:)`` for bad counts, types, coordinates or
    ///   cell, or particles closer than 10⁻³ Å.
    public func evaluateCell(positions: [Double], types: [Int], cell: [Double], periodic: [Bool],
                             particleVirials: Bool = false,
                             threads: Int = AtomisticsParallel.threads) throws(NeuralPotentialError) -> ParticleEvaluation {
        _ = try Self.checkParticles(positions: positions, types: types, typeCount: spec.typeCount, contributing: nil,
                                    offsets: [0], neighbors: [], skipList: true)
        let env: AtomEnvironments
        do {
            let box = try Box(vectors: cell, periodic: periodic)
            let system = try System(positions: positions, types: types,
                                    masses: [Double](repeating: 1, count: spec.typeCount), typeNames: spec.typeMap, box: box)
            var list = try NeighborList(cutoff: spec.descriptor.rcut, skin: 0, kind: .full)
            try list.build(system)
            env = try AtomEnvironments(positions: positions, types: types, neighbors: list,
                                       rcut: spec.descriptor.rcut, sel: spec.descriptor.sel)
        } catch let e as NeuralPotentialError {
            throw e
        } catch {
            throw .invalidInput("\(error)")
        }
        let out = evaluateFused(env, threads: threads, atomVirial: particleVirials)
        return ParticleEvaluation(energy: out.energy, particleEnergies: out.atomEnergies, forces: out.forces,
                                  virial: out.virial, particleVirials: out.atomVirial, overflows: env.overflows)
    }
}
