import Atomistics
import Foundation
import NeuralPotentials

extension FitDeck {
    /// Up to `limit` training frames (evenly spaced) as systems with their energies (eV).
    public func sampleTrainingFrames(limit: Int = 100) throws -> [(system: System, energy: Double?)] {
        let frames = try loadTrainingData().frames.map { ($0.system, Optional($0.energy)) }
        guard frames.count > limit else { return frames }
        return (0..<limit).map { frames[$0 * frames.count / limit] }
    }

    /// An untrained model of the deck's architecture, weights seeded by `seed`. With training data
    /// present: `sel = "auto"` resolved (maximum neighbor count × 1.1), normalisation statistics
    /// and the least-squares energy bias from a sample of frames.
    public func initialModel(seed: UInt64) throws -> DeepPotentialModel {
        try initialModel(seed: seed, frames: trainFiles.isEmpty ? [] : try sampleTrainingFrames())
    }

    /// An untrained model as above, with `sel = "auto"`, statistics and bias from the given
    /// training frames (all of them are scanned for the neighbor count).
    public func initialModel(seed: UInt64, frames labelled: [LabeledFrame]) throws -> DeepPotentialModel {
        try initialModel(seed: seed, frames: labelled.map { ($0.system, Optional($0.energy)) })
    }

    func initialModel(seed: UInt64, frames: [(system: System, energy: Double?)]) throws -> DeepPotentialModel {
        var sel = descriptor.sel
        if selAuto {
            guard !frames.isEmpty else {
                throw DeckError(.missingKey, file: url.path, key: "model.descriptor.sel",
                                expected: "sel = [capacities], or training data in [data] train for sel = \"auto\"", found: "\"auto\" without data")
            }
            var maxSeen = [Int](repeating: 0, count: typeMap.count)
            for f in frames {
                let env = try AtomEnvironments(system: f.system, types: f.system.types, rcut: descriptor.rcut,
                                               sel: [Int](repeating: 4096, count: typeMap.count))
                for t in 0..<typeMap.count { maxSeen[t] = max(maxSeen[t], env.maxNeighbors[t]) }
            }
            sel = maxSeen.map { max(1, Int((Double($0) * 1.1).rounded(.up))) }
        }
        let model: DeepPotentialModel
        do { model = try DeepPotentialModel(spec: modelSpec(sel: sel), seed: seed) } catch {
            throw DeckError(.nonPhysical, file: url.path, key: "model", expected: "a valid architecture", found: "\(error)")
        }
        guard !frames.isEmpty else { return model }
        var envs: [AtomEnvironments] = []
        for f in frames {
            let env = try AtomEnvironments(system: f.system, types: f.system.types, rcut: descriptor.rcut, sel: sel)
            if let o = env.overflows.first {
                throw DeckError(.nonPhysical, file: url.path, key: "model.descriptor.sel",
                                expected: "capacities that hold every neighbor in the training data",
                                found: "atom \(o.atom) with \(o.count) \(typeMap[o.neighborType]) neighbors within \(descriptor.rcut) Å (sel \(sel[o.neighborType]))")
            }
            envs.append(env)
        }
        model.statistics = EnvironmentStatistics(environments: envs, switch: model.smoothSwitch, typeCount: typeMap.count)
        let labelled = frames.compactMap { f in f.energy.map { (f.system, $0) } }
        if !labelled.isEmpty {
            let counts = labelled.map { s, _ in (0..<typeMap.count).map { t in s.types.filter { $0 == t }.count } }
            model.energyBias = EnergyBias.leastSquares(counts: counts, energies: labelled.map(\.1), typeCount: typeMap.count)
        }
        return model
    }
}
