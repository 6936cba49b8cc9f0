import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of gather/scatter (indexSelect, indexAdd, scatterAdd) and where.
@Suite struct IndexingGradientTests {
    static let cases: [OpCase] = {
        let m = randomTensor([3, 4], seed: 81)
        let r3 = randomTensor([3, 2, 2], seed: 82)
        let w = randomTensor([2, 4, 3], seed: 83)
        let base = randomTensor([4, 3], seed: 84), src = randomTensor([5, 3], seed: 85)
        let cond = Tensor(shape: [3, 4], scalars: [1, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 0])
        let a = randomTensor([3, 4], seed: 86), b = randomTensor([3, 4], seed: 87)
        let repeated = [2, 0, 2, 1, 2]
        return [
            OpCase("indexSelect repeated", [m]) { $0[0].indexSelect(repeated) },
            OpCase("indexSelect permutation", [m]) { $0[0].indexSelect([2, 0, 1]) },
            OpCase("indexSelect rank 1", [randomTensor([5], seed: 88)]) { $0[0].indexSelect([4, 4, 0, 3]) },
            OpCase("indexSelect rank 3", [r3]) { $0[0].indexSelect([1, 1, 0]) },
            OpCase("indexSelect(axis: 1) repeated", [m]) { $0[0].indexSelect(axis: 1, [3, 0, 3, 1]) },
            OpCase("indexSelect(axis: 1) rank 3", [w]) { $0[0].indexSelect(axis: 1, [3, 0, 3]) },
            OpCase("indexSelect(axis: -1) rank 3", [w]) { $0[0].indexSelect(axis: -1, [2, 2, 1]) },
            OpCase("indexAdd wrt base and source", [base, src]) { $0[0].indexAdd([3, 0, 3, 1, 3], $0[1]) },
            OpCase("indexAdd wrt source", [src]) { base.indexAdd([0, 0, 2, 2, 2], $0[0]) },
            OpCase("indexAdd wrt base", [base]) { $0[0].indexAdd([1, 2, 1, 1, 0], src) },
            OpCase("scatterAdd", [src]) { Tensor.scatterAdd($0[0], indices: [3, 1, 3, 3, 0], into: [4, 3]) },
            OpCase("gather then scatter", [base]) {
                Tensor.scatterAdd($0[0].indexSelect([1, 3, 1]).tanh(), indices: [0, 0, 2], into: [4, 3])
            },
            OpCase("where wrt both", [a, b]) { Tensor.where(cond, $0[0], $0[1]) },
            OpCase("where wrt a", [a]) { Tensor.where(cond, $0[0], b) },
            OpCase("where wrt b", [b]) { Tensor.where(cond, a, $0[0]) },
            OpCase("where broadcast a [4], b []", [randomTensor([4], seed: 89), Tensor(0.3)]) {
                Tensor.where(cond, $0[0], $0[1])
            },
            OpCase("where broadcast condition [3, 1]", [a, b]) {
                Tensor.where(Tensor(shape: [3, 1], scalars: [0, 1, 0]), $0[0], $0[1])
            },
            OpCase("where of the same tensor", [a]) { Tensor.where(cond, $0[0].tanh(), $0[0] * $0[0]) },
        ]
    }()

    @Test(arguments: cases) func indexingDerivatives(_ c: OpCase) { checkDerivatives(c) }

    // MARK: - Forward values

    static let m = Tensor([[1.0, 2], [3, 4], [5, 6]])

    @Test func indexSelectPicksRows() {
        expectClose(Self.m.indexSelect([2, 0, 2]), Tensor([[5.0, 6], [1, 2], [5, 6]]))
        expectClose(Self.m.indexSelect(axis: 1, [1, 1, 0]), Tensor([[2.0, 2, 1], [4, 4, 3], [6, 6, 5]]))
        expectClose(Self.m.indexSelect([]).reshaped([0]), Tensor([Double]()))
        let r3 = Tensor(shape: [2, 3, 2], scalars: (0..<12).map(Double.init))
        let s = r3.indexSelect(axis: 1, [2, 0])
        #expect(s.shape == [2, 2, 2])
        #expect(s.scalars == [4, 5, 0, 1, 10, 11, 6, 7])
    }

    @Test func indexAddAccumulatesRepeats() {
        let base = Tensor([[1.0, 1], [1, 1], [1, 1]])
        let src = Tensor([[1.0, 2], [10, 20], [100, 200]])
        expectClose(base.indexAdd([2, 0, 2], src), Tensor([[11.0, 21], [1, 1], [102, 203]]))
        expectClose(Tensor.scatterAdd(src, indices: [1, 1, 1], into: [2, 2]), Tensor([[0.0, 0], [111, 222]]))
        // indexSelect's gradient counts how often each row was picked
        let x = Self.m.requiringGrad()
        expectClose(grad(of: x.indexSelect([2, 0, 2, 2]).sum(), wrt: x), Tensor([[1.0, 1], [0, 0], [3, 3]]))
        // and indexAdd's gradient w.r.t. the source gathers the seed
        let s = src.requiringGrad()
        let seed = Tensor([[1.0, 2], [3, 4], [5, 6]])
        expectClose(grad(of: base.indexAdd([2, 0, 2], s), wrt: s, seed: seed), Tensor([[5.0, 6], [1, 2], [5, 6]]))
    }

    @Test func wherePicksTheRightSide() {
        let cond = Tensor([1.0, 0, -2, 0])
        let a = Tensor([1.0, 2, 3, 4]), b = Tensor([-1.0, -2, -3, -4])
        expectClose(Tensor.where(cond, a, b), Tensor([1.0, -2, 3, -4]))
        expectClose(Tensor.where(cond, a, Tensor(0.0)), Tensor([1.0, 0, 3, 0]))
        expectClose(a.greater(Tensor(2.5)), Tensor([0.0, 0, 1, 1]))
        expectClose(a.less(Tensor(2.5)), Tensor([1.0, 1, 0, 0]))
        // gradients go only to the chosen side
        let ag = a.requiringGrad(), bg = b.requiringGrad()
        let gs = grad(of: Tensor.where(cond, ag, bg).sum(), wrt: [ag, bg])
        expectClose(gs[0], Tensor([1.0, 0, 1, 0]))
        expectClose(gs[1], Tensor([0.0, 1, 0, 1]))
        // a broadcast scalar collects the gradient of every place it was chosen
        let c = Tensor(5.0).requiringGrad()
        expectClose(grad(of: Tensor.where(cond, a, c).sum(), wrt: c), Tensor(2.0))
    }
}
