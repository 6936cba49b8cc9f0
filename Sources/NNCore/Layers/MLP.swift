/// A multilayer perceptron in the DeePMD-kit style: hidden layers f(xW + b), each optionally
/// with a residual skip (added input when widths are equal, input concatenated with itself when
/// the width doubles) and a trainable per-neuron "timestep" scaling the layer's output, then a
/// linear output layer (when `linearOutput`).
public final class MLP: Layer {
    /// The dense layers (the last one linear when `linearOutput`).
    public let layers: [Dense]
    /// Per-layer timestep vectors (nil for layers without one).
    public let timesteps: [Parameter?]
    /// Whether hidden layers add their input (resnet rule above).
    public let skip: Bool
    /// Whether the last layer is linear (a fitting net) or activated like the rest (an embedding net).
    public let linearOutput: Bool

    /// An MLP through `widths` = [inputs, hidden…, outputs].
    public init(widths: [Int], activation: Activation = .tanh, skip: Bool = false, timestep: Bool = false,
                linearOutput: Bool = true, initializer: Initializer = .glorotNormal,
                using rng: inout RandomGenerator) {
        precondition(widths.count >= 2, "MLP: needs at least input and output widths, got \(widths)")
        var ls: [Dense] = []
        var ts: [Parameter?] = []
        for k in 0..<(widths.count - 1) {
            let last = k == widths.count - 2
            let act: Activation = last && linearOutput ? .identity : activation
            ls.append(Dense(inputs: widths[k], outputs: widths[k + 1], activation: act,
                            initializer: initializer, using: &rng))
            let hidden = !(last && linearOutput)
            ts.append(timestep && hidden ? Parameter(Tensor.randomNormal([widths[k + 1]], mean: 0.1, std: 0.001, using: &rng)) : nil)
        }
        layers = ls
        timesteps = ts
        self.skip = skip
        self.linearOutput = linearOutput
    }

    /// The network applied to a batch [N, inputs].
    public func callAsFunction(_ x: Tensor) -> Tensor {
        var h = x
        for (k, layer) in layers.enumerated() {
            var y = layer(h)
            if let t = timesteps[k] { y = y * t.value(as: y.dtype) }
            let hidden = !(k == layers.count - 1 && linearOutput)
            if skip && hidden {
                if layer.outputs == layer.inputs {
                    y = y + h
                } else if layer.outputs == 2 * layer.inputs {
                    y = y + Tensor.concatenate([h, h], axis: -1)
                }
            }
            h = y
        }
        return h
    }
}
