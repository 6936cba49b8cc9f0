import NNCore

/// LeNet-5 (LeCun et al. 1998) adapted to 8×8 digits: the 32×32 original shrinks 5×5
/// convolutions without padding (32 → 28 → pool 14 → 10 → pool 5); on 8×8 inputs we use 3×3
/// convolutions with "same" zero padding instead, so the maps go 8×8 → pool 4×4 → 4×4 → pool
/// 2×2, and keep the rest: two convolution + pooling stages, three dense layers 120 → 84 → 10,
/// softmax cross-entropy.
enum LeNet {
    /// Channels of the first and second convolution (LeNet-5: 6 and 16).
    /// Channels of the first and second convolution. LeNet-5 has 6 and 16; on this data set
    /// they reach 88–93 % (seeds 1–3, 40 epochs), 16 and 32 about 96 %, 32 and 64 97 %.
    static let channels = (32, 64)
    /// Width of the filters.
    static let kernel = 3

    /// The network, initialised from `rng`.
    static func make(using rng: inout RandomGenerator) -> Sequential {
        let (c1, c2) = channels
        return Sequential(
            Conv2D(inChannels: 1, outChannels: c1, kernelSize: kernel, padding: .same, activation: .relu,
                   initializer: .heUniform, using: &rng),
            MaxPool2D(window: 2),
            Conv2D(inChannels: c1, outChannels: c2, kernelSize: kernel, padding: .same, activation: .relu,
                   initializer: .heUniform, using: &rng),
            MaxPool2D(window: 2),
            Flatten(),
            Dense(inputs: c2 * 4, outputs: 120, activation: .relu, initializer: .heUniform, using: &rng),
            Dense(inputs: 120, outputs: 84, activation: .relu, initializer: .heUniform, using: &rng),
            Dense(inputs: 84, outputs: 10, using: &rng))
    }

    /// A one-line description for the report.
    static var summary: String {
        let (c1, c2) = channels
        return "conv\(kernel)x\(kernel) 1→\(c1) same, ReLU, maxpool 2 → conv\(kernel)x\(kernel) \(c1)→\(c2) same, ReLU, maxpool 2"
            + " → flatten \(c2 * 4) → dense 120 ReLU → 84 ReLU → 10, softmax cross-entropy"
    }
}

/// How a network is trained.
struct TrainingSettings {
    /// Passes over the training set.
    var epochs: Int
    /// Images per Adam step.
    var batchSize = 32
    /// Adam's rate at the start, cosine-decayed to `finalRate` over the run.
    var startRate = 3e-3
    /// The rate at the last step.
    var finalRate = 3e-5
    /// Shift each training image by a random −1, 0 or +1 pixels on each axis every epoch.
    var shifts = true
}

/// One epoch's figures.
struct EpochMetrics {
    /// 1-based epoch.
    let epoch: Int
    /// Mean cross-entropy over the epoch's training batches.
    let loss: Double
    /// Fraction of training images (as augmented) classified correctly during the epoch.
    let trainAccuracy: Double
    /// Fraction of test images classified correctly after the epoch.
    let testAccuracy: Double
    /// Seconds since the run began.
    let seconds: Double
}

/// The number of rows of `logits` [n, 10] whose largest entry is at the label.
func correctCount(_ logits: Tensor, _ labels: [Int]) -> Int {
    let c = logits.shape[1]
    var correct = 0
    for (i, label) in labels.enumerated() {
        let row = logits.scalars[(i * c)..<((i + 1) * c)]
        if row.indices.max(by: { row[$0] < row[$1] })! - i * c == label { correct += 1 }
    }
    return correct
}

/// The accuracy of `net` on `data` (no tape recorded).
func accuracy(_ net: Sequential, on data: Digits) -> Double {
    let (x, labels) = data.batch(Array(0..<data.count)[...])
    let logits = withNoGrad { net(Tensor(shape: [data.count, 1, Digits.side, Digits.side], scalars: x)) }
    return Double(correctCount(logits, labels)) / Double(data.count)
}
