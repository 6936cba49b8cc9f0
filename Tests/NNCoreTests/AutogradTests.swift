import NNCore
import SymmdTestSupport
import Testing

@Suite struct AutogradTests {
    @Test func polynomialDerivativesMatchCalculus() {
        // y = x³ + 2x  ⇒ y' = 3x² + 2, y'' = 6x
        let x = Tensor([0.5, -1.5, 2.0]).requiringGrad()
        let y = (x.pow(3) + x * 2).sum()
        let g = grad(of: y, wrt: x, createGraph: true)
        expectClose(g, Tensor([3 * 0.25 + 2, 3 * 2.25 + 2, 14]))
        let h = grad(of: g.sum(), wrt: x)
        expectClose(h, Tensor([3.0, -9, 12]))
    }

    @Test func tanhSecondDerivative() {
        let x = Tensor([0.3, -0.7]).requiringGrad()
        let g = grad(of: x.tanh().sum(), wrt: x, createGraph: true)
        let h = grad(of: g.sum(), wrt: x)
        for k in 0..<2 {
            let t = Foundation_tanh(x.scalars[k])
            expectClose(h.scalars[k], -2 * t * (1 - t * t), rtol: 1e-13)
        }
    }

    @Test func unusedInputGetsZeroGradient() {
        let a = Tensor([1.0, 2]).requiringGrad(), b = Tensor([3.0]).requiringGrad()
        let gs = grad(of: (a * 2).sum(), wrt: [a, b])
        expectClose(gs[1], Tensor([0.0]))
        expectClose(gs[0], Tensor([2.0, 2]))
    }

    @Test func noGradModeRecordsNothing() {
        let a = Tensor([1.0, 2]).requiringGrad()
        let y = withNoGrad { a * 3 }
        #expect(!y.requiresGrad)
        #expect((a * 3).requiresGrad)
    }

    @Test func gradientsAccumulateOverSharedInputs() {
        let x = Tensor([1.5]).requiringGrad()
        let y = (x * x + x * x * x).sum()  // 2x + 3x²
        expectClose(grad(of: y, wrt: x), Tensor([3 + 3 * 2.25]))
    }
}

import Foundation
private func Foundation_tanh(_ x: Double) -> Double { Foundation.tanh(x) }
