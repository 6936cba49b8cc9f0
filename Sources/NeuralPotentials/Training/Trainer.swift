import Atomistics
import Dispatch
import NNCore

/// Fits a deep potential to labelled frames: DeePMD-kit's loss
/// `p_e ΔE²/N + p_f Σ|ΔF|²/(3N) + p_v ΣΔW²/(9N)` with prefactors moving with the learning rate,
/// Adam and the stepped exponential decay; environments are built once per frame.
public final class Trainer {
    /// The model being trained.
    public let model: DeepPotentialModel
    /// The settings.
    public let config: TrainingConfig
    /// Training frames and their environments.
    public let train: [PreparedFrame]
    /// Validation frames and their environments.
    public let valid: [PreparedFrame]
    /// Steps done so far.
    public private(set) var step = 0
    /// The optimiser.
    public let optimizer: Adam
    /// Threads over the atoms of each frame (1: one tape per frame). Results are deterministic
    /// for a given count; different counts differ in the last bits (summation order).
    public var threads = 1
    /// The data-parallel workers (MPI ranks) this trainer is one of: each step the global batch of
    /// `batchSize × size` frames is drawn from the one seeded stream every rank holds, this rank
    /// takes its `batchSize` of them, and the gradients are summed over the ranks in a fixed order
    /// before the same Adam step on every rank. `SingleProcess`: the whole batch here.
    public var group: any ProcessGroup = SingleProcess.shared
    /// Wall time spent in the gradient all-reduce so far (s), and the vector it sums each step (bytes).
    public private(set) var reduceSeconds = 0.0, reduceBytes = 0
    private var reduceBuffer: [Double] = []
    private var rng: RandomGenerator
    private(set) var order: [Int] = []
    private(set) var cursor = 0

    /// A frame with its model types and environments, ready for the loss.
    public struct PreparedFrame: Sendable {
        /// The labelled frame.
        public let frame: LabeledFrame
        /// Its environments under the model's cutoff and sel.
        public let environments: AtomEnvironments
    }

    /// Prepares frames (environments; a sel overflow is an error naming the frame). With
    /// `fitStatistics` the normalisation statistics and energy bias are computed from `train`.
    public init(model: DeepPotentialModel, train: [LabeledFrame], valid: [LabeledFrame], config: TrainingConfig,
                fitStatistics: Bool = true) throws {
        self.model = model
        self.config = config
        model.precision = config.precision
        func prepare(_ frames: [LabeledFrame]) throws -> [PreparedFrame] {
            try Trainer.prepare(frames, model: model, strict: true).frames
        }
        self.train = try prepare(train)
        self.valid = try prepare(valid)
        guard !self.train.isEmpty else {
            throw NeuralPotentialError.invalidSpec(key: "data.train", expected: "at least one training frame", found: "none")
        }
        if fitStatistics {
            model.statistics = EnvironmentStatistics(environments: self.train.map(\.environments), switch: model.smoothSwitch,
                                                     typeCount: model.spec.typeCount)
            let nt = model.spec.typeCount
            let counts = self.train.map { p in (0..<nt).map { t in p.environments.types.filter { $0 == t }.count } }
            model.energyBias = EnergyBias.leastSquares(counts: counts, energies: self.train.map(\.frame.energy), typeCount: nt)
        }
        optimizer = Adam(learningRate: config.startLR)
        rng = RandomGenerator(seed: config.seed)
    }

    /// Frames with their environments for `model`. With `strict`, a frame where some atom has
    /// more neighbors than `sel` is an error naming the frame (training data); otherwise such
    /// atoms are counted in `overflows` (test data).
    public static func prepare(_ frames: [LabeledFrame], model: DeepPotentialModel, strict: Bool) throws
        -> (frames: [PreparedFrame], overflows: Int) {
        let d = model.spec.descriptor
        var overflowCount = 0
        let out = try frames.map { f in
            let types = try model.typeIndices(for: f.system.types.map { f.system.typeNames[$0] })
            let env = try AtomEnvironments(system: f.system, types: types, rcut: d.rcut, sel: d.sel)
            if let o = env.overflows.first, strict {
                throw NeuralPotentialError.selExceeded(atom: o.atom, neighborType: model.spec.typeMap[o.neighborType],
                                                       count: o.count, sel: d.sel[o.neighborType], context: f.source)
            }
            overflowCount += env.overflows.count
            return PreparedFrame(frame: f, environments: env)
        }
        return (out, overflowCount)
    }

    /// The frame-order generator's state (for checkpoints).
    var rngState: [UInt64] { rng.state }

    /// Sets the step, frame order and generator (checkpoint restore).
    func restoreState(step: Int, order: [Int], cursor: Int, rng: RandomGenerator) {
        self.step = step
        self.order = order
        self.cursor = cursor
        self.rng = rng
    }

