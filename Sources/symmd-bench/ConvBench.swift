import NNCore

/// Convolutional-network benchmarks (names start with `lenet-`).
enum ConvBench {
    /// The benchmark entries.
    static func benchmarks() -> [Benchmark] { [] }
}
