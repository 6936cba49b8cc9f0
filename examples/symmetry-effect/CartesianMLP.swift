import Atomistics
import NNCore
import NeuralPotentials

/// The model with no symmetry built in: an MLP from the 3N flattened Cartesian coordinates (in
/// file order) to the total energy, forces −∂E/∂x by autodiff.
///
/// `E = ē + net((x − μ)/σ)` with μ, σ the mean and standard deviation of all training
/// coordinates and ē the mean training energy (the se models' least-squares bias, for one species).
final class CartesianMLP {
    /// The network [3N, hidden…, 1], tanh, linear output.
    let net: MLP
    /// Atoms per frame N (the input width is fixed at 3N).
    let atomCount: Int
    /// Input standardisation (Å) and energy shift (eV).
    var inputMean = 0.0, inputScale = 1.0, energyShift = 0.0

    /// An untrained MLP, weights from a generator seeded with `seed`.
    init(atomCount: Int, hidden: [Int], seed: UInt64) {
        var rng = RandomGenerator(seed: seed)
        self.atomCount = atomCount
        net = MLP(widths: [3 * atomCount] + hidden + [1], activation: .tanh, skip: false, timestep: false,
                  linearOutput: true, initializer: .glorotNormal, using: &rng)
    }

    /// Trainable numbers.
    var parameterCount: Int { net.parameterCount }

    /// Sets μ, σ and ē from the training frames.
    func fitStatistics(_ frames: [LabeledFrame]) {
        let xs = frames.flatMap(\.system.positions)
        let mean = xs.reduce(0, +) / Double(xs.count)
        inputMean = mean
        inputScale = (xs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(xs.count)).squareRoot()
        energyShift = frames.map(\.energy).reduce(0, +) / Double(frames.count)
    }

    /// Energies [B] (eV) and forces [B, 3N] (eV/Å) of a batch of flattened coordinates. With
    /// `createGraph` the forces are recorded, so a loss on them differentiates to the weights.
    func evaluate(_ positions: [[Double]], createGraph: Bool) -> (energy: Tensor, forces: Tensor) {
        let b = positions.count, w = 3 * atomCount
        precondition(positions.allSatisfy { $0.count == w }, "CartesianMLP: every frame needs \(atomCount) atoms")
        let x = Tensor(shape: [b, w], scalars: positions.flatMap { $0 }).requiringGrad()
        let e = net((x - inputMean) * (1 / inputScale)).reshaped([b]) + energyShift
        let g = grad(of: e.sum(), wrt: x, createGraph: createGraph)
        return (e, -g)
    }
}

/// Trains a ``CartesianMLP`` with the se models' loss, schedule, batch order and step budget
/// (``TrainingConfig``), optionally rotating every batch frame by a fresh random proper rotation.
final class MLPTrainer {
    let model: CartesianMLP
    let config: TrainingConfig
    let train: [LabeledFrame]
    /// Random-rotation augmentation on or off.
    let augment: Bool
    private(set) var step = 0
    private let optimizer: Adam
    private var orderRNG: RandomGenerator
    private var rotationRNG: Xoshiro256StarStar
    private var order: [Int] = []
    private var cursor = 0

    /// A trainer; the statistics of the model are fitted to `train`.
    init(model: CartesianMLP, train: [LabeledFrame], config: TrainingConfig, augment: Bool, augmentationSeed: UInt64) {
        self.model = model
        self.config = config
        self.train = train
        self.augment = augment
        model.fitStatistics(train)
        optimizer = Adam(learningRate: config.startLR)
        orderRNG = RandomGenerator(seed: config.seed)
        rotationRNG = Xoshiro256StarStar(seed: augmentationSeed)
    }

    /// The next batch, in the same seeded order as `Trainer` (a shuffle per epoch).
    private func nextBatch() -> [Int] {
        var out: [Int] = []
        while out.count < config.batchSize {
            if cursor >= order.count {
                order = orderRNG.permutation(train.count)
                cursor = 0
            }
            out.append(order[cursor])
            cursor += 1
        }
        return out
    }

    /// One Adam step on DeePMD-kit's loss `p_e ΔE²/N + p_f Σ|ΔF|²/(3N)` averaged over the batch.
    func trainStep() throws {
        let lr = config.schedule.rate(at: step)
        let pf = config.prefactors(learningRate: lr)
        var frames = nextBatch().map { train[$0] }
        if augment {
            frames = try frames.map { try $0.rotated(by: SymmetryCheck.randomRotation(&rotationRNG), about: $0.cellCentre) }
        }
        let b = frames.count, n = Double(model.atomCount)
        let out = model.evaluate(frames.map(\.system.positions), createGraph: true)
        let dE = out.energy - Tensor(shape: [b], scalars: frames.map(\.energy))
        let dF = out.forces - Tensor(shape: [b, 3 * model.atomCount], scalars: frames.flatMap { $0.forces! })
        let loss = ((dE * dE).sum() * (pf.energy / n) + (dF * dF).sum() * (pf.force / (3 * n))) * (1 / Double(b))
        let params = model.net.parameters
        let grads = grad(of: loss, wrt: params.map(\.value))
        optimizer.learningRate = lr
        optimizer.step(params, gradients: grads)
        step += 1
    }

    /// Force RMSE (eV/Å) and energy RMSE per atom (eV/atom) of `model` on `frames`.
    static func metrics(_ model: CartesianMLP, _ frames: [LabeledFrame]) -> (force: Double, energyPerAtom: Double) {
        var fSq = 0.0, fN = 0, eSq = 0.0
        let n = Double(model.atomCount)
        for start in stride(from: 0, to: frames.count, by: 50) {
            let chunk = Array(frames[start..<min(start + 50, frames.count)])
            let out = model.evaluate(chunk.map(\.system.positions), createGraph: false)
            for (k, f) in chunk.enumerated() {
                let d = (out.energy.scalars[k] - f.energy) / n
                eSq += d * d
                let row = out.forces.scalars[(k * 3 * model.atomCount)..<((k + 1) * 3 * model.atomCount)]
                for (a, r) in zip(row, f.forces!) { fSq += (a - r) * (a - r) }
                fN += 3 * model.atomCount
            }
        }
        return ((fSq / Double(max(fN, 1))).squareRoot(), (eSq / Double(max(frames.count, 1))).squareRoot())
    }
}
