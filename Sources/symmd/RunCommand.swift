import ArgumentParser
import Atomistics
import Foundation
import NNCore
import NeuralPotentials
import SymmdDeck

/// Writes to standard error.
func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}

/// Sets Atomistics' thread count from `--threads` or `SYMMD_THREADS` (1 when neither), and tunes
/// malloc for the large short-lived buffers of neural potentials (no page fault per reuse); BLAS
/// runs on the calling thread unless `OPENBLAS_NUM_THREADS` says otherwise.
func applyThreads(_ threads: Int?) throws {
    if let threads, threads < 1 { throw ValidationError("--threads: expected a whole number ≥ 1, found \(threads)") }
    let text = ProcessInfo.processInfo.environment["SYMMD_THREADS"]
    let env = text.flatMap(Int.init)
    if let text, !(env.map { $0 >= 1 } ?? false) {
        throw ValidationError("SYMMD_THREADS: expected a whole number ≥ 1, found '\(text)'")
    }
    AtomisticsParallel.threads = threads ?? env ?? 1
    Allocator.tuneForTensors()
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { Parallel.setBLASThreads(1) }
}

/// Runs `body`, printing a `DeckError` (or any error) as one line without a stack trace and
/// exiting 1.
func userFacing(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let e as DeckError {
        printError("error: \(e)")
        throw ExitCode(1)
    } catch let e as ExitCode {
        throw e
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
}


/// `symmd run DECK [--restart CKPT] [--threads N] [--walltime HH:MM:SS]`.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the molecular dynamics a TOML deck describes.",
        discussion: prose("""
            Prints a thermo table every [output.thermo] every steps (energies total, deck units) and
            writes the thermo CSV, the trajectory (AMBER NetCDF for a .nc file, extxyz otherwise)
            and checkpoints the deck asks for. --restart appends to the existing trajectory.
            Example:
              symmd run examples/quickstart.toml
              symmd run examples/quickstart.toml --restart out/quickstart/run.ckpt
            """))

    @Argument(help: "The run deck (TOML).") var deck: String
    @Option(help: "Continue from this checkpoint (bit-identical to an uninterrupted run).") var restart: String?
    @Option(help: "Threads for force and neighbor loops (default: SYMMD_THREADS or 1).") var threads: Int?
    @Option(help: "Stop cleanly (checkpoint, outputs flushed) before this wall time, HH:MM:SS (overrides [output] walltime).")
    var walltime: String?

    func validate() throws {
        if let walltime, Walltime.seconds(walltime) == nil {
            throw ValidationError("--walltime: expected HH:MM:SS (e.g. 11:55:00), found '\(walltime)'")
        }
    }

    func run() throws {
        try applyThreads(threads)
        try userFacing {
            try Ranks.refuseSeveral("run", instead: "run it without mpirun and use --threads, or run the model in LAMMPS over MPI through KIM (make kim)")
            let d = try RunDeck(contentsOf: URL(fileURLWithPath: deck), warn: printError)
            let driver = try RunDriver(deck: d, restart: restart.map { URL(fileURLWithPath: $0) })
            let tty = isatty(1) != 0
            let names = d.units.names
            var progress = Progress(total: d.totalSteps, tty: tty)
            func line(_ r: ThermoRow) {
                progress.clear()
                print(String(format: "%10d %12.5g %12.6g %16.10g %16.10g %16.10g %14.6g %16.10g", r.step, r.time, r.temperature,
                             r.potentialEnergy, r.kineticEnergy, r.totalEnergy, r.pressure, r.conserved)
                      + r.extras.map { String(format: " %14.8g", $0) }.joined()
                      + r.diagnostics.map { String(format: " %12d", $0) }.joined())
            }
            driver.onMessage = { m in progress.clear(); print("# \(m)") }
            print("# \(d.url.lastPathComponent): \(driver.state.system.count) atoms, units \(d.units.rawValue) (energy \(names.energy), time \(names.time), T \(names.temperature), P \(names.pressure)); T over the integrator's degrees of freedom")
            var heads = [("step", 10), ("time", 12), ("temp", 12), ("pe", 16), ("ke", 16), ("etotal", 16), ("press", 14), ("conserved", 16)]
            heads += d.thermoColumns.map { ($0.csvName, 14) }
            heads += ((d.potential as? PotentialDiagnostics)?.diagnosticNames ?? []).map { ($0, 12) }
            print(heads.map { String(repeating: " ", count: max(0, $0.1 - $0.0.count)) + $0.0 }.joined(separator: " "))
            if let m = driver.minimization {
                print("# FIRE: \(m.converged ? "converged" : "not converged") after \(m.steps) steps, E = \(m.energy) \(names.energy), max |F_i| = \(m.maxForce) \(names.energy)/\(names.length)")
            }
            if let r = driver.initialRow { line(r) } else { print("# restarted at step \(driver.state.system.step)") }
            driver.onThermo = line
            driver.onProgress = { done, total in progress.update(done) }
            StopSignals.install()
            let summary = try driver.run(shouldStop: { StopSignals.number != 0 }, walltime: walltime.flatMap(Walltime.seconds))
            StopSignals.uninstall()
            progress.clear()
            if let reason = summary.stopReason, let ckpt = summary.stopCheckpoint {
                let sig = StopSignals.number
                let why = reason == "walltime" ? "the wall-time limit" : StopSignals.name
                print("# stopped by \(why) after step \(summary.finalStep): checkpoint \(ckpt.path) (continue with --restart \(ckpt.path))")
                if reason == "interrupted" { throw ExitCode(128 + sig) }
                return
            }
            let rate = summary.seconds > 0 ? Double(summary.steps) / summary.seconds : 0
            print("# done: \(summary.steps) steps in \(String(format: "%.2f", summary.seconds)) s (\(String(format: "%.1f", rate)) steps/s), final step \(summary.finalStep)")
            print("# neighbor list builds: \(summary.neighborBuilds), dangerous builds: \(summary.dangerousBuilds)")
            var outs = [String]()
            if let f = d.thermo.file { outs.append("thermo \(f.path)") }
            if let f = d.trajectory?.file { outs.append("trajectory \(f.path)") }
            if let f = d.dump?.file { outs.append("dump \(f.path)") }
            if let f = d.checkpoint?.file { outs.append("checkpoint \(f.path)") }
            if !outs.isEmpty { print("# outputs: " + outs.joined(separator: ", ")) }
        }
    }
}

