import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of sums, means, maxima, logSumExp, and (log-)softmax.
@Suite struct ReductionGradientTests {
    static let cases: [OpCase] = {
        let m = randomTensor([3, 4], seed: 51)
        let r3 = randomTensor([2, 3, 4], seed: 52)
        let dm = distinctTensor([3, 4], seed: 53)
        let d3 = distinctTensor([2, 3, 4], seed: 54)
        return [
            OpCase("sum()", [m]) { $0[0].sum() },
            OpCase("sum() rank 3", [r3]) { $0[0].sum() },
            OpCase("sum(axes: [0])", [m]) { $0[0].sum(axes: [0]) },
            OpCase("sum(axes: [1], keepDims)", [m]) { $0[0].sum(axes: [1], keepDims: true) },
            OpCase("sum(axes: [0, 2])", [r3]) { $0[0].sum(axes: [0, 2]) },
            OpCase("sum(axes: [1], keepDims) rank 3", [r3]) { $0[0].sum(axes: [1], keepDims: true) },
            OpCase("sum(axes: [-1])", [r3]) { $0[0].sum(axes: [-1]) },
            OpCase("sum(axis: 0, keepDims)", [r3]) { $0[0].sum(axis: 0, keepDims: true) },
            OpCase("mean()", [m]) { $0[0].mean() },
            OpCase("mean(axes: [1])", [m]) { $0[0].mean(axes: [1]) },
            OpCase("mean(axes: [0, 1], keepDims)", [r3]) { $0[0].mean(axes: [0, 1], keepDims: true) },
            OpCase("mean(axis: -1)", [r3]) { $0[0].mean(axis: -1) },
            OpCase("max()", [dm]) { $0[0].max() },
            OpCase("max() · x", [dm]) { $0[0] * $0[0].max() },
            OpCase("max(axis: 0)", [dm]) { $0[0].max(axis: 0) },
            OpCase("max(axis: 1, keepDims)", [dm]) { $0[0].max(axis: 1, keepDims: true) },
            OpCase("max(axis: 1) rank 3", [d3]) { $0[0].max(axis: 1) },
            OpCase("max(axis: -1) rank 3", [d3]) { $0[0].max(axis: -1) },
            OpCase("logSumExp(axis: 1)", [m]) { $0[0].logSumExp(axis: 1) },
            OpCase("logSumExp(axis: 0, keepDims)", [m]) { $0[0].logSumExp(axis: 0, keepDims: true) },
            OpCase("logSumExp(axis: 1) rank 3", [r3]) { $0[0].logSumExp(axis: 1) },
            OpCase("logSoftmax()", [m]) { $0[0].logSoftmax() },
            OpCase("logSoftmax(axis: 0)", [m]) { $0[0].logSoftmax(axis: 0) },
            OpCase("logSoftmax(axis: 1) rank 3", [r3]) { $0[0].logSoftmax(axis: 1) },
            OpCase("softmax()", [m]) { $0[0].softmax() },
            OpCase("softmax(axis: 0)", [m]) { $0[0].softmax(axis: 0) },
            OpCase("softmax(axis: 2) rank 3", [r3]) { $0[0].softmax(axis: 2) },
            // large logits: the stable path must also differentiate correctly
            OpCase("logSoftmax of shifted logits", [m]) { ($0[0] + 1000).logSoftmax() },
        ]
    }()

    @Test(arguments: cases) func reductionDerivatives(_ c: OpCase) { checkDerivatives(c) }

    // MARK: - Forward values

    static let m = Tensor([[1.0, 5, -2], [4, 0, 3]])

    @Test func sumAndMeanValues() {
        expectClose(Self.m.sum(), Tensor(11.0))
        #expect(Self.m.sum().shape == [])
        expectClose(Self.m.sum(axes: [0]), Tensor([5.0, 5, 1]))
        expectClose(Self.m.sum(axes: [1]), Tensor([4.0, 7]))
        expectClose(Self.m.sum(axes: [1], keepDims: true), Tensor(shape: [2, 1], scalars: [4, 7]))
        expectClose(Self.m.sum(axes: [-1, 0]), Tensor(11.0))
        expectClose(Self.m.mean(), Tensor(11.0 / 6))
        expectClose(Self.m.mean(axes: [0]), Tensor([2.5, 2.5, 0.5]))
        expectClose(Self.m.mean(axis: 1, keepDims: true), Tensor(shape: [2, 1], scalars: [4.0 / 3, 7.0 / 3]))
        let r3 = Tensor(shape: [2, 2, 2], scalars: [1, 2, 3, 4, 5, 6, 7, 8])
        expectClose(r3.sum(axes: [0, 2]), Tensor([14.0, 22]))  // 1+2+5+6, 3+4+7+8
        expectClose(r3.sum(axes: [1]), Tensor([[4.0, 6], [12, 14]]))
    }

    @Test func maxValuesAndGradientRouting() {
        expectClose(Self.m.max(), Tensor(5.0))
        expectClose(Self.m.max(axis: 0), Tensor([4.0, 5, 3]))
        expectClose(Self.m.max(axis: 1), Tensor([5.0, 4]))
        expectClose(Self.m.max(axis: -1, keepDims: true), Tensor(shape: [2, 1], scalars: [5, 4]))
        // the gradient goes to the (first) maximal element only
        let x = Tensor([[1.0, 7, 7], [2, -1, 0]]).requiringGrad()
        expectClose(grad(of: x.max(), wrt: x), Tensor([[0.0, 1, 0], [0, 0, 0]]))
        expectClose(grad(of: x.max(axis: 1).sum(), wrt: x), Tensor([[0.0, 1, 0], [1, 0, 0]]))
        expectClose(grad(of: x.max(axis: 0).sum(), wrt: x), Tensor([[0.0, 1, 1], [1, 0, 0]]))
    }

    @Test func logSoftmaxIsStableForLargeLogits() {
        let logits = Tensor([1000.0, 1001])
        let lse = logits.logSumExp(axis: 0)
        expectClose(lse, Tensor(1001.3132616875182), rtol: 1e-15)
        let ls = logits.logSoftmax()
        #expect(ls.scalars.allSatisfy { $0.isFinite })
        expectClose(ls, Tensor([-1.3132616875182228, -0.31326168751822286]), rtol: 1e-13)
        expectClose(logits.softmax(), Tensor([0.2689414213699951, 0.7310585786300049]), rtol: 1e-13)
        // very negative logits too
        expectClose(Tensor([-1000.0, -1001]).logSoftmax(), Tensor([-0.31326168751822286, -1.3132616875182228]), rtol: 1e-13)
        // its gradient (softmax − one-hot style) is finite
        let x = logits.requiringGrad()
        let g = grad(of: x.logSoftmax().narrowed(axis: 0, start: 1, length: 1).sum(), wrt: x)
        expectClose(g, Tensor([-0.2689414213699951, 0.2689414213699951]), rtol: 1e-13)
    }

    @Test func softmaxRowsSumToOne() {
        let s = randomTensor([3, 5], seed: 55, scale: 3).softmax()
        expectClose(s.sum(axes: [1]), Tensor([1.0, 1, 1]), rtol: 1e-14)
        #expect(s.scalars.allSatisfy { $0 > 0 && $0 < 1 })
        let s0 = randomTensor([3, 5], seed: 56).softmax(axis: 0)
        expectClose(s0.sum(axes: [0]), Tensor.ones([5]), rtol: 1e-14)
    }
}
