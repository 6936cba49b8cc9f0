import NNCore

/// The two-layer network f_m(x) = A·tanh(Bx + c) + a₀ of width m.
///
/// The hidden layer holds B (stored transposed, as NNCore's ``Dense`` weight [d, m]) and c;
/// the output layer holds the linear weights A ([m, 1]) and the output bias a₀.
final class TwoLayerNetwork: Layer {
    /// tanh(x·Bᵀ + c): the m features.
    let hidden: Dense
    /// The linear read-out A·h + a₀.
    let output: Dense

    /// A network with the given layers.
    init(hidden: Dense, output: Dense) {
        self.hidden = hidden
        self.output = output
    }

    /// The width m.
    var width: Int { hidden.outputs }

    /// f_m on a batch x [N, d]; returns [N, 1].
    func callAsFunction(_ x: Tensor) -> Tensor { output(hidden(x)) }
}

/// How the hidden layer is drawn, shared by the trained network (its starting point) and
/// the random-feature model (its frozen features).
struct FeatureInit {
    /// Standard deviation s of each entry of B ~ N(0, s²).
    let scale: Double

    /// Draws B and c for `width` features on `domain`: each row of B is N(0, s²·I), and
    /// c_j = −B_j·t_j with t_j uniform on the domain, so each feature's tanh transition
    /// (the hyperplane B_j·x + c_j = 0) passes through a random point of the data's domain.
    func makeHidden(width: Int, domain: [ClosedRange<Double>], using rng: inout RandomGenerator) -> Dense {
        let d = domain.count
        let b = Tensor.randomNormal([d, width], std: scale, using: &rng)  // Bᵀ, [d, m]
        var c = [Double](repeating: 0, count: width)
        for j in 0..<width {
            for i in 0..<d {
                let t = domain[i].lowerBound + (domain[i].upperBound - domain[i].lowerBound) * rng.nextUniform()
                c[j] -= b.scalars[i * width + j] * t
            }
        }
        return Dense(weight: b, bias: Tensor(c), activation: .tanh)
    }
}

/// Settings of the full-batch Adam fit of every weight (A, a₀, B, c).
struct TrainingSettings {
    /// Number of full-batch Adam steps.
    var steps: Int
    /// Learning rate of the hidden layer (B, c) at step 0; it decays to `finalFraction` of
    /// this along a cosine.
    var startRate: Double
    /// Final learning rate as a fraction of the first.
    var finalFraction: Double = 1e-3
    /// The read-out (A, a₀) learns at `startRate`·`readoutWidth`/m: Adam moves every weight
    /// by about the learning rate per step, so m read-out weights moving together change f by
    /// about m times as much; dividing by m (as in the μP parametrisation of Yang & Hu, 2021)
    /// keeps wide networks from oscillating. At m = `readoutWidth` both layers share one rate.
    var readoutWidth: Double = 4
}

/// Root mean square of prediction − target.
func rmse(_ prediction: Tensor, _ target: Tensor) -> Double {
    withNoGrad { Loss.mse(prediction, target).scalar.squareRoot() }
}

/// Trains every weight of `network` on (x, y) by full-batch Adam on the mean squared error:
/// one Adam for the hidden layer and one, at a rate scaled by 1/m, for the read-out (see
/// ``TrainingSettings``), both following the same cosine decay.
func trainAdaptive(_ network: TwoLayerNetwork, x: Tensor, y: Tensor, settings: TrainingSettings) {
    let hiddenParameters = network.hidden.parameters   // B, c
    let readoutParameters = network.output.parameters  // A, a₀
    let all = hiddenParameters + readoutParameters
    let readoutFactor = settings.readoutWidth / Double(network.width)
    let hiddenAdam = Adam(learningRate: settings.startRate)
    let readoutAdam = Adam(learningRate: settings.startRate * readoutFactor)
    let schedule = CosineLR(start: settings.startRate, minimum: settings.startRate * settings.finalFraction,
                            totalSteps: settings.steps)
    for step in 0..<settings.steps {
        hiddenAdam.learningRate = schedule.rate(at: step)
        readoutAdam.learningRate = schedule.rate(at: step) * readoutFactor
        let loss = Loss.mse(network(x), y)
        let gradients = grad(of: loss, wrt: all.map(\.value))
        hiddenAdam.step(hiddenParameters, gradients: Array(gradients[..<hiddenParameters.count]))
        readoutAdam.step(readoutParameters, gradients: Array(gradients[hiddenParameters.count...]))
    }
}
