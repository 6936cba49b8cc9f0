import Atomistics
import Foundation

/// The spread of a committee of models on one frame, with DeePMD-kit's definitions
/// (`deepmd/infer/model_devi.py`): population standard deviations over the models (ddof 0).
///
/// - force: per atom ε_F,i = ‖std_k F_i‖ = √⟨‖F_i − ⟨F_i⟩‖²⟩ (eV/Å); max, min and mean over atoms;
/// - virial: per component σ_ab = std_k(W_ab/N) (eV); max and min over the 9 components and ‖σ‖/3;
/// - energy: std_k(E/N) (eV).
public struct ModelDeviation: Sendable, Equatable {
    /// max_ab σ_ab, min_ab σ_ab, ‖σ‖/3 of the virial per atom (eV).
    public var maxVirial, minVirial, avgVirial: Double
    /// max_i, min_i, mean_i of ε_F,i (eV/Å).
    public var maxForce, minForce, avgForce: Double
    /// std_k(E_k/N) (eV).
    public var energy: Double
    /// ε_F,i per atom (eV/Å).
    public var atomForce: [Double]

    /// The deviation of `energies` (eV), `forces` (3N each, eV/Å) and `virials` (9 each, eV) of
    /// the same frame of `atoms` atoms by each model. With `relative` (eV/Å) each atom's force
    /// deviation is divided by ‖⟨F_i⟩‖ + relative, and with `relativeVirial` (eV) the virial's by
    /// ‖⟨W⟩/N‖ + relativeVirial: DeePMD-kit's `relative` and `relative_v` levels (dimensionless then).
    public init(energies: [Double], forces: [[Double]], virials: [[Double]], atoms n: Int,
                relative: Double? = nil, relativeVirial: Double? = nil) {
        let k = Double(max(1, energies.count))
        func std(_ values: [Double]) -> Double {
            let m = values.reduce(0, +) / k
            return (values.reduce(0) { $0 + ($1 - m) * ($1 - m) } / k).squareRoot()
        }
        let nAtoms = Double(max(1, n))
        energy = std(energies.map { $0 / nAtoms })
        var sigma = [Double](repeating: 0, count: 9)
        for c in 0..<9 { sigma[c] = std(virials.map { $0[c] / nAtoms }) }
        if let level = relativeVirial {
            var mean = 0.0
            for c in 0..<9 { let m = virials.reduce(0) { $0 + $1[c] / nAtoms } / k; mean += m * m }
            sigma = sigma.map { $0 / (mean.squareRoot() + level) }
        }
        maxVirial = sigma.max() ?? 0
        minVirial = sigma.min() ?? 0
        avgVirial = sigma.reduce(0) { $0 + $1 * $1 }.squareRoot() / 3
        var perAtom = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var s = 0.0
            for c in 0..<3 { let v = std(forces.map { $0[3 * i + c] }); s += v * v }
            perAtom[i] = s.squareRoot()
            if let level = relative {
                var mean = 0.0
                for c in 0..<3 { let m = forces.reduce(0) { $0 + $1[3 * i + c] } / k; mean += m * m }
                perAtom[i] /= mean.squareRoot() + level
            }
        }
        atomForce = perAtom
        maxForce = perAtom.max() ?? 0
        minForce = perAtom.min() ?? 0
        avgForce = n == 0 ? 0 : perAtom.reduce(0, +) / Double(n)
    }

    /// DeePMD-kit's `model_devi.out` header line (np.savetxt's "# " then `%10s` step and `%19s` columns).
    public static let header: String = "# " + pad("step", 10)
        + ["max_devi_v", "min_devi_v", "avg_devi_v", "max_devi_f", "min_devi_f", "avg_devi_f", "devi_e"].map { pad($0, 19) }.joined()

    /// One `model_devi.out` line: the step as `%12d`, the seven values as `%19.6e`.
    public func line(step: Int) -> String {
        String(format: "%12d", step) + [maxVirial, minVirial, avgVirial, maxForce, minForce, avgForce, energy]
            .map { String(format: "%19.6e", $0) }.joined()
    }

    static func pad(_ s: String, _ width: Int) -> String {
        String(repeating: " ", count: max(0, width - s.count)) + s
    }

    /// The rows of a `model_devi.out` file: (step, max_devi_f) with every column, in file order.
    ///
    /// - Throws: `NeuralPotentialError.badModelDeviationFile` naming the line that does not parse.
    public static func read(_ text: String, file: String) throws -> [(step: Int, values: [Double])] {
        var rows: [(Int, [Double])] = []
        for (k, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            let parts = t.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 8, let step = Int(parts[0]) else {
                throw NeuralPotentialError.badModelDeviationFile(file: file, line: k + 1, found: String(t.prefix(60)))
            }
            var values = [Double]()
            for p in parts.dropFirst() {
                guard let v = Double(p), v.isFinite else {
                    throw NeuralPotentialError.badModelDeviationFile(file: file, line: k + 1, found: String(p))
                }
                values.append(v)
            }
            rows.append((step, values))
        }
        return rows
    }
}

