import NNCore
import NeuralPotentials

/// One of the compared regressors of the cluster energy from the coordinates [batch, n, 3].
struct Model {
    /// The name in the table and the CSV file.
    let name: String
    /// The network: a ``DeepSet`` on the set of atoms, or an `MLP` on the concatenated coordinates.
    let network: any Layer
    /// What the network reads.
    let input: Input
    /// Whether every training batch has its atoms reordered at random (data augmentation).
    let augmented: Bool
    /// Per-feature mean and standard deviation the flat input is standardized with (MLP only).
    var standardization: (mean: Tensor, std: Tensor)? = nil

    /// Sets the MLP's input standardization from the training coordinates [count, n, 3]: each of the
    /// 3n inputs is shifted and scaled to mean 0 and variance 1 over the training set (with
    /// augmentation, over all atoms alike, as a reordered copy would see them).
    mutating func standardize(from x: Tensor) {
        guard input == .flat else { return }
        let (b, n) = (x.shape[0], x.shape[1]), f = 3 * n
        var sum = [Double](repeating: 0, count: f), sumSq = sum
        for s in 0..<b {
            for k in 0..<f {
                let v = x.scalars[s * f + k]
                sum[k] += v
                sumSq[k] += v * v
            }
        }
        var count = Double(b)
        if augmented {  // every atom may sit in every slot: pool each coordinate's statistics over the atoms
            for c in 0..<3 {
                let (t, tt) = (stride(from: c, to: f, by: 3).map { sum[$0] }.reduce(0, +),
                               stride(from: c, to: f, by: 3).map { sumSq[$0] }.reduce(0, +))
                for k in stride(from: c, to: f, by: 3) { (sum[k], sumSq[k]) = (t, tt) }
            }
            count *= Double(n)
        }
        let m = sum.map { $0 / count }
        let sd = zip(sumSq, m).map { max($0 / count - $1 * $1, 1e-12).squareRoot() }
        standardization = (Tensor(m), Tensor(sd))
    }

    /// The deep set over atoms φ((1/n) Σ_j g(x_j)) on centroid-relative coordinates: g 3 → 32 → 32, φ 32 → 32 → 1 (tanh).
    static func deepSet(seed: UInt64) -> Model {
        var rng = RandomGenerator(seed: seed)
        let ds = DeepSet(inputs: 3, elementWidths: [32, 32], readoutWidths: [32], outputs: 1, pooling: .mean, using: &rng)
        return Model(name: "deep set (atoms)", network: ds, input: .atoms, augmented: false)
    }

    /// An MLP 3n → 64 → 64 → 64 → 1 (tanh) on [x₁, y₁, z₁, …, xₙ, yₙ, zₙ]; with `augmented`, trained on
    /// randomly reordered copies of the training configurations.
    static func mlp(atoms: Int, augmented: Bool, seed: UInt64) -> Model {
        var rng = RandomGenerator(seed: seed)
        let net = MLP(widths: [3 * atoms, 64, 64, 64, 1], using: &rng)
        return Model(name: augmented ? "MLP + perm. aug." : "MLP", network: net, input: .flat, augmented: augmented)
    }

    /// The deep set over the P = n(n−1)/2 pairs: φ((1/P) Σ_{i<j} g(r_ij)), g 1 → 32 → 32, φ 32 → 32 → 1 (tanh).
    static func pairDeepSet(seed: UInt64) -> Model {
        var rng = RandomGenerator(seed: seed)
        let ds = DeepSet(inputs: 1, elementWidths: [32, 32], readoutWidths: [32], outputs: 1, pooling: .mean, using: &rng)
        return Model(name: "deep set (pairs)", network: ds, input: .pairDistances, augmented: false)
    }

    /// Predictions [batch, 1] for coordinates [batch, n, 3].
    func callAsFunction(_ x: Tensor) -> Tensor {
        switch input {
        case .atoms: return network(x)
        case .flat:
            let flat = x.reshaped([x.shape[0], x.shape[1] * x.shape[2]])
            if let (m, sd) = standardization { return network((flat - m) / sd) }
            return network(flat)
        case .pairDistances: return network(pairDistances(x))
        }
    }
}

/// What a model reads from the coordinates [batch, n, 3].
enum Input: Equatable {
    /// The set of n atoms, each its 3 coordinates.
    case atoms
    /// The 3n coordinates concatenated in atom order.
    case flat
    /// The set of n(n−1)/2 pairs, each its distance r_ij.
    case pairDistances
}

/// The pair distances [batch, n(n−1)/2, 1] of coordinates [batch, n, 3] (data, not differentiated).
func pairDistances(_ x: Tensor) -> Tensor {
    let (b, n) = (x.shape[0], x.shape[1])
    var out: [Double] = []
    out.reserveCapacity(b * n * (n - 1) / 2)
    for s in 0..<b {
        for i in 0..<n {
            for j in (i + 1)..<n {
                var r2 = 0.0
                for c in 0..<3 {
                    let d = x.scalars[(s * n + i) * 3 + c] - x.scalars[(s * n + j) * 3 + c]
                    r2 += d * d
                }
                out.append(r2.squareRoot())
            }
        }
    }
    return Tensor(shape: [b, n * (n - 1) / 2, 1], scalars: out)
}

/// How every model is trained.
struct Settings {
    /// Adam steps, the same for every training-set size (so a small set is seen for many more epochs).
    var steps: Int
    /// Configurations per step (the whole set when it is smaller): full batches by default, since
    /// batches of 32 or 256 made the pair deep set's Adam runs stall at a much larger error.
    var batchSize = Int.max
    /// Initial learning rate, annealed by a cosine to `minimumRate`.
    var learningRate = 3e-3
    /// Final learning rate.
    var minimumRate = 1e-5
}

/// Trains `model` by Adam on batches (full by default) of the MSE of standardized energies `y` for coordinates `x`.
func train(_ model: Model, x: Tensor, y: Tensor, settings: Settings, seed: UInt64) {
    var rng = RandomGenerator(seed: seed)          // batch order: the same for every model
    var augmentRng = RandomGenerator(seed: seed &+ 1)
    let params = model.network.parameters
    let optimizer = Adam(learningRate: settings.learningRate)
    let schedule = CosineLR(start: settings.learningRate, minimum: settings.minimumRate, totalSteps: settings.steps)
    let n = x.shape[0], batch = min(settings.batchSize, n)
    var order = rng.permutation(n), cursor = 0
    for step in 0..<settings.steps {
        var index: [Int] = []
        while index.count < batch {
            if cursor == n { order = rng.permutation(n); cursor = 0 }
            index.append(order[cursor])
            cursor += 1
        }
        var xb = x.indexSelect(index)
        if model.augmented { xb = permuteAtoms(xb, using: &augmentRng) }
        optimizer.learningRate = schedule.rate(at: step)
        let loss = Loss.mse(model(xb), y.indexSelect(index))
        optimizer.step(params, gradients: grad(of: loss, wrt: params.map(\.value)))
    }
}

/// Root-mean-square error of `model` on `x` against energies `e`, undoing the standardization.
func rmse(_ model: Model, x: Tensor, e: Tensor, mean: Double, std: Double) -> Double {
    let p = withNoGrad { model(x) }
    let se = zip(p.scalars, e.scalars).map { (mean + std * $0 - $1) * (mean + std * $0 - $1) }
    return (se.reduce(0, +) / Double(se.count)).squareRoot()
}
