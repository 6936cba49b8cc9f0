import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of the activation functions.
@Suite struct ActivationGradientTests {
    static let cases: [OpCase] = {
        let t = randomTensor([3, 4], seed: 41, scale: 1.5)
        let kinked = awayFromZeroTensor([3, 4], seed: 42)
        let slopes = uniformTensor([4], seed: 43, low: 0.05, high: 0.5)
        let slope1 = Tensor([0.25])
        return [
            OpCase("sigmoid", [t]) { $0[0].sigmoid() },
            OpCase("relu", [kinked]) { $0[0].relu() },
            OpCase("relu · x", [kinked]) { $0[0].relu() * $0[0] },
            OpCase("leakyRelu default", [kinked]) { $0[0].leakyRelu() },
            OpCase("leakyRelu 0.2 · x", [kinked]) { $0[0].leakyRelu(slope: 0.2) * $0[0] },
            OpCase("prelu wrt x and per-feature slope", [kinked, slopes]) { $0[0].prelu($0[1]) },
            OpCase("prelu wrt x and shared slope", [kinked, slope1]) { $0[0].prelu($0[1]) },
            OpCase("prelu wrt x only", [kinked]) { $0[0].prelu(slopes) },
            OpCase("prelu wrt slope only", [slopes]) { kinked.prelu($0[0]) },
            OpCase("prelu · x", [kinked, slopes]) { $0[0].prelu($0[1]) * $0[0] },
            OpCase("softplus", [t]) { $0[0].softplus() },
            OpCase("gelu", [t]) { $0[0].gelu() },
            OpCase("silu β=1", [t]) { $0[0].silu() },
            OpCase("silu β=1.7", [t]) { $0[0].silu(beta: 1.7) },
            OpCase("Activation.tanh", [t]) { Activation.tanh($0[0]) },
            OpCase("Activation.silu 1.7", [t]) { Activation.silu(beta: 1.7)($0[0]) },
            OpCase("PReLU layer input", [kinked]) { PReLU(features: 4, initial: 0.3)($0[0]) },
        ]
    }()

    @Test(arguments: cases) func activationDerivatives(_ c: OpCase) { checkDerivatives(c) }

    // MARK: - Forward values

    @Test func softplusIsStableAndExactForLargeArguments() {
        let x = Tensor([800.0, -800, 40, -40])
        let y = x.softplus()
        #expect(y.scalars.allSatisfy { $0.isFinite })
        expectClose(y.narrowed(axis: 0, start: 0, length: 2), Tensor([800.0, 0]), rtol: 0, atol: 1e-12)
        expectClose(y.narrowed(axis: 0, start: 2, length: 2), Tensor([40.0, 4.248354255291589e-18]), rtol: 1e-12, atol: 1e-30)
        expectClose(Tensor([0.0]).softplus(), Tensor([0.6931471805599453]), rtol: 1e-15)
        // its derivative σ(x) saturates without NaN
        let xg = x.requiringGrad()
        let g = grad(of: xg.softplus().sum(), wrt: xg)
        #expect(g.scalars.allSatisfy { $0.isFinite })
        expectClose(g.narrowed(axis: 0, start: 0, length: 2), Tensor([1.0, 0]), rtol: 0, atol: 1e-12)
    }

    @Test func sigmoidIsStableForLargeArguments() {
        let y = Tensor([800.0, -800, 0, 1]).sigmoid()
        expectClose(y, Tensor([1.0, 0, 0.5, 0.7310585786300049]), rtol: 1e-15, atol: 0)
    }

    @Test func geluAndSiluValues() {
        expectClose(Tensor([1.0, -1, 0]).gelu(), Tensor([0.8413447460685429, -0.15865525393145707, 0]), rtol: 1e-15)
        expectClose(Tensor([1.0]).silu(), Tensor([0.7310585786300049]), rtol: 1e-15)
        expectClose(Tensor([2.0]).silu(beta: 1.7), Tensor([1.9354090706030989]), rtol: 1e-15)
        // large arguments: gelu → relu, silu → relu, no NaN
        expectClose(Tensor([60.0, -60]).gelu(), Tensor([60.0, 0]), rtol: 1e-15, atol: 1e-300)
        expectClose(Tensor([800.0, -800]).silu(), Tensor([800.0, 0]), rtol: 1e-15, atol: 1e-300)
    }

    @Test func reluFamilyValues() {
        let x = Tensor([-2.0, -0.5, 0.5, 3])
        expectClose(x.relu(), Tensor([0.0, 0, 0.5, 3]))
        expectClose(x.leakyRelu(), Tensor([-0.02, -0.005, 0.5, 3]))
        expectClose(x.leakyRelu(slope: 0.2), Tensor([-0.4, -0.1, 0.5, 3]))
        expectClose(x.prelu(Tensor([0.25])), Tensor([-0.5, -0.125, 0.5, 3]))
        // per-feature slopes broadcast along the last axis
        let m = Tensor([[-1.0, -1], [2, -4]])
        expectClose(m.prelu(Tensor([0.1, 0.5])), Tensor([[-0.1, -0.5], [2, -2]]))
        // slope gradient is min(x, 0) summed over the broadcast axis
        let a = Tensor([0.1, 0.5]).requiringGrad()
        expectClose(grad(of: m.prelu(a).sum(), wrt: a), Tensor([-1.0, -5]))
    }

    @Test func activationEnumMatchesMethods() {
        let x = randomTensor([5], seed: 44)
        let pairs: [(Activation, Tensor)] = [
            (.identity, x), (.sigmoid, x.sigmoid()), (.tanh, x.tanh()), (.relu, x.relu()),
            (.leakyRelu(slope: 0.3), x.leakyRelu(slope: 0.3)), (.softplus, x.softplus()),
            (.gelu, x.gelu()), (.silu(beta: 1.7), x.silu(beta: 1.7)),
        ]
        for (act, expected) in pairs { expectClose(act(x), expected, rtol: 0, atol: 0, "\(act)") }
        #expect(Activation(name: "swish") == .silu(beta: 1))
        #expect(Activation(name: "leaky_relu") == .leakyRelu(slope: 0.01))
        #expect(Activation(name: "bogus") == nil)
    }
}
