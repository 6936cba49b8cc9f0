import NNCore

/// Recurrent-network benchmarks (names start with `lstm-`).
enum RNNBench {
    /// The benchmark entries.
    static func benchmarks() -> [Benchmark] { [] }
}
