import Foundation
import NNCore
import Testing

/// Derivatives beyond second order (training on forces differentiates the tanh backward twice).
@Suite struct HigherOrderTests {
    @Test func thirdDerivativeOfTanh() {
        let xs = [-1.7, -0.3, 0.0, 0.4, 2.1]
        let x = Tensor(xs).requiringGrad()
        let y = x.tanh()
        let g1 = grad(of: y.sum(), wrt: x, createGraph: true)
        let g2 = grad(of: g1.sum(), wrt: x, createGraph: true)
        let g3 = grad(of: g2.sum(), wrt: x)
        for (k, v) in xs.enumerated() {
            let t = Foundation.tanh(v)
            #expect(abs(g1.scalars[k] - (1 - t * t)) < 1e-14)
            #expect(abs(g2.scalars[k] - (-2 * t * (1 - t * t))) < 1e-14)
            #expect(abs(g3.scalars[k] - (-2 * (1 - t * t) * (1 - 3 * t * t))) < 1e-13, "x = \(v): \(g3.scalars[k])")
        }
    }
}
