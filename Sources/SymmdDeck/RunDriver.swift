import Atomistics
import Foundation

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
    /// Why the run ended early, when it did: "interrupted" (the caller's stop request, e.g.
    /// SIGINT/SIGTERM) or "walltime" (the deck's or caller's wall-time limit); nil when it ran
    /// every step (or stopped at `stopAtStep`).
    public var stopReason: String? = nil
    /// The checkpoint written when it ended early.
    public var stopCheckpoint: URL? = nil
}

/// Runs a deck: the system, the potential's force evaluator and the stages in order; the outputs
/// are reporters (``RunReporters``) that say at which steps they want a report and what they need,
/// and the driver computes only that (energies only where some reporter asks). Holds no physics of
/// its own: it calls Atomistics' integrators and observables, and never names a potential kind.
public final class RunDriver {
    /// The deck being run.
    public let deck: RunDeck
    /// The current state (what a checkpoint holds).
    public private(set) var state: RunState
    /// The force evaluator (potential + neighbor list).
    public private(set) var forces: ForceEvaluator
    /// Called with each thermo row (also written to the CSV when the deck asks).
    public var onThermo: ((ThermoRow) -> Void)? {
        didSet { thermo?.onRow = onThermo }
    }
    /// Called after each step with (steps done in the whole run, total steps of the run).
    public var onProgress: ((Int, Int) -> Void)?
    /// Called with human-readable notes (stage starts, minimisation, checkpoints).
    public var onMessage: ((String) -> Void)?
    /// What the `[minimize]` FIRE relaxation reached (nil when the deck has none, or after a restart).
    public private(set) var minimization: MinimizationResult?
    /// The thermo row of the state the driver started from (step 0, or nil after a restart).
    public private(set) var initialRow: ThermoRow?

    /// The deck's outputs, in registration order.
    private var reporters: [any RunReporter] = []
    /// The thermo reporter among them (the CLI's table hangs on it).
    private var thermo: ThermoReporter?
    private let buildsBefore: Int, dangerousBefore: Int

    /// The locks on the deck's output files, held from the start until `run` returns.
    private var lock: OutputLock?

    /// The reporter makers this driver asks (``RunReporters/makers`` unless given).
    private let makers: [RunReporters.Maker]

