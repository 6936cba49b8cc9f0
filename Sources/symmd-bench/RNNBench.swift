import NNCore

/// Recurrent-network benchmarks (names start with `lstm-`): one LSTM layer, input 32, hidden
/// 128, sequence 50, batch 32, float64 or float32; forward + backward of the MSE of all hidden states
/// against a fixed random target, no optimizer step (as `torch_bench.py`'s `lstm` case).
enum RNNBench {
    /// One forward + backward step's closure on freshly built, seeded data in `dtype`.
    static func makeStep(_ dtype: DType) -> () -> Void {
        var rng = RandomGenerator(seed: 0)
        let lstm = LSTM(inputSize: 32, hiddenSize: 128, using: &rng).cast(to: dtype)
        let x = Tensor.randomNormal([50, 32, 32], using: &rng).cast(to: dtype)
        let target = Tensor.randomNormal([50, 32, 128], using: &rng).cast(to: dtype)
        let params = lstm.parameters.map(\.value)
        return {
            let loss = Loss.mse(lstm(x), target)
            let g = grad(of: loss, wrt: params)
            precondition(g.count == params.count)
        }
    }

    /// The benchmark entries for float64 and float32 at 1 and 2 threads.
    static func benchmarks() -> [Benchmark] { PyTorchAnchor.entries(prefix: "lstm-fwdbwd", case: "lstm", makeStep: makeStep) }
}
