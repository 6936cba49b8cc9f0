import CBLAS
import Foundation
import NNCore

/// The MLP training-step benchmark: 64→240→240→240→1 tanh, batch 1024, float64, MSE, Adam.
enum MLPBench {
    /// One training step's closure on freshly built, seeded data.
    static func makeStep() -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let net = MLP(widths: [64, 240, 240, 240, 1], activation: .tanh, initializer: .glorotUniform, using: &rng)
        let x = Tensor.randomNormal([1024, 64], using: &rng)
        let y = Tensor.randomNormal([1024, 1], using: &rng)
        let params = net.parameters
        let opt = Adam(learningRate: 1e-3)
        return {
            let loss = Loss.mse(net(x), y)
            let g = grad(of: loss, wrt: params.map(\.value))
            opt.step(params, gradients: g)
        }
    }

    /// The benchmark entries for 1 and 2 threads.
    static func benchmarks() -> [Benchmark] {
        [1, 2].map { threads in
            Benchmark(name: "mlp-train-f64-\(threads)t") { context in
                openblas_set_num_threads(Int32(threads))
                Parallel.threads = threads
                defer { openblas_set_num_threads(1); Parallel.threads = 1 }
                let step = makeStep()
                let ours = timeSteps(context, step)
                let anchor = PyTorchAnchor.medianSeconds(context, case: "mlp", dtype: "float64", threads: threads)
                return BenchResult(name: "mlp-train-f64-\(threads)t", unit: "s/step", symmd: ours,
                                   anchor: anchor == nil ? nil : "pytorch", anchor_value: anchor,
                                   ratio: anchor.map { ours / $0 },
                                   note: anchor == nil ? "PyTorch not importable: anchor skipped" : nil)
            }
        }
    }
}

/// Every benchmark `symmd-bench` knows.
let allBenchmarks: [Benchmark] = MLPBench.benchmarks() + ConvBench.benchmarks() + RNNBench.benchmarks() + LJBench.benchmarks()
    + NetCDFBench.benchmarks() + RDFBench.benchmarks() + DeepInferBench.benchmarks() + KIMBench.benchmarks() + FitMPIBench.benchmarks()
