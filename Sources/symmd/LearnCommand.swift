import ArgumentParser
import Atomistics
import Foundation
import SymmdDeck
import TrajectoryIO

/// `symmd learn LOOP.toml`: the concurrent-learning loop.
struct LearnCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "learn",
        abstract: "Active learning: train a committee, explore with MD, select by model deviation, label, repeat (DP-GEN's loop).",
        discussion: prose("""
            Each iteration trains the loop's committee from its fit deck (plus every frame labelled
            so far, seeds apart), runs the [[explore]] MD with the committee writing its model
            deviation, selects DP-GEN's candidates (trust_lo ≤ max_devi_f < trust_hi, at most
            max_candidates, seeded), runs the labeller command on them ({in}: candidates extxyz,
            {out}: the labelled extxyz it must write, with energies and forces) and adds what it
            wrote. It stops when the candidate fraction falls below stop_fraction or after
            iterations. Every iteration has its folder under work, and work/state.json records each
            finished phase: run the same command again after a kill and it resumes there. A labeller
            that fails, or writes frames without forces, stops the loop with its message and the
            state untouched.
            Example:
              symmd learn examples/active-learning/learn.toml
            """))

    @Argument(help: "The loop deck (TOML).") var deck: String
    @Option(help: "Threads (default: SYMMD_THREADS or 1).") var threads: Int?

    func run() throws {
        try userFacing {
            try applyThreads(threads)
            let d = try LearnDeck(contentsOf: URL(fileURLWithPath: deck))
            let loop = try LearnLoop(deck: d)
            loop.onMessage = { print("# \($0)") }
            if !loop.state.history.isEmpty { print("# resuming at iteration \(loop.state.iteration), phase \(loop.state.phase)") }
            do { try loop.run() } catch let e as LearnError {
                printError("error: \(e)")
                throw ExitCode(1)
            }
            print(LearnLoop.header)
            for r in loop.state.history { print(LearnLoop.row(r)) }
            print("# \(loop.state.finished ?? "stopped"): \(loop.state.history.count) iterations; state \(d.work.appendingPathComponent("state.json").path)")
        }
    }
}

/// `symmd label --deck D IN OUT`: a labeller from any deck's potential (EAM, LJ, a model), for
/// `symmd learn` and tests: every frame of IN evaluated and written to OUT with energy, forces and
/// stress, as ASE writes labelled extxyz.
struct LabelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "label",
        abstract: "Label structures with a deck's potential: energy, forces and stress into extxyz (a labeller for symmd learn).",
        discussion: prose("""
            Reads every frame of IN (any format symmd reads), evaluates it with the deck's [potential]
            and writes OUT as extxyz with energy (eV), forces (eV/Å) and stress (eV/Å³), as ASE writes
            labelled data.
            Example:
              symmd label --deck examples/cu-eam.toml candidates.extxyz labelled.extxyz
            """))

    @Option(help: "The deck whose [potential] labels.") var deck: String
    @Argument(help: "Structures to label.") var input: String
    @Argument(help: "The labelled extxyz to write.") var output: String

    func run() throws {
        try userFacing {
            let d = try PotentialDeck(contentsOf: URL(fileURLWithPath: deck), warn: printError)
            var out = ""
            for frame in try ExtXYZ.read(URL(fileURLWithPath: input)) {
                let system = try frame.system(units: d.units)
                let r = try d.potential.evaluate(system)
                out += try ExtXYZ.string([ExtXYZFrame(system: system, energy: r.energy, forces: r.forces, virial: r.virial)])
            }
            try out.write(toFile: output, atomically: true, encoding: .utf8)
        }
    }
}
