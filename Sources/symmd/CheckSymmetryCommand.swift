import ArgumentParser
import Foundation
import NeuralPotentials
import SymmdDeck

/// `symmd check-symmetry --model M --structure S [--trials N] [--json]`.
struct CheckSymmetryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-symmetry",
        abstract: "Check that a model's energy is invariant and its forces equivariant on a structure.",
        discussion: prose("""
            Applies random translations, proper rotations, reflections (improper rotations),
            permutations of like atoms and lattice shifts with wrapping; prints, per transformation,
            the largest energy and force deviations, and exits 1 when one exceeds tolerance × scale
            (scales: max(1, |E|) eV and max(1, max|F|) eV/Å).
            JSON keys: translation, rotation, reflection, permutation, periodic_shift (each
            { energy_max_abs, force_max_abs, virial_max_abs, applicable }) and passed.
            Example:
              symmd check-symmetry --model potentials/cu-emt-se.sdp --structure systems/cu-emt/valid.extxyz --json
            """))

    @Option(help: "A deep-potential model file.") var model: String
    @Option(help: "Structure file (extxyz or LAMMPS data).") var structure: String
    @Option(help: "0-based frame of the structure file.") var frame: Int = 0
    @Option(help: "Random transformations of each kind.") var trials: Int = 5
    @Option(help: "Seed of the random transformations.") var seed: UInt64 = 1
    @Option(help: "Relative tolerance (default 1e-8 in float64, \(Self.reducedPrecisionTolerance) in mixed and float32).") var tolerance: Double?
    @Option(help: "Network precision: float64, mixed (float32 nets, float64 geometry and sums) or float32 (rows and their derivatives too).")
    var precision: NetworkPrecision = .float64

    /// What mixed and float32 precision hold: inputs and weights are rounded to 2⁻²⁴ relative, and a
    /// transformed structure rounds differently, so invariance holds to a few float32 roundings
    /// of the energy and force scales, not to float64's.
    static let reducedPrecisionTolerance = 1e-5
    @Flag(help: "Print one JSON object on stdout.") var json = false
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?

    func run() throws {
        try applyThreads(threads)
        var passed = true
        try userFacing {
            let p = try DeepPotential(contentsOf: model, warn: printError)
            p.model.precision = precision
            let tolerance = self.tolerance ?? (precision == .float64 ? 1e-8 : Self.reducedPrecisionTolerance)
            let system = try RunDeck.readStructure(URL(fileURLWithPath: structure), frame: frame, units: .metal,
                                                   typeNames: p.typeMap, deckFile: structure, key: "--structure")
            let r = try SymmetryCheck.run(potential: p, system: system, trials: max(1, trials), seed: seed, tolerance: tolerance)
            passed = r.passed
            if json {
                print(r.json)
                return
            }
            print("# \(system.count) atoms, \(trials) trials per transformation, tolerance \(tolerance) relative "
                  + "(energy scale \(r.energyScale) eV, force scale \(r.forceScale) eV/Å)")
            print("transformation      max |ΔE| (eV)    max |ΔF| (eV/Å)   max |ΔW| (eV)")
            for (name, d) in r.entries {
                if d.applicable {
                    print(name.padding(toLength: 16, withPad: " ", startingAt: 0)
                          + String(format: " %16.3e %18.3e %15.3e", d.energyMaxAbs, d.forceMaxAbs, d.virialMaxAbs))
                } else {
                    print(name.padding(toLength: 16, withPad: " ", startingAt: 0) + "      n/a (not periodic)")
                }
            }
            print(r.passed ? "passed" : "FAILED: a deviation exceeds the tolerance")
        }
        if !passed { throw ExitCode(1) }
    }
}
