import Atomistics
import Foundation
import NeuralPotentials
import TrajectoryIO

/// One thermo row, in the deck's units; energies are totals, not per atom.
public struct ThermoRow: Sendable, Equatable {
    /// Step number (0 at the start).
    public var step: Int
    /// Simulated time (ps in metal, τ in lj).
    public var time: Double
    /// Temperature (K in metal) over the stage integrator's degrees of freedom.
    public var temperature: Double
    /// Potential energy (eV in metal, ε in lj).
    public var potentialEnergy: Double
    /// Kinetic energy (eV in metal).
    public var kineticEnergy: Double
    /// PE + KE (eV in metal).
    public var totalEnergy: Double
    /// Pressure from the virial (bar in metal, ε/σ³ in lj).
    public var pressure: Double
    /// The integrator's conserved quantity (eV in metal).
    public var conserved: Double

    /// With a deep potential: atoms (summed over evaluations) whose neighbors exceeded `sel`.
    public var selOverflow: Int? = nil

    /// The CSV header, exactly as the issue fixes it.
    public static let csvHeader = "step,time,temperature,potential_energy,kinetic_energy,total_energy,pressure,conserved"

    /// The CSV header of a run, with a `sel_overflow` column for deep potentials.
    public static func csvHeader(selOverflow: Bool) -> String { csvHeader + (selOverflow ? ",sel_overflow" : "") }

    /// The row as CSV, every double at full (round-trip) precision.
    public var csv: String {
        "\(step),\(time),\(temperature),\(potentialEnergy),\(kineticEnergy),\(totalEnergy),\(pressure),\(conserved)"
            + (selOverflow.map { ",\($0)" } ?? "")
    }
}

/// What a finished run reports.
public struct RunSummary: Sendable {
    /// Steps integrated by this invocation.
    public var steps: Int
    /// The final step number.
    public var finalStep: Int
    /// Neighbor-list builds over the whole run (checkpointed runs included).
    public var neighborBuilds: Int
    /// Dangerous builds (LAMMPS's meaning) over the whole run.
    public var dangerousBuilds: Int
    /// Wall time of the stepping loop (s).
    public var seconds: Double
}

/// Runs a deck: the system, the potential's force evaluator, the stages in order, and the thermo,
/// trajectory and checkpoint outputs on their intervals. Holds no physics of its own: it calls
/// Atomistics' integrators and observables.
public final class RunDriver {
    /// The deck being run.
    public let deck: RunDeck
    /// The current state (what a checkpoint holds).
    public private(set) var state: RunState
    /// The force evaluator (potential + neighbor list).
    public private(set) var forces: ForceEvaluator
    /// Called with each thermo row (also written to the CSV when the deck asks).
    public var onThermo: ((ThermoRow) -> Void)?
    /// Called after each step with (steps done in the whole run, total steps of the run).
    public var onProgress: ((Int, Int) -> Void)?
    /// Called with human-readable notes (stage starts, minimisation, checkpoints).
    public var onMessage: ((String) -> Void)?
    /// What the `[minimize]` FIRE relaxation reached (nil when the deck has none, or after a restart).
    public private(set) var minimization: MinimizationResult?
    /// The thermo row of the state the driver started from (step 0, or nil after a restart).
    public private(set) var initialRow: ThermoRow?

    private var thermoFile: FileHandle?
    private var trajectoryFile: FileHandle?
    private var netcdf: AmberNetCDFWriter?
    private let buildsBefore: Int, dangerousBefore: Int

