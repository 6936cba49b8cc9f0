/// Loss functions; each returns a rank-0 tensor averaged over all elements (or samples).
public enum Loss {
    /// Mean squared error mean((ŷ − y)²).
    public static func mse(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        (prediction - target).squared().mean()
    }

    /// Mean absolute error mean|ŷ − y|.
    public static func mae(_ prediction: Tensor, _ target: Tensor) -> Tensor {
        (prediction - target).abs().mean()
    }

    /// Huber loss: ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond; averaged.
    public static func huber(_ prediction: Tensor, _ target: Tensor, delta: Double = 1) -> Tensor {
        let d = prediction - target
        let a = d.abs()
        let quadratic = d.squared() * 0.5
        let linear = (a - 0.5 * delta) * delta
        return Tensor.where(a.mask { $0 <= delta }, quadratic, linear).mean()
    }

    /// Softmax + cross-entropy fused through a stable log-softmax: logits [N, C], labels in 0..<C.
    public static func softmaxCrossEntropy(logits: Tensor, labels: [Int]) -> Tensor {
        precondition(logits.rank == 2 && logits.shape[0] == labels.count,
                     "softmaxCrossEntropy: logits \(logits.shape) for \(labels.count) labels")
        let c = logits.shape[1]
        var onehot = [Double](repeating: 0, count: logits.count)
        for (i, l) in labels.enumerated() {
            precondition(l >= 0 && l < c, "softmaxCrossEntropy: label \(l) out of range 0..<\(c)")
            onehot[i * c + l] = 1
        }
        let picked = logits.logSoftmax(axis: 1) * Tensor(shape: logits.shape, scalars: onehot).cast(to: logits.dtype)
        return -picked.sum() * (1 / Double(Swift.max(labels.count, 1)))
    }
}
