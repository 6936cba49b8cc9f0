import Foundation
import NNCore

/// The MLP training-step benchmark: 64→240→240→240→1 tanh, batch 1024, float64 or float32, MSE, Adam.
enum MLPBench {
    /// One training step's closure on freshly built, seeded data in `dtype`.
    static func makeStep(_ dtype: DType) -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let net = MLP(widths: [64, 240, 240, 240, 1], activation: .tanh, initializer: .glorotUniform, using: &rng)
            .cast(to: dtype)
        let x = Tensor.randomNormal([1024, 64], using: &rng).cast(to: dtype)
        let y = Tensor.randomNormal([1024, 1], using: &rng).cast(to: dtype)
        let params = net.parameters
        let opt = Adam(learningRate: 1e-3)
        return {
            let loss = Loss.mse(net(x), y)
            let g = grad(of: loss, wrt: params.map(\.value))
            opt.step(params, gradients: g)
        }
    }

    /// The benchmark entries for float64 and float32 at 1 and 2 threads.
    static func benchmarks() -> [Benchmark] { PyTorchAnchor.entries(prefix: "mlp-train", case: "mlp", makeStep: makeStep) }
}

/// Every benchmark `symmd-bench` knows.
let allBenchmarks: [Benchmark] = MLPBench.benchmarks() + ConvBench.benchmarks() + RNNBench.benchmarks() + LJBench.benchmarks()
    + NetCDFBench.benchmarks() + RDFBench.benchmarks() + DeepInferBench.benchmarks() + KIMBench.benchmarks() + FitMPIBench.benchmarks()