    /// Sets up a fresh run (structure, velocities, first forces, optional FIRE minimisation), or
    /// continues from `restart` (a checkpoint written by an earlier run of the same deck).
    ///
    /// - Throws: `DeckError`.
    public init(deck: RunDeck, restart: URL? = nil) throws {
        self.deck = deck
        let file = deck.url.path
        if let restart {
            let saved = try RunState(contentsOf: restart)
            guard saved.system.units == deck.units else {
                throw DeckError(.badFile, file: restart.path, key: "--restart", expected: "a checkpoint in units \(deck.units.rawValue)", found: saved.system.units.rawValue)
            }
            guard saved.stageIndex <= deck.stages.count else {
                throw DeckError(.badFile, file: restart.path, key: "--restart", expected: "a checkpoint of a deck with \(deck.stages.count) stages", found: "stage \(saved.stageIndex + 1)")
            }
            state = saved
            do {
                forces = try ForceEvaluator(potential: deck.potential, neighbors: saved.neighbors)
            } catch {
                throw DeckError(.badFile, file: restart.path, key: "--restart", expected: "a checkpoint made with this deck's potential", found: "\(error)")
            }
            buildsBefore = saved.buildCount - saved.neighbors.buildCount
            dangerousBefore = saved.dangerousBuildCount - saved.neighbors.dangerousBuildCount
            try openOutputs(restartStep: saved.system.step)
            return
        }
        var system = try deck.makeSystem()
        do {
            forces = try ForceEvaluator(potential: deck.potential, skin: deck.neighbors.skin, units: deck.units)
        } catch {
            throw DeckError(.nonPhysical, file: file, key: "neighbors.skin", expected: "a valid skin", found: "\(error)")
        }
        forces.neighbors.every = deck.neighbors.every
        forces.neighbors.delay = deck.neighbors.delay
        forces.neighbors.check = deck.neighbors.check
        do {
            try forces.evaluate(&system)
        } catch let e as AtomisticsError {
            throw DeckError(.nonPhysical, file: file, key: "system", expected: "a physical starting structure", found: "\(e)")
        }
        buildsBefore = 0
        dangerousBefore = 0
        let integrator = try RunDriver.makeIntegrator(deck, stage: 0)
        state = RunState(system: system, neighbors: forces.neighbors, stageIndex: 0, stepInStage: 0, integrator: integrator)
        if let fire = deck.minimize {
            minimization = try fire.minimize(&state.system, forces: &forces)
        }
        try openOutputs(restartStep: nil)
        let row = thermoRow()
        initialRow = row
        try emitThermo(row)
        try writeFrame(state.system)
    }

    static func makeIntegrator(_ deck: RunDeck, stage: Int) throws -> StageIntegrator? {
        guard stage < deck.stages.count else { return nil }
        // Each stage's noise stream: the deck seed mixed with the stage number.
        let seed = deck.seed &+ 0x9E37_79B9_7F4A_7C15 &* UInt64(stage + 1)
        do {
            return try deck.stages[stage].makeIntegrator(seed: seed)
        } catch {
            throw DeckError(.nonPhysical, file: deck.url.path, key: "run[\(stage + 1)]", expected: "valid integrator settings", found: "\(error)")
        }
    }

    /// The thermo row of the current state (needs the energy and virial of the last evaluation).
    public func thermoRow() -> ThermoRow {
        let s = state.system
        let pe = forces.potentialEnergy, ke = s.kineticEnergy
        let dof = state.integrator?.degreesOfFreedom ?? .momentumRemoved
        return ThermoRow(step: s.step, time: s.time, temperature: s.temperature(dof: dof), potentialEnergy: pe,
                         kineticEnergy: ke, totalEnergy: pe + ke, pressure: s.pressure(virial: forces.virial),
                         conserved: state.integrator?.conservedEnergy(s, potentialEnergy: pe) ?? pe + ke,
                         selOverflow: (deck.potential as? DeepPotential)?.selOverflowCount)
    }