/// A progress bar with rate and ETA on a terminal; plain lines on stderr every few seconds otherwise.
struct Progress {
    let total: Int
    let tty: Bool
    let start = Date()
    var lastPrint = Date()
    var shown = false
    /// Extra text after the rate and ETA (e.g. the current validation errors of a fit).
    var note = ""

    init(total: Int, tty: Bool) {
        self.total = total
        self.tty = tty
    }

    mutating func update(_ done: Int) {
        let now = Date()
        let interval = tty ? 0.2 : 5.0
        guard now.timeIntervalSince(lastPrint) >= interval || done == total else { return }
        lastPrint = now
        let elapsed = now.timeIntervalSince(start)
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let fraction = total > 0 ? Double(done) / Double(total) : 1
        if tty {
            let width = 30, filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardOutput.write(Data((String(format: "\r[%@] %5.1f%% %d/%d  %.1f steps/s  ETA %.0f s ", bar, 100 * fraction, done, total, rate, eta) + note).utf8))
            shown = true
        } else if done < total {
            printError(String(format: "progress: step %d/%d (%.0f%%), %.1f steps/s, ETA %.0f s", done, total, 100 * fraction, rate, eta)
                       + (note.isEmpty ? "" : "; " + note))
        }
    }

    mutating func clear() {
        guard tty, shown else { return }
        FileHandle.standardOutput.write(Data("\r\u{1B}[2K".utf8))
        shown = false
    }
}

