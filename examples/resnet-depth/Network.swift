import NNCore
import Foundation

/// The regression task: a smooth function of a few inputs.
struct Problem {
    /// Input dimension.
    let dimension = 4
    /// Training inputs [n, d] and targets [n, 1].
    let trainX: Tensor, trainY: Tensor
    /// Test inputs and targets.
    let testX: Tensor, testY: Tensor
    /// The target in words.
    let formula = "y = sin(2x₁)·cos(x₂) + x₃x₄ + 0.5·sin(3x₄)"
    var trainCount: Int { trainX.shape[0] }
    var testCount: Int { testX.shape[0] }

    /// Points uniform on [−1, 1]^d from `rng`.
    init(using rng: inout RandomGenerator) {
        func sample(_ n: Int) -> (Tensor, Tensor) {
            let x = Tensor.randomUniform([n, 4], low: -1, high: 1, using: &rng)
            let y = (0..<n).map { i -> Double in
                let v = x.scalars[(4 * i)..<(4 * i + 4)].map { $0 }
                return sin(2 * v[0]) * cos(v[1]) + v[2] * v[3] + 0.5 * sin(3 * v[3])
            }
            return (x, Tensor(shape: [n, 1], scalars: y))
        }
        (trainX, trainY) = sample(1024)
        (testX, testY) = sample(1024)
    }

    /// The variance of the training targets.
    var targetVariance: Double {
        let m = trainY.scalars.reduce(0, +) / Double(trainCount)
        return trainY.scalars.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(trainCount)
    }
}

/// How both networks are built and trained.
struct Settings {
    /// Hidden layers.
    var depth: Int
    /// Passes over the training set.
    var epochs: Int
    /// Hidden width.
    var width = 32
    /// Samples per step.
    var batchSize = 64
    /// Step size.
    var learningRate = 1e-3
    /// Hidden activation.
    var activation: Activation = .tanh
    /// The activation's name for the report.
    var activationName: String { "\(activation)" }
    /// The optimiser in words.
    var optimizerName: String { "Adam (rate \(learningRate))" }
}

/// The initial weights shared by the plain and the residual network.
struct InitialWeights {
    /// (weight, bias) of every dense layer, input layer first.
    let layers: [(Tensor, Tensor)]

    /// Weights and biases uniform on ±1/√fan-in (PyTorch's `nn.Linear` default), drawn from `rng`.
    init(problem: Problem, settings: Settings, using rng: inout RandomGenerator) {
        let widths = [problem.dimension] + Array(repeating: settings.width, count: settings.depth + 1) + [1]
        layers = (0..<(widths.count - 1)).map { k in
            let a = 1 / Double(widths[k]).squareRoot()
            return (Tensor.randomUniform([widths[k], widths[k + 1]], low: -a, high: a, using: &rng),
                    Tensor.randomUniform([widths[k + 1]], low: -a, high: a, using: &rng))
        }
    }
}

/// dense d→w, `depth` hidden layers w→w (each h ← f(Wh + b), or h ← h + f(Wh + b) with
/// skips), dense w→1.
final class DeepNetwork: Layer {
    /// The input layer (activated).
    let input: Dense
    /// The hidden layers, each wrapped in `Residual` when skips are on.
    let hidden: [any Layer]
    /// The linear read-out.
    let output: Dense

    /// The network from the shared weights.
    init(_ w: InitialWeights, residual: Bool, activation: Activation) {
        input = Dense(weight: w.layers[0].0, bias: w.layers[0].1, activation: activation)
        hidden = w.layers[1..<(w.layers.count - 1)].map { (weight, bias) -> any Layer in
            let d = Dense(weight: weight, bias: bias, activation: activation)
            return residual ? Residual(d) : d
        }
        output = Dense(weight: w.layers.last!.0, bias: w.layers.last!.1)
    }

    /// The prediction [n, 1] for inputs [n, d].
    func callAsFunction(_ x: Tensor) -> Tensor {
        output(hidden.reduce(input(x)) { $1($0) })
    }
}

/// The Frobenius norm of the loss gradient (full training set) with respect to each hidden
/// layer's weight matrix, first hidden layer first.
func hiddenGradientNorms(_ net: DeepNetwork, _ p: Problem) -> [Double] {
    let weights = net.hidden.map { layer -> Tensor in
        let dense = (layer as? Residual).map { $0.body as! Dense } ?? (layer as! Dense)
        return dense.weight.value
    }
    let gs = grad(of: Loss.mse(net(p.trainX), p.trainY), wrt: weights)
    return gs.map { $0.squared().sum().scalar.squareRoot() }
}

/// The mean squared error of `net` on the training (or test) set.
func mse(_ net: DeepNetwork, _ p: Problem, test: Bool = false) -> Double {
    withNoGrad { Loss.mse(net(test ? p.testX : p.trainX), test ? p.testY : p.trainY).scalar }
}

/// Trains `net` with mini-batches in the given per-epoch orders; returns the mean training
/// loss of each epoch.
func train(_ net: DeepNetwork, _ p: Problem, _ s: Settings, _ orders: [[Int]]) -> [Double] {
    let params = net.parameters
    let optimizer = Adam(learningRate: s.learningRate)
    var history: [Double] = []
    for order in orders {
        var sum = 0.0
        var batches = 0
        var start = 0
        while start < order.count {
            let idx = Array(order[start..<min(order.count, start + s.batchSize)])
            start += s.batchSize
            let loss = Loss.mse(net(p.trainX.indexSelect(idx)), p.trainY.indexSelect(idx))
            optimizer.step(params, gradients: grad(of: loss, wrt: params.map(\.value)))
            sum += loss.scalar
            batches += 1
        }
        history.append(sum / Double(batches))
    }
    return history
}