    /// Integrates every remaining step of every stage (or stops once step `stopAtStep` is done,
    /// as if the run were killed there), writing outputs on their intervals.
    ///
    /// - Throws: `DeckError.runFailed` naming the step when the energy or a force becomes NaN,
    ///   infinite or explodes (the last good frame is appended to the trajectory first).
    @discardableResult
    public func run(stopAtStep: Int? = nil) throws -> RunSummary {
        let total = deck.totalSteps
        var done = deck.stages.prefix(state.stageIndex).reduce(0) { $0 + $1.steps } + state.stepInStage
        let start = Date()
        var integrated = 0
        defer {
            try? thermoFile?.close()
            try? trajectoryFile?.close()
            netcdf?.close()
        }
        stages: while state.stageIndex < deck.stages.count {
            let spec = deck.stages[state.stageIndex]
            if state.integrator == nil { state.integrator = try RunDriver.makeIntegrator(deck, stage: state.stageIndex) }
            if state.stepInStage == 0 {
                onMessage?("stage \(state.stageIndex + 1)/\(deck.stages.count): \(spec.kind.rawValue), \(spec.steps) steps of \(spec.timestep) \(deck.units.names.time)")
            }
            while state.stepInStage < spec.steps {
                let next = state.system.step + 1
                let last = done + 1 == total
                let wantsEnergy = next % deck.thermo.every == 0 || last
                    || deck.trajectory.map { next % $0.every == 0 } ?? false
                forces.forcesOnly = !wantsEnergy
                let good = state.system
                var integrator = state.integrator!
                var system = state.system
                do {
                    try integrator.step(&system, forces: &forces)
                    state.system = system
                    state.integrator = integrator
                } catch let e as AtomisticsError {
                    try? writeFrame(good, lastGood: true)
                    throw DeckError(.runFailed, file: deck.url.path, key: "step \(next)", expected: "finite energies and forces",
                                    found: "\(e); the last good frame (step \(good.step)) is the last one in the trajectory")
                }
                state.stepInStage += 1
                done += 1
                integrated += 1
                let step = state.system.step
                if wantsEnergy {
                    let row = thermoRow()
                    let n = Double(max(1, state.system.count))
                    if !row.totalEnergy.isFinite || abs(row.potentialEnergy) / n > 1e6 || row.kineticEnergy / n > 1e6 {
                        try? writeFrame(good, lastGood: true)
                        throw DeckError(.runFailed, file: deck.url.path, key: "step \(step)", expected: "a bounded energy",
                                        found: "PE = \(row.potentialEnergy), KE = \(row.kineticEnergy) (exploded); the last good frame (step \(good.step)) is the last one in the trajectory")
                    }
                    if step % deck.thermo.every == 0 || last { try emitThermo(row) }
                }
                if let t = deck.trajectory, step % t.every == 0 { try writeFrame(state.system) }
                if let c = deck.checkpoint, step % c.every == 0, let f = c.file {
                    try writeCheckpoint(to: f)
                }
                onProgress?(done, total)
                if let stopAtStep, step >= stopAtStep { break stages }
            }
            state.stageIndex += 1
            state.stepInStage = 0
            state.integrator = nil
        }
        return RunSummary(steps: integrated, finalStep: state.system.step,
                          neighborBuilds: buildsBefore + forces.neighbors.buildCount,
                          dangerousBuilds: dangerousBefore + forces.neighbors.dangerousBuildCount,
                          seconds: Date().timeIntervalSince(start))
    }

    /// Writes the current state as a checkpoint.
    ///
    /// - Throws: the file system's error.
    public func writeCheckpoint(to url: URL) throws {
        var s = state
        s.neighbors = forces.neighbors
        s.buildCount = buildsBefore + forces.neighbors.buildCount
        s.dangerousBuildCount = dangerousBefore + forces.neighbors.dangerousBuildCount
        try s.write(to: url)
    }

    // MARK: Outputs

    private func openOutputs(restartStep: Int?) throws {
        if let f = deck.thermo.file {
            var text = ThermoRow.csvHeader(selOverflow: deck.potential is DeepPotential) + "\n"
            if let restartStep, let old = try? String(contentsOf: f, encoding: .utf8) {
                // Keep the rows up to the checkpoint's step; the continued run appends the rest.
                for line in old.split(separator: "\n").dropFirst() {
                    if let s = Int(line.prefix { $0 != "," }), s <= restartStep { text += line + "\n" }
                }
            }
            thermoFile = try RunDriver.create(f, text: text, deck: deck, key: "output.thermo.file")
        }
        if let t = deck.trajectory, let f = t.file, t.isNetCDF {
            try openNetCDF(f, spec: t, restartTime: restartStep == nil ? nil : state.system.time)
        } else if let t = deck.trajectory, let f = t.file {
            var text = ""
            if let restartStep, FileManager.default.fileExists(atPath: f.path) {
                let frames = (try? ExtXYZ.read(f)) ?? []
                let kept = frames.filter { ($0.info["step"].flatMap { if case .integer(let s) = $0 { s } else { nil } } ?? Int.max) <= restartStep }
                text = (try? ExtXYZ.string(kept)) ?? ""
            }
            trajectoryFile = try RunDriver.create(f, text: text, deck: deck, key: "output.trajectory.file")
        }
    }

