import ArgumentParser
import Foundation
import NeuralPotentials
import SymmdDeck

/// `symmd eval (--deck DECK | --model M) --structure FILE [--frame K] [--json]`.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "One energy/force/virial evaluation of a structure with a deck's potential or a model.",
        discussion: prose("""
            With --json, prints exactly one JSON object on stdout: natoms, energy, forces (file order),
            virial (9, row-major W_ab = Σ r_a f_b) and stress (9, −W/V), deck units (eV, Å for a
            model), full precision; warnings go to stderr.
            Examples:
              symmd eval --deck examples/cu-eam.toml --structure config.extxyz --json
              symmd eval --model potentials/cu-emt-se.sdp --structure systems/cu-emt/valid.extxyz --frame 3 --json
            """))

    @Option(help: "The deck whose [potential] to use.") var deck: String?
    @Option(help: "A deep-potential model file (instead of --deck).") var model: String?
    @Option(help: "Structure file (extxyz or LAMMPS data).") var structure: String
    @Option(help: "0-based frame of the structure file.") var frame: Int = 0
    @Flag(help: "Print one JSON object on stdout.") var json = false
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?
    @Option(help: "With --model: network precision, float64, mixed (float32 nets) or float32 (rows too; with --deck the deck's [potential] precision decides).")
    var precision: NetworkPrecision?

    func validate() throws {
        guard (deck == nil) != (model == nil) else {
            throw ValidationError("give exactly one of --deck DECK or --model MODEL")
        }
        if deck != nil, precision != nil {
            throw ValidationError("--precision goes with --model; with --deck set [potential] precision in the deck")
        }
    }

    func run() throws {
        try applyThreads(threads)
        try userFacing {
            let r: EvalResult
            var energyUnit = "eV", lengthUnit = "Å"
            if let deck {
                let d = try PotentialDeck(contentsOf: URL(fileURLWithPath: deck), warn: printError)
                r = try EvalResult(potential: d.potential, typeNames: d.typeNames, units: d.units, structure: URL(fileURLWithPath: structure), frame: frame)
                energyUnit = d.units.names.energy
                lengthUnit = d.units.names.length
            } else {
                let p = try DeepPotential(contentsOf: model!, warn: printError)
                p.model.precision = precision ?? .float64
                r = try EvalResult(potential: p, typeNames: p.typeMap, structure: URL(fileURLWithPath: structure), frame: frame)
            }
            if json {
                print(r.json)
            } else {
                print("natoms \(r.natoms)")
                print("energy \(r.energy) \(energyUnit)")
                print("virial \(r.virial) \(energyUnit)")
                print("stress \(r.stress) \(energyUnit)/\(lengthUnit)³")
            }
        }
    }
}