    /// Sets up a fresh run (structure, velocities, first forces, optional FIRE minimisation), or
    /// continues from `restart` (a checkpoint written by an earlier run of the same deck).
    /// `reporters` are the output formats to offer the deck (the registered ones by default).
    ///
    /// - Throws: `DeckError`.
    public init(deck: RunDeck, restart: URL? = nil, reporters: [RunReporters.Maker] = RunReporters.makers) throws {
        self.deck = deck
        makers = reporters
        let file = deck.url.path
        if let restart {
            let saved = try RunState(contentsOf: restart)
            guard saved.system.units == deck.units else {
                throw DeckError(.badFile, file: restart.path, key: "restart", expected: "a checkpoint in units \(deck.units.rawValue)", found: saved.system.units.rawValue)
            }
            guard saved.stageIndex <= deck.stages.count else {
                throw DeckError(.badFile, file: restart.path, key: "restart", expected: "a checkpoint of a deck with \(deck.stages.count) stages", found: "stage \(saved.stageIndex + 1)")
            }
            state = saved
            do {
                forces = try ForceEvaluator(potential: deck.potential, neighbors: saved.neighbors)
            } catch {
                throw DeckError(.badFile, file: restart.path, key: "restart", expected: "a checkpoint made with this deck's potential", found: "\(error)")
            }
            buildsBefore = saved.buildCount - saved.neighbors.buildCount
            dangerousBefore = saved.dangerousBuildCount - saved.neighbors.dangerousBuildCount
            try openReporters(restart: (saved.system.step, saved.system.time))
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
            do {
                minimization = try fire.minimize(&state.system, forces: &forces)
            } catch let e as AtomisticsError {
                throw DeckError(.nonPhysical, file: file, key: fire.cellRelaxation == nil ? "minimize" : "minimize.relax_cell",
                                expected: "a structure FIRE can relax", found: "\(e)")
            }
        }
        for w in RunSanity.startWarnings(state.system, neighbors: forces.neighbors, virial: forces.virial) { deck.warn(w) }
        try openReporters(restart: nil)
        let row = thermoRow()
        initialRow = row
        let wanted = self.reporters.map { $0.needs(atStep: state.system.step, isLast: false) }
        var atomEnergies: [Double]? = nil
        var atomVirials: [Double]? = nil
        let wantsE = wanted.contains { $0?.contains(.atomEnergies) == true }, wantsW = wanted.contains { $0?.contains(.atomVirials) == true }
        if wantsE || wantsW {
            forces.perAtomEnergies = wantsE
            forces.perAtomVirials = wantsW
            try forces.evaluate(&state.system, updateNeighbors: false)
            atomEnergies = forces.result.perAtomEnergy
            atomVirials = forces.result.perAtomVirial
            forces.perAtomEnergies = false
            forces.perAtomVirials = false
        }
        let view = RunReport(system: state.system, row: row, virial: forces.virial, atomEnergies: atomEnergies, atomVirials: atomVirials,
                             isLastGood: false, state: checkpointState)
        for (r, w) in zip(self.reporters, wanted) where w != nil { try r.report(view) }
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
                         diagnostics: (deck.potential as? PotentialDiagnostics)?.diagnosticValues ?? [],
                         extras: deck.thermoColumns.map { $0.value(s, virial: forces.virial) })
    }

    /// Integrates every remaining step of every stage (or stops once step `stopAtStep` is done,
    /// as if the run were killed there), writing outputs on their intervals.
    ///
    /// - Throws: `DeckError.runFailed` naming the step when the energy or a force becomes NaN,
    ///   infinite or explodes (the last good frame is appended to the trajectory first).
    ///
    /// A clean stop: when `shouldStop` returns true (checked before each step; a signal handler's
    /// flag, say) or the wall-time limit (`walltime`, else the deck's) is about to pass, the step
    /// under way becomes the run's last: every reporter gets its final report (the thermo row with
    /// energies), a checkpoint is written (the deck's checkpoint file, else `interrupted.ckpt`
    /// beside the first output) and the summary says why.
    @discardableResult
    public func run(stopAtStep: Int? = nil, shouldStop: () -> Bool = { false }, walltime: Double? = nil) throws -> RunSummary {
        let total = deck.totalSteps
        var done = deck.stages.prefix(state.stageIndex).reduce(0) { $0 + $1.steps } + state.stepInStage
        let start = Date()
        var integrated = 0
        let limit = walltime ?? deck.walltime
        var stopReason: String? = nil, stopCheckpoint: URL? = nil
        defer {
            for r in reporters { r.close() }
            lock?.release()
        }
        stages: while state.stageIndex < deck.stages.count {
            let spec = deck.stages[state.stageIndex]
            if state.integrator == nil { state.integrator = try RunDriver.makeIntegrator(deck, stage: state.stageIndex) }
            do {
                try state.integrator?.validate(state.system)
            } catch {
                throw DeckError(.nonPhysical, file: deck.url.path, key: "run[\(state.stageIndex + 1)].barostat", expected: "a cell the barostat can move", found: "\(error)")
            }
            if state.stepInStage == 0 {
                onMessage?("stage \(state.stageIndex + 1)/\(deck.stages.count): \(spec.kind.rawValue), \(spec.steps) steps of \(spec.timestep) \(deck.units.names.time)")
            }
            while state.stepInStage < spec.steps {
                // Stop before the limit with room for two more steps (the slowest seen so far).
                var stopping: String? = shouldStop() ? "interrupted" : nil
                if stopping == nil, let limit, integrated > 0 {
                    let elapsed = Date().timeIntervalSince(start)
                    if elapsed + 2 * elapsed / Double(integrated) >= limit { stopping = "walltime" }
                }
                let next = state.system.step + 1
                let last = done + 1 == total || stopping != nil
                // The union of what the reporters want after this step decides what is computed.
                let wanted = reporters.map { $0.needs(atStep: next, isLast: last) }
                let wantsEnergy = wanted.contains { $0?.contains(.energy) == true }
                var integrator = state.integrator!
                // A barostat reads the virial every step: the step before must have computed it
                // (after a restart, or when an NVT stage hands over to an NPT one).
                if integrator.movesCell && !forces.lastEvaluationHasVirial {
                    forces.forcesOnly = false
                    try forces.evaluate(&state.system, updateNeighbors: false)
                }
                forces.forcesOnly = !wantsEnergy && !integrator.movesCell
                let wantsAtomEnergies = wanted.contains { $0?.contains(.atomEnergies) == true }
                if forces.perAtomEnergies != wantsAtomEnergies { forces.perAtomEnergies = wantsAtomEnergies }
                let wantsAtomVirials = wanted.contains { $0?.contains(.atomVirials) == true }
                if forces.perAtomVirials != wantsAtomVirials { forces.perAtomVirials = wantsAtomVirials }
                let good = state.system
                var system = state.system
                do {
                    try integrator.step(&system, forces: &forces)
                } catch let e as AtomisticsError {
                    reportLastGood(good)
                    throw DeckError(.runFailed, file: deck.url.path, key: "step \(next)", expected: "finite energies and forces",
                                    found: "\(e); the last good frame (step \(good.step)) is the last one in the trajectory")
                }
                // The cheap every-step check: stop at the first step that is plainly wrong.
                if let why = RunSanity.stepFailure(before: good, after: system, skin: forces.neighbors.skin, timestep: integrator.timestep) {
                    reportLastGood(good)
                    throw DeckError(.runFailed, file: deck.url.path, key: "step \(next)", expected: "a stable step",
                                    found: "\(why); the last good frame (step \(good.step)) is the last one in the trajectory")
                }
                state.system = system
                state.integrator = integrator
                state.stepInStage += 1
                done += 1
                integrated += 1
                let step = state.system.step
                var row: ThermoRow? = nil
                if wantsEnergy {
                    let r = thermoRow()
                    let n = Double(max(1, state.system.count))
                    if !r.totalEnergy.isFinite || abs(r.potentialEnergy) / n > 1e6 || r.kineticEnergy / n > 1e6 {
                        reportLastGood(good)
                        throw DeckError(.runFailed, file: deck.url.path, key: "step \(step)", expected: "a bounded energy",
                                        found: "PE = \(r.potentialEnergy), KE = \(r.kineticEnergy) (exploded); the last good frame (step \(good.step)) is the last one in the trajectory")
                    }
                    row = r
                }
                if wanted.contains(where: { $0 != nil }) {
                    let view = RunReport(system: state.system, row: row, virial: wantsEnergy ? forces.virial : nil,
                                         atomEnergies: wantsAtomEnergies ? forces.result.perAtomEnergy : nil,
                                         atomVirials: wantsAtomVirials ? forces.result.perAtomVirial : nil,
                                         isLastGood: false, state: checkpointState)
                    for (r, w) in zip(reporters, wanted) where w != nil { try r.report(view) }
                }
                onProgress?(done, total)
                if let stopping {
                    let url = deck.checkpoint?.file ?? interruptCheckpointURL
                    try writeCheckpoint(to: url)
                    stopReason = stopping
                    stopCheckpoint = url
                    break stages
                }
                if let stopAtStep, step >= stopAtStep { break stages }
            }
            state.stageIndex += 1
            state.stepInStage = 0
            state.integrator = nil
        }
        return RunSummary(steps: integrated, finalStep: state.system.step,
                          neighborBuilds: buildsBefore + forces.neighbors.buildCount,
                          dangerousBuilds: dangerousBefore + forces.neighbors.dangerousBuildCount,
                          seconds: Date().timeIntervalSince(start), stopReason: stopReason, stopCheckpoint: stopCheckpoint)
    }

    /// Where an early stop writes its checkpoint when the deck names none: `interrupted.ckpt` in the
    /// folder of the first output (thermo, then trajectory), else the deck's.
    var interruptCheckpointURL: URL {
        let folder = (deck.thermo.file ?? deck.trajectory?.file)?.deletingLastPathComponent() ?? deck.url.deletingLastPathComponent()
        return folder.appendingPathComponent("interrupted.ckpt")
    }

    /// Writes the current state as a checkpoint.
    ///
    /// - Throws: the file system's error.
    public func writeCheckpoint(to url: URL) throws {
        try checkpointState().write(to: url)
    }

    /// The whole resumable state: the run state with the evaluator's neighbor list and the build
    /// counts of the whole run.
    private func checkpointState() -> RunState {
        var s = state
        s.neighbors = forces.neighbors
        s.buildCount = buildsBefore + forces.neighbors.buildCount
        s.dangerousBuildCount = dangerousBefore + forces.neighbors.dangerousBuildCount
        return s
    }

    // MARK: Reporters

    /// Makes every registered reporter the deck asks for (after a restart each keeps what the
    /// earlier run wrote up to the checkpoint).
    private func openReporters(restart: (step: Int, time: Double)?) throws {
        var outputs: [(URL, String)] = []
        for (spec, key) in [(deck.thermo, "output.thermo.file"), (deck.trajectory, "output.trajectory.file"),
                            (deck.dump, "output.dump.file"), (deck.modelDevi, "output.model_devi.file"),
                            (deck.checkpoint, "output.checkpoint.file")] {
            if let url = spec?.file { outputs.append((url, key)) }
        }
        lock = try OutputLock(outputs, deckFile: deck.url.path)
        let context = ReporterContext(deck: deck, system: state.system, restart: restart,
                                      diagnosticNames: (deck.potential as? PotentialDiagnostics)?.diagnosticNames ?? [])
        reporters = try makers.compactMap { try $0(context) }
        thermo = reporters.lazy.compactMap { $0 as? ThermoReporter }.first
        thermo?.onRow = onThermo
    }

    /// Hands the last good frame before a failure to every reporter.
    private func reportLastGood(_ system: System) {
        let view = RunReport(system: system, row: nil, virial: nil, isLastGood: true, state: checkpointState)
        for r in reporters { r.reportLastGood(view) }
    }
}
