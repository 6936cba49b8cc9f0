import RealModule

/// Ways to draw initial weights, all from the seeded ``RandomGenerator``.
public enum Initializer: Sendable, Equatable {
    /// Glorot/Xavier uniform: U(±√(6/(fanIn+fanOut))).
    case glorotUniform
    /// Glorot/Xavier normal: N(0, 2/(fanIn+fanOut)).
    case glorotNormal
    /// He/Kaiming uniform: U(±√(6/fanIn)).
    case heUniform
    /// He/Kaiming normal: N(0, 2/fanIn).
    case heNormal
    /// N(mean, std²).
    case normal(mean: Double, std: Double)
    /// All zeros.
    case zeros

    /// A tensor of `shape` drawn by this rule with the given fans.
    public func make(_ shape: [Int], fanIn: Int, fanOut: Int, using rng: inout RandomGenerator) -> Tensor {
        let fi = Double(Swift.max(fanIn, 1)), fo = Double(Swift.max(fanOut, 1))
        switch self {
        case .glorotUniform:
            let a = Double.sqrt(6 / (fi + fo))
            return .randomUniform(shape, low: -a, high: a, using: &rng)
        case .glorotNormal:
            return .randomNormal(shape, std: Double.sqrt(2 / (fi + fo)), using: &rng)
        case .heUniform:
            let a = Double.sqrt(6 / fi)
            return .randomUniform(shape, low: -a, high: a, using: &rng)
        case .heNormal:
            return .randomNormal(shape, std: Double.sqrt(2 / fi), using: &rng)
        case .normal(let m, let s):
            return .randomNormal(shape, mean: m, std: s, using: &rng)
        case .zeros:
            return .zeros(shape)
        }
    }
}