    /// The learning rate at the current step (the schedule's; the loss prefactors follow it).
    public var learningRate: Double { config.schedule.rate(at: step) }

    /// The optimiser's learning rate: the schedule's scaled by `scale_by_worker` for the group's size.
    public var effectiveLearningRate: Double { learningRate * config.scaleByWorker.factor(workers: group.size) }

    /// The next global batch, `batchSize × group.size` training frames (a seeded shuffle per epoch);
    /// every rank draws the same.
    private func nextBatch() -> [Int] {
        var out: [Int] = []
        while out.count < config.batchSize * group.size {
            if cursor >= order.count {
                order = rng.permutation(train.count)
                cursor = 0
            }
            out.append(order[cursor])
            cursor += 1
        }
        return out
    }

    /// The loss of one frame as a tensor (recorded, differentiable in the weights), and the
    /// frame's squared errors (energy per atom², force components summed) for reporting.
    public func loss(_ p: PreparedFrame, prefactors pf: (energy: Double, force: Double, virial: Double))
        -> (loss: Tensor, energyError: Double, forceSquares: Double, forceCount: Int) {
        let n = Double(p.environments.atomCount)
        let needForces = pf.force != 0 && p.frame.forces != nil
        let needVirial = pf.virial != 0 && p.frame.virial != nil
        var total: Tensor
        var eErr = 0.0, fSq = 0.0, fCount = 0
        if needForces || needVirial {
            let ev = model.evaluateGraph(p.environments, createGraph: true)
            let dE = ev.energy - p.frame.energy
            eErr = dE.scalar / n
            total = dE * dE * (pf.energy / n)
            if needForces, let ref = p.frame.forces {
                let dF = ev.forces - Tensor(shape: [p.environments.atomCount, 3], scalars: ref)
                let sq = (dF * dF).sum()
                fSq = sq.scalar
                fCount = ref.count
                total = total + sq * (pf.force / (3 * n))
            }
            if needVirial, let ref = p.frame.virial {
                let dW = ev.virial - Tensor(shape: [3, 3], scalars: ref)
                total = total + (dW * dW).sum() * (pf.virial / (9 * n))
            }
        } else {
            // Energy only: no force graph needed.
            var real: [Int] = []
            var d: [Double] = []
            let env = p.environments
            for sl in 0..<(env.atomCount * env.slotCount) where env.neighbor[sl] >= 0 {
                real.append(sl)
                d += env.displacement[(3 * sl)..<(3 * sl + 3)]
            }
            let e = model.atomEnergiesGraph(env, realSlots: real, displacements: Tensor(shape: [real.count, 3], scalars: d)).sum()
            let dE = e - p.frame.energy
            eErr = dE.scalar / n
            total = dE * dE * (pf.energy / n)
        }
        return (total, eErr, fSq, fCount)
    }

    /// What one optimiser step reports.
    public struct StepResult: Sendable {
        /// The global batch's energy RMSE per atom (eV) and force RMSE (eV/Å).
        public var energyRMSE: Double, forceRMSE: Double
        /// The ranks' `votes`, summed (the same on every rank).
        public var votes: [Double]
    }

    /// One optimiser step on a batch; returns the batch's energy RMSE per atom (eV) and force
    /// RMSE (eV/Å).
    @discardableResult
    public func trainStep() -> (energyRMSE: Double, forceRMSE: Double) {
        let r = trainStep(votes: { [] })
        return (r.energyRMSE, r.forceRMSE)
    }

