import Atomistics
import NNCore
@testable import NeuralPotentials

/// Small random structures and models for the neural-potential tests (debug-build sized).
enum NPFixtures {
    /// A generator for test geometry (seeded).
    static func rng(_ seed: UInt64) -> RandomGenerator { RandomGenerator(seed: seed) }

    /// A box: cubic, triclinic or left-handed triclinic (rows a, b, c in Å).
    static func boxVectors(_ kind: String, length L: Double) -> [Double] {
        switch kind {
        case "triclinic": return [L, 0, 0, 0.31 * L, 0.93 * L, 0, -0.22 * L, 0.17 * L, 1.05 * L]
        case "left": return [L, 0, 0, 0.31 * L, 0.93 * L, 0, 0.22 * L, -0.17 * L, -1.05 * L]
        default: return [L, 0, 0, 0, L, 0, 0, 0, L]
        }
    }

    /// `n` atoms at random in a periodic box (or an open cluster when `periodic` is false),
    /// no two closer than `minDistance` (Å); species alternate at random over `species`.
    static func structure(seed: UInt64, n: Int, species: [String] = ["Cu"], box kind: String = "cubic",
                          length L: Double = 7.0, periodic: Bool = true, minDistance: Double = 1.9) throws -> System {
        var g = rng(seed)
        let h = boxVectors(kind, length: L)
        let box = try Box(vectors: h, periodic: [Bool](repeating: periodic, count: 3))
        var pos: [Double] = []
        var types: [Int] = []
        var tries = 0
        while types.count < n {
            tries += 1
            precondition(tries < 100_000, "NPFixtures: could not place \(n) atoms")
            let f = (0..<3).map { _ in g.nextUniform() }
            var x = [0.0, 0.0, 0.0]
            for a in 0..<3 { for b in 0..<3 { x[b] += f[a] * h[3 * a + b] } }
            var ok = true
            for k in 0..<types.count {
                var d = (pos[3 * k] - x[0], pos[3 * k + 1] - x[1], pos[3 * k + 2] - x[2])
                if periodic { box.minimumImage(&d) }
                if (d.0 * d.0 + d.1 * d.1 + d.2 * d.2).squareRoot() < minDistance { ok = false; break }
            }
            guard ok else { continue }
            pos += x
            types.append(species.count == 1 ? 0 : Int(g.nextUniform() * Double(species.count)) % species.count)
        }
        return try System(positions: pos, types: types, masses: species.map { _ in 63.546 }, typeNames: species, box: box)
    }

    /// A small random model (cheap in debug builds) with statistics from `calibration`.
    static func model(kind: DescriptorKind = .seE2A, species: [String] = ["Cu"], typeOneSide: Bool = true,
                      seed: UInt64 = 1, rcut: Double = 4.0, rcutSmooth: Double = 3.0, sel: Int = 40,
                      resnetDt: Bool = true, calibration: System? = nil) throws -> DeepPotentialModel {
        let spec = ModelSpec(
            typeMap: species,
            descriptor: DescriptorSpec(kind: kind, rcut: rcut, rcutSmooth: rcutSmooth,
                                       sel: species.map { _ in sel }, neuron: [4, 8, 16], axisNeuron: 4,
                                       typeOneSide: typeOneSide, resnetDt: resnetDt),
            fitting: FittingSpec(neuron: [12, 12], resnetDt: true))
        let m = try DeepPotentialModel(spec: spec, seed: seed)
        if let sys = calibration {
            let env = try AtomEnvironments(system: sys, types: try m.typeIndices(for: sys.types.map { sys.typeNames[$0] }),
                                           rcut: rcut, sel: spec.descriptor.sel)
            m.statistics = EnvironmentStatistics(environments: [env], switch: m.smoothSwitch, typeCount: species.count)
        }
        var g = rng(seed &+ 99)
        m.energyBias = species.map { _ in -3 + g.nextUniform() }
        return m
    }

    /// Environments of `system` for `model`.
    static func environments(_ system: System, _ model: DeepPotentialModel) throws -> AtomEnvironments {
        try AtomEnvironments(system: system, types: try model.typeIndices(for: system.types.map { system.typeNames[$0] }),
                             rcut: model.spec.descriptor.rcut, sel: model.spec.descriptor.sel)
    }

    /// Largest |a_k − b_k|.
    static func maxAbsDiff(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).map { abs($0 - $1) }.max() ?? 0
    }

    /// Largest |a_k|.
    static func maxAbs(_ a: [Double]) -> Double { a.map(abs).max() ?? 0 }
}
