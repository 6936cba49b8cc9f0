import NNCore
import SymmdTestSupport
import Testing

/// One differentiable operation under test: a name, seeded inputs (all of which are
/// differentiated), and the function of those inputs.
struct OpCase: Sendable, CustomTestStringConvertible {
    let name: String
    let inputs: [Tensor]
    let f: @Sendable ([Tensor]) -> Tensor

    init(_ name: String, _ inputs: [Tensor], _ f: @escaping @Sendable ([Tensor]) -> Tensor) {
        self.name = name
        self.inputs = inputs
        self.f = f
    }

    var testDescription: String { name }
}

/// The tolerance the suite holds every derivative check to.
let derivativeTolerance = 1e-6

/// First- and second-order checks of one op against finite differences.
///
/// Three checks: `gradcheck(f)`, `gradgradcheck(f)`, and `gradgradcheck(f²)`. The last makes
/// the second-order check meaningful for ops that are linear in their inputs (reshapes,
/// slices, sums, …): for them ∇(v·f) does not depend on x, so `gradgradcheck(f)` only sees
/// zeros, while the Hessian of v·f² runs through the backward of the op's backward.
func checkDerivatives(_ c: OpCase, sourceLocation: SourceLocation = #_sourceLocation) {
    let e1 = gradcheck(c.f, inputs: c.inputs)
    #expect(e1 < derivativeTolerance, "\(c.name): first-order error \(e1)", sourceLocation: sourceLocation)
    let e2 = gradgradcheck(c.f, inputs: c.inputs)
    #expect(e2 < derivativeTolerance, "\(c.name): second-order error \(e2)", sourceLocation: sourceLocation)
    let f = c.f
    let e3 = gradgradcheck({ f($0).squared() }, inputs: c.inputs)
    #expect(e3 < derivativeTolerance, "\(c.name): second-order error of f² \(e3)", sourceLocation: sourceLocation)
}

// MARK: - Seeded inputs

/// Uniform samples on [low, high) from `seed`.
func uniformTensor(_ shape: [Int], seed: UInt64, low: Double, high: Double) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    return Tensor.randomUniform(shape, low: low, high: high, using: &rng)
}

/// Positive values on [0.5, 2) (inputs of log, sqrt, fractional and negative powers, divisors).
func positiveTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    uniformTensor(shape, seed: seed, low: 0.5, high: 2)
}

/// Normal samples pushed at least `margin` away from 0 (inputs of abs, relu, leakyRelu, prelu).
func awayFromZeroTensor(_ shape: [Int], seed: UInt64, margin: Double = 0.2) -> Tensor {
    let t = randomTensor(shape, seed: seed)
    return Tensor(shape: shape, scalars: t.scalars.map { $0 >= 0 ? $0 + margin : $0 - margin })
}

/// Values that are pairwise at least ~0.1 apart (no ties: inputs of max).
func distinctTensor(_ shape: [Int], seed: UInt64) -> Tensor {
    var rng = RandomGenerator(seed: seed)
    let n = shape.reduce(1, *)
    let p = rng.permutation(n)
    return Tensor(shape: shape, scalars: p.map { 0.15 * Double($0) - 0.075 * Double(n) + 0.02 * rng.nextUniform() })
}