    /// One optimiser step on this rank's share of the global batch; `votes` (a stop request, say),
    /// asked for once the gradients are computed, are summed over the ranks with them, so every rank
    /// learns them at the same step.
    public func trainStep(votes vote: () -> [Double]) -> StepResult {
        let pf = config.prefactors(learningRate: learningRate)
        let global = nextBatch()
        let batch = Array(global[(group.rank * config.batchSize)..<((group.rank + 1) * config.batchSize)])
        let scale = 1 / Double(global.count)
        let params = model.parameters
        var grads: [Tensor]
        var e2 = 0.0, f2 = 0.0, fc = 0.0
        if threads > 1 {
            grads = params.map { $0.value.zerosLike() }
            for k in batch {
                let r = splitGradients(train[k], prefactors: pf, scale: scale)
                for j in grads.indices { grads[j] = grads[j] + r.gradients[j] }
                e2 += r.energyError * r.energyError
                f2 += r.forceSquares
                fc += Double(r.forceCount)
            }
            grads = grads.map { $0.detached() }
        } else {
            var total: Tensor? = nil
            for k in batch {
                let l = loss(train[k], prefactors: pf)
                total = total.map { $0 + l.loss } ?? l.loss
                e2 += l.energyError * l.energyError
                f2 += l.forceSquares
                fc += Double(l.forceCount)
            }
            grads = grad(of: total! * scale, wrt: params.map(\.value))
        }
        let votes = vote()
        var summedVotes = votes
        if group.size > 1 {
            // One buffer (kept between steps: no 4 MB allocation per step): every gradient, the error
            // sums, the votes; summed over the ranks.
            let count = grads.reduce(0) { $0 + $1.count }
            if reduceBuffer.count != count + 3 + votes.count { reduceBuffer = [Double](repeating: 0, count: count + 3 + votes.count) }
            reduceBuffer.withUnsafeMutableBufferPointer { b in
                var at = 0
                for g in grads {
                    g.scalars.withUnsafeBufferPointer { src in
                        (b.baseAddress! + at).update(from: src.baseAddress!, count: src.count)
                    }
                    at += g.count
                }
                b[count] = e2; b[count + 1] = f2; b[count + 2] = fc
                for (k, v) in votes.enumerated() { b[count + 3 + k] = v }
            }
            let t0 = DispatchTime.now().uptimeNanoseconds
            group.allReduceSum(&reduceBuffer)
            reduceSeconds += Double(DispatchTime.now().uptimeNanoseconds - t0) * 1e-9
            reduceBytes = 8 * reduceBuffer.count
            var at = 0
            grads = grads.map { g in
                defer { at += g.count }
                return Tensor(shape: g.shape, scalars: Array(reduceBuffer[at..<(at + g.count)]))
            }
            (e2, f2, fc) = (reduceBuffer[count], reduceBuffer[count + 1], reduceBuffer[count + 2])
            summedVotes = Array(reduceBuffer[(count + 3)...])
        }
        optimizer.learningRate = effectiveLearningRate
        optimizer.step(params, gradients: grads)
        step += 1
        return StepResult(energyRMSE: (e2 / Double(global.count)).squareRoot(), forceRMSE: fc > 0 ? (f2 / fc).squareRoot() : 0,
                          votes: summedVotes)
    }

    /// ∂L/∂w of one frame's loss (times `scale`) with the frame's atoms split over `threads`:
    /// E, F and W are sums of the parts' contributions, so each part's tape is seeded with the
    /// loss's derivative with respect to the totals, ∂L/∂E·E_X + ⟨∂L/∂F, F_X⟩ + ⟨∂L/∂W, W_X⟩.
    func splitGradients(_ p: PreparedFrame, prefactors pf: (energy: Double, force: Double, virial: Double), scale: Double)
        -> (gradients: [Tensor], energyError: Double, forceSquares: Double, forceCount: Int) {
        let env = p.environments
        let n = env.atomCount
        let parts = max(1, min(threads, n))
        let ranges = (0..<parts).map { k in (n * k / parts)..<(n * (k + 1) / parts) }
        let params = model.parameters.map(\.value)
        let model = self.model
        // Pass 1: each part's E, F, W on its own tape.
        var evals = [GraphEvaluation?](repeating: nil, count: parts)
        evals.withUnsafeMutableBufferPointer { ev in
            let box = UncheckedSendable(ev)
            ConcurrentBlocks.run(parts) { k in
                box.value[k] = model.evaluateGraph(env.subset(ranges[k]), createGraph: true)
            }
        }
        let parts1 = evals.map { $0! }
        let energy = parts1.reduce(0) { $0 + $1.energy.scalar }
        var forces = [Double](repeating: 0, count: 3 * n), virial = [Double](repeating: 0, count: 9)
        for e in parts1 {
            for j in 0..<(3 * n) { forces[j] += e.forces.scalars[j] }
            for j in 0..<9 { virial[j] += e.virial.scalars[j] }
        }
        let natoms = Double(n)
        let dE = energy - p.frame.energy
        let cE = scale * 2 * pf.energy * dE / natoms
        var rF: Tensor? = nil, rW: Tensor? = nil
        var fSq = 0.0, fCount = 0
        if pf.force != 0, let ref = p.frame.forces {
            let d = zip(forces, ref).map { $0 - $1 }
            fSq = d.reduce(0) { $0 + $1 * $1 }
            fCount = ref.count
            rF = Tensor(shape: [n, 3], scalars: d.map { scale * 2 * pf.force * $0 / (3 * natoms) })
        }
        if pf.virial != 0, let ref = p.frame.virial {
            rW = Tensor(shape: [3, 3], scalars: zip(virial, ref).map { scale * 2 * pf.virial * ($0 - $1) / (9 * natoms) })
        }
        // Pass 2: each part's tape seeded with the loss's derivative with respect to the totals.
        let seedF = rF, seedW = rW
        var partGrads = [[Tensor]](repeating: [], count: parts)
        partGrads.withUnsafeMutableBufferPointer { pg in
            let box = UncheckedSendable(pg)
            ConcurrentBlocks.run(parts) { k in
                let e = parts1[k]
                var surrogate = e.energy * cE
                if let seedF { surrogate = surrogate + (e.forces * seedF).sum() }
                if let seedW { surrogate = surrogate + (e.virial * seedW).sum() }
                box.value[k] = grad(of: surrogate, wrt: params)
            }
        }
        var grads = partGrads[0]
        for k in 1..<parts { for j in grads.indices { grads[j] = grads[j] + partGrads[k][j] } }
        return (grads, dE / natoms, fSq, fCount)
    }

