import CBLAS
import NNCore

/// Convolutional-network benchmarks (names start with `lenet-`): one LeNet-5 training step as in
/// the PyTorch anchor (1×28×28 input, batch 64, float64, cross-entropy, Adam).
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

    /// One training step's closure on freshly built, seeded data.
    static func makeStep() -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let net = makeNetwork(using: &rng)
        let x = Tensor.randomNormal([64, 1, 28, 28], using: &rng)
        let labels = (0..<64).map { _ in rng.nextInt(below: 10) }
        let params = net.parameters
        let opt = Adam(learningRate: 1e-3)
        return {
            let loss = Loss.softmaxCrossEntropy(logits: net(x), labels: labels)
            let g = grad(of: loss, wrt: params.map(\.value))
            opt.step(params, gradients: g)
        }
    }

    /// The benchmark entries for 1 and 2 threads.
    static func benchmarks() -> [Benchmark] {
        [1, 2].map { threads in
            Benchmark(name: "lenet-train-f64-\(threads)t") { context in
                openblas_set_num_threads(Int32(threads))
                Parallel.threads = threads
                defer { openblas_set_num_threads(1); Parallel.threads = 1 }
                let step = makeStep()
                let ours = timeSteps(context, step)
                let anchor = PyTorchAnchor.medianSeconds(context, case: "lenet5", dtype: "float64", threads: threads)
                return BenchResult(name: "lenet-train-f64-\(threads)t", unit: "s/step", symmd: ours,
                                   anchor: anchor == nil ? nil : "pytorch", anchor_value: anchor,
                                   ratio: anchor.map { ours / $0 },
                                   note: anchor == nil ? "PyTorch not importable: anchor skipped" : nil)
            }
        }
    }
}
