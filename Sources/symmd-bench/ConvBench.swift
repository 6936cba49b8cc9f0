import NNCore

/// Convolutional-network benchmarks (names start with `lenet-`): one LeNet-5 training step as in
/// the PyTorch anchor (1×28×28 input, batch 64, float64 or float32, cross-entropy, Adam).
enum ConvBench {
    /// LeNet-5 exactly as `torch_bench.py`: conv5×5 1→6 pad 2, tanh, avgpool 2, conv5×5 6→16,
    /// tanh, avgpool 2, fc 400→120 tanh, 120→84 tanh, 84→10.
    static func makeNetwork(using rng: inout RandomGenerator) -> Sequential {
        Sequential(
            Conv2D(inChannels: 1, outChannels: 6, kernelSize: 5, padding: .explicit(2), activation: .tanh, using: &rng),
            AvgPool2D(window: 2),
            Conv2D(inChannels: 6, outChannels: 16, kernelSize: 5, activation: .tanh, using: &rng),
            AvgPool2D(window: 2),
            Flatten(),
            Dense(inputs: 400, outputs: 120, activation: .tanh, using: &rng),
            Dense(inputs: 120, outputs: 84, activation: .tanh, using: &rng),
            Dense(inputs: 84, outputs: 10, using: &rng))
    }

    /// One training step's closure on freshly built, seeded data in `dtype`.
    static func makeStep(_ dtype: DType) -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let net = makeNetwork(using: &rng).cast(to: dtype)
        let x = Tensor.randomNormal([64, 1, 28, 28], using: &rng).cast(to: dtype)
        let labels = (0..<64).map { _ in rng.nextInt(below: 10) }
        let params = net.parameters
        let opt = Adam(learningRate: 1e-3)
        return {
            let loss = Loss.softmaxCrossEntropy(logits: net(x), labels: labels)
            let g = grad(of: loss, wrt: params.map(\.value))
            opt.step(params, gradients: g)
        }
    }

    /// The benchmark entries for float64 and float32 at 1 and 2 threads.
    static func benchmarks() -> [Benchmark] { PyTorchAnchor.entries(prefix: "lenet-train", case: "lenet5", makeStep: makeStep) }
}