/// A committee of deep potentials evaluated on the same frames (DP-GEN's exploration models).
public struct Committee: Sendable {
    /// The models, the first one the one that drives a run.
    public let models: [DeepPotential]

    /// A committee of `models`.
    ///
    /// - Throws: `NeuralPotentialError.incompatibleCommittee` when the models do not share one
    ///   type map and one cutoff (their deviations would not compare like with like).
    public init(_ models: [DeepPotential], names: [String]) throws {
        guard models.count >= 2 else {
            throw NeuralPotentialError.incompatibleCommittee("expected at least 2 models, found \(models.count)")
        }
        let first = models[0]
        for (m, name) in zip(models, names).dropFirst() {
            guard m.typeMap == first.typeMap else {
                throw NeuralPotentialError.incompatibleCommittee("\(name) has type map \(m.typeMap), \(names[0]) has \(first.typeMap)")
            }
            guard m.cutoff == first.cutoff else {
                throw NeuralPotentialError.incompatibleCommittee("\(name) has cutoff \(m.cutoff) Å, \(names[0]) has \(first.cutoff) Å")
            }
        }
        self.models = models
    }

    /// The deviation of the models on `system` (each model evaluated with its own list), with
    /// DeePMD-kit's optional relative levels (``ModelDeviation/init(energies:forces:virials:atoms:relative:relativeVirial:)``).
    ///
    /// - Throws: what an evaluation throws (an element a model does not know, …).
    public func deviation(_ system: System, relative: Double? = nil, relativeVirial: Double? = nil) throws -> ModelDeviation {
        var energies = [Double](), forces = [[Double]](), virials = [[Double]]()
        for m in models {
            let r = try m.evaluate(system)
            energies.append(r.energy)
            forces.append(r.forces)
            virials.append(r.virial)
        }
        return ModelDeviation(energies: energies, forces: forces, virials: virials, atoms: system.count,
                              relative: relative, relativeVirial: relativeVirial)
    }
}

/// A run's potential when the deck names a committee: the first model drives the dynamics (as
/// LAMMPS `pair_style deepmd` does with several models), the others are evaluated only when a
/// model-deviation output asks (``Committee/deviation(_:)``).
public final class CommitteePotential: Potential, PotentialDiagnostics, Sendable {
    /// The committee; `models[0]` drives.
    public let committee: Committee

    /// The potential of `committee`.
    public init(_ committee: Committee) { self.committee = committee }

    /// The driving model's cutoff (Å).
    public var cutoff: Double { committee.models[0].cutoff }
    /// A full list, as every deep potential.
    public var needsFullNeighborList: Bool { true }
    /// The driving model's counters.
    public var diagnosticNames: [String] { committee.models[0].diagnosticNames }
    /// The driving model's counter values.
    public var diagnosticValues: [Int] { committee.models[0].diagnosticValues }

    /// The driving model's energy, forces and virial.
    public func compute(_ system: System, neighbors: NeighborList, into result: inout ForceResult) throws {
        try committee.models[0].compute(system, neighbors: neighbors, into: &result)
    }

    /// The deviation given the driving model's own result for `system` (energy eV, forces eV/Å,
    /// virial eV), evaluating only the other models.
    public func deviation(_ system: System, energy: Double, forces: [Double], virial: [Double]) throws -> ModelDeviation {
        var energies = [energy], allForces = [forces], virials = [virial]
        for m in committee.models.dropFirst() {
            let r = try m.evaluate(system)
            energies.append(r.energy)
            allForces.append(r.forces)
            virials.append(r.virial)
        }
        return ModelDeviation(energies: energies, forces: allForces, virials: virials, atoms: system.count)
    }
}