    /// A fresh NetCDF trajectory, or (after a restart) the existing one cut to the frames at or
    /// before the checkpoint's time and opened for appending.
    private func openNetCDF(_ url: URL, spec: OutputSpec, restartTime: Double?) throws {
        let key = "output.trajectory.file"
        do {
            if let restartTime, FileManager.default.fileExists(atPath: url.path) {
                let r = try AmberNetCDFReader(url)
                // Frame times are floats: a frame belongs to the kept part when it is within a
                // quarter of the shortest timestep of the checkpoint's time or before it.
                let tol = 0.25 * (deck.stages.map(\.timestep).min() ?? 0)
                var keep = 0
                while keep < r.frameCount, try r.frame(keep).time <= restartTime + tol { keep += 1 }
                r.close()
                try AmberNetCDFWriter.truncate(url, toFrames: keep)
                netcdf = try AmberNetCDFWriter(appendingTo: url, atomCount: state.system.count)
                return
            }
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            let s = state.system
            let z = s.types.map { Element(symbol: s.typeNames[$0])?.atomicNumber ?? 0 }
            netcdf = try AmberNetCDFWriter(creating: url, atomicNumbers: z, velocities: spec.velocities, forces: spec.forces,
                                           title: "symmd run of \(deck.url.lastPathComponent)", units: deck.units)
            // The topology beside it (same stem, .pdb): VMD and cpptraj need one to load the .nc.
            try PDB.write(positions: s.positions, names: s.types.map { s.typeNames[$0] }, box: s.box,
                          to: url.deletingPathExtension().appendingPathExtension("pdb"))
        } catch let e as AmberNetCDFError {
            throw DeckError(.badFile, file: deck.url.path, key: key, expected: "a writable AMBER NetCDF trajectory", found: "\(e)")
        } catch {
            throw DeckError(.missingFile, file: deck.url.path, key: key, expected: "a writable file", found: "\(url.path): \(error.localizedDescription)")
        }
    }

    private static func create(_ url: URL, text: String, deck: RunDeck, key: String) throws -> FileHandle {
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
            let h = try FileHandle(forWritingTo: url)
            try h.seekToEnd()
            return h
        } catch {
            throw DeckError(.missingFile, file: deck.url.path, key: key, expected: "a writable file", found: "\(url.path): \(error.localizedDescription)")
        }
    }

    private func emitThermo(_ row: ThermoRow) throws {
        onThermo?(row)
        if let h = thermoFile { try h.write(contentsOf: Data((row.csv + "\n").utf8)) }
    }

    private func writeFrame(_ s: System, lastGood: Bool = false) throws {
        if let w = netcdf {
            var frame = AmberFrame(positions: s.positions, velocities: s.velocities, forces: lastGood ? nil : s.forces,
                                   box: s.box, time: s.time)
            if !lastGood && !forces.forcesOnly {
                let dof = state.integrator?.degreesOfFreedom ?? .momentumRemoved
                frame.potentialEnergy = forces.potentialEnergy
                frame.kineticEnergy = s.kineticEnergy
                frame.temperature = s.temperature(dof: dof)
                frame.pressure = s.pressure(virial: forces.virial)
            }
            do {
                try w.write(frame)
            } catch {
                throw DeckError(.badFile, file: deck.url.path, key: "output.trajectory.file", expected: "a writable AMBER NetCDF trajectory", found: "\(error)")
            }
            return
        }
        guard let h = trajectoryFile else { return }
        var info: [String: ExtXYZValue] = ["step": .integer(s.step), "time": .real(s.time)]
        if lastGood { info["last_good"] = .logical(true) }
        if s.units != .metal { info["units"] = .string(s.units.rawValue) }
        let energy = forces.forcesOnly || lastGood ? nil : forces.potentialEnergy
        var frame = ExtXYZFrame(system: s, energy: energy, forces: lastGood ? nil : s.forces,
                                virial: energy == nil ? nil : forces.virial, info: info)
        if deck.trajectory?.velocities == true {
            frame.properties.insert(.init(name: "vel", type: .real, count: 3), at: 2)
            frame.columns["vel"] = .reals(s.velocities)
        }
        try h.write(contentsOf: Data(try ExtXYZ.string([frame]).utf8))
    }
}
