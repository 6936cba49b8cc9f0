import NNCore

/// The one-hidden-layer network f(x) = A·φ(Bx + c) + a₀ with a ReLU-type activation φ.
final class ReLUNetwork: Layer {
    /// The pre-activations x·Bᵀ + c (φ is applied in ``callAsFunction(_:)``, so that the
    /// pre-activations can be inspected).
    let hidden: Dense
    /// The activation φ (ReLU or leaky ReLU).
    let activation: Activation
    /// The linear read-out A·h + a₀.
    let output: Dense

    /// A network of `width` hidden units on scalar inputs from [0, 1], He-initialised
    /// (He et al. 2015): B ~ N(0, 2/1) and A ~ N(0, 2/m) for fan-ins 1 and m, a₀ = 0, and
    /// c_j = −B_j·t_j with t_j uniform on [0, 1], so every unit's kink lies inside the data
    /// and no unit starts dead. (With the usual zero bias, every unit with B_j < 0 would be
    /// dead from the start, since x ≥ 0.)
    init(width: Int, activation: Activation, using rng: inout RandomGenerator) {
        let b = Initializer.heNormal.make([1, width], fanIn: 1, fanOut: width, using: &rng)
        let c = (0..<width).map { j in -b.scalars[j] * rng.nextUniform() }
        hidden = Dense(weight: b, bias: Tensor(c))
        self.activation = activation
        output = Dense(inputs: width, outputs: 1, initializer: .heNormal, using: &rng)
    }

    /// The width m.
    var width: Int { hidden.outputs }

    /// f on a batch x [N, 1]; returns [N, 1].
    func callAsFunction(_ x: Tensor) -> Tensor { output(activation(hidden(x))) }

    /// Which hidden units have pre-activation ≤ 0 at every input of `x`. For ReLU these
    /// output 0 everywhere and get no gradient: they are dead for good. For leaky ReLU they
    /// sit on the slope-0.01 side everywhere but still pass (100× weaker) gradient.
    func deadUnits(on x: Tensor) -> [Bool] {
        let z = withNoGrad { hidden(x) }.scalars  // [N, m]
        let m = width, n = x.shape[0]
        return (0..<m).map { j in (0..<n).allSatisfy { z[$0 * m + j] <= 0 } }
    }

    /// The fraction of hidden units that are dead on `x` (see ``deadUnits(on:)``).
    func deadFraction(on x: Tensor) -> Double {
        let dead = deadUnits(on: x)
        return Double(dead.filter { $0 }.count) / Double(dead.count)
    }

    /// The largest |∂L/∂B_j| or |∂L/∂c_j| of the mean squared error on (x, y) over the dead
    /// units j: exactly 0 for ReLU, small but nonzero for leaky ReLU. Nil when no unit is dead.
    func largestGradientOnDeadUnits(x: Tensor, y: Tensor) -> Double? {
        let dead = deadUnits(on: x)
        guard dead.contains(true) else { return nil }
        let loss = Loss.mse(self(x), y)
        let g = grad(of: loss, wrt: [hidden.weight.value, hidden.bias.value])
        var largest = 0.0
        for j in 0..<width where dead[j] {
            largest = max(largest, abs(g[0].scalars[j]), abs(g[1].scalars[j]))
        }
        return largest
    }
}

/// The state of one run after some steps: training error and dead units.
struct Checkpoint {
    /// Steps taken.
    let step: Int
    /// Root mean square training error (not finite once the run has diverged).
    let rmse: Double
    /// Fraction of hidden units with pre-activation ≤ 0 on every training input.
    let deadFraction: Double
}

/// Trains every weight of `network` by full-batch plain SGD (no momentum) on the mean
/// squared error at a constant `learningRate` for `steps` steps, and returns a
/// ``Checkpoint`` before each step listed in `checkpoints` and after the last one. Stops
/// early, with a non-finite last checkpoint, when the loss overflows (divergence).
func trainSGD(_ network: ReLUNetwork, x: Tensor, y: Tensor, learningRate: Double, steps: Int,
              checkpoints: Set<Int>) -> [Checkpoint] {
    let parameters = network.parameters
    let sgd = SGD(learningRate: learningRate)
    var history: [Checkpoint] = []
    for step in 0...steps {
        let loss = Loss.mse(network(x), y)
        let rmse = loss.scalar.squareRoot()
        if checkpoints.contains(step) || step == steps || !rmse.isFinite {
            history.append(Checkpoint(step: step, rmse: rmse, deadFraction: network.deadFraction(on: x)))
        }
        if step == steps || !rmse.isFinite { break }
        sgd.step(parameters, gradients: grad(of: loss, wrt: parameters.map(\.value)))
    }
    return history
}
