import CBLAS
import NNCore

/// Recurrent-network benchmarks (names start with `lstm-`): one LSTM layer, input 32, hidden
/// 128, sequence 50, batch 32, float64; forward + backward of the MSE of all hidden states
/// against a fixed random target, no optimizer step (as `torch_bench.py`'s `lstm` case).
enum RNNBench {
    /// One forward + backward step's closure on freshly built, seeded data.
    static func makeStep() -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let lstm = LSTM(inputSize: 32, hiddenSize: 128, using: &rng)
        let x = Tensor.randomNormal([50, 32, 32], using: &rng)
        let target = Tensor.randomNormal([50, 32, 128], using: &rng)
        let params = lstm.parameters.map(\.value)
        return {
            let loss = Loss.mse(lstm(x), target)
            let g = grad(of: loss, wrt: params)
            precondition(g.count == params.count)
        }
    }

    /// The benchmark entries for 1 and 2 threads.
    static func benchmarks() -> [Benchmark] {
        [1, 2].map { threads in
            Benchmark(name: "lstm-fwdbwd-f64-\(threads)t") { context in
                openblas_set_num_threads(Int32(threads))
                Parallel.threads = threads
                defer { openblas_set_num_threads(1); Parallel.threads = 1 }
                let step = makeStep()
                let ours = timeSteps(context, step)
                let anchor = PyTorchAnchor.medianSeconds(context, case: "lstm", dtype: "float64", threads: threads)
                return BenchResult(name: "lstm-fwdbwd-f64-\(threads)t", unit: "s/step", symmd: ours,
                                   anchor: anchor == nil ? nil : "pytorch", anchor_value: anchor,
                                   ratio: anchor.map { ours / $0 },
                                   note: anchor == nil ? "PyTorch not importable: anchor skipped" : nil)
            }
        }
    }
}