    /// Errors of the current model on prepared frames (fused path).
    public func metrics(_ frames: [PreparedFrame]) -> ErrorMetrics {
        Self.metrics(model: model, frames: frames)
    }

    /// Errors of `model` on prepared frames (fused path, no tape).
    public static func metrics(model: DeepPotentialModel, frames: [PreparedFrame]) -> ErrorMetrics {
        metrics(frames: frames, predictions: frames.map { Prediction(model.evaluateFused($0.environments)) })
    }

    /// What a model predicts for one frame: energy (eV), forces (eV/Å, 3N flat), virial (eV, 3×3 row-major).
    public struct Prediction: Sendable, Equatable {
        /// Total energy (eV).
        public var energy: Double
        /// Forces, 3N flat (eV/Å).
        public var forces: [Double]
        /// Virial, row-major 3×3 (eV).
        public var virial: [Double]

        /// The fused evaluation's energy, forces and virial.
        public init(_ e: FusedEvaluation) { (energy, forces, virial) = (e.energy, e.forces, e.virial) }

        /// From its parts.
        public init(energy: Double, forces: [Double], virial: [Double]) {
            (self.energy, self.forces, self.virial) = (energy, forces, virial)
        }
    }

    /// `model`'s predictions for `frames` split over `group`'s ranks (contiguous shares): rank 0
    /// receives all of them in frame order, the same numbers one process would compute; the other
    /// ranks receive nil.
    public static func predictions(model: DeepPotentialModel, frames: [PreparedFrame], group: any ProcessGroup)
        -> [Prediction]? {
        let mine = group.share(of: frames.count).map { Prediction(model.evaluateFused(frames[$0].environments)) }
        guard group.size > 1 else { return mine }
        let flat = group.gatherDoubles(mine.flatMap { [$0.energy] + $0.forces + $0.virial })
        guard group.isRoot else { return nil }
        var at = 0
        return frames.map { f in
            let n = 3 * f.environments.atomCount
            defer { at += 1 + n + 9 }
            return Prediction(energy: flat[at], forces: Array(flat[(at + 1)..<(at + 1 + n)]),
                              virial: Array(flat[(at + 1 + n)..<(at + 10 + n)]))
        }
    }

    /// Errors of `predictions` against the frames' labels.
    public static func metrics(frames: [PreparedFrame], predictions: [Prediction]) -> ErrorMetrics {
        var m = ErrorMetrics()
        var eAbs = 0.0, eSq = 0.0, ePAbs = 0.0, ePSq = 0.0, fAbs = 0.0, fSq = 0.0, fN = 0
        var vAbs = 0.0, vSq = 0.0, vN = 0
        for (p, out) in zip(frames, predictions) {
            let n = Double(p.environments.atomCount)
            let dE = out.energy - p.frame.energy
            eAbs += abs(dE); eSq += dE * dE
            ePAbs += abs(dE) / n; ePSq += (dE / n) * (dE / n)
            if let f = p.frame.forces {
                for (a, b) in zip(out.forces, f) { let d = a - b; fAbs += abs(d); fSq += d * d }
                fN += f.count
            }
            if let w = p.frame.virial {
                for (a, b) in zip(out.virial, w) { let d = (a - b) / n; vAbs += abs(d); vSq += d * d }
                vN += 9
            }
        }
        let nf = Double(max(frames.count, 1))
        m.frames = frames.count
        m.energyMAE = eAbs / nf; m.energyRMSE = (eSq / nf).squareRoot()
        m.energyMAEPerAtom = ePAbs / nf; m.energyRMSEPerAtom = (ePSq / nf).squareRoot()
        if fN > 0 { m.forceMAE = fAbs / Double(fN); m.forceRMSE = (fSq / Double(fN)).squareRoot() }
        if vN > 0 { m.virialMAEPerAtom = vAbs / Double(vN); m.virialRMSEPerAtom = (vSq / Double(vN)).squareRoot() }
        return m
    }
}
