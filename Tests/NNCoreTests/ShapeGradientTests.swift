import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of the shape operations: reshape, (un)squeeze, permute, transpose,
/// narrow/pad, concatenate/stack, broadcast(to:) and its adjoint sum(toShape:).
@Suite struct ShapeGradientTests {
    static let cases: [OpCase] = {
        let m = randomTensor([3, 4], seed: 61)
        let r3 = randomTensor([2, 3, 4], seed: 62)
        let b = randomTensor([2, 4], seed: 63), c = randomTensor([1, 4], seed: 64)
        let p = randomTensor([3, 2], seed: 65)
        return [
            OpCase("reshaped [2, 6]", [m]) { $0[0].reshaped([2, 6]) },
            OpCase("reshaped [-1]", [r3]) { $0[0].reshaped([-1]) },
            OpCase("reshaped [4, -1, 2]", [r3]) { $0[0].reshaped([4, -1, 2]) },
            OpCase("flattened", [m]) { $0[0].flattened() },
            OpCase("unsqueezed 0", [m]) { $0[0].unsqueezed(axis: 0) },
            OpCase("unsqueezed 1", [m]) { $0[0].unsqueezed(axis: 1) },
            OpCase("unsqueezed -1", [m]) { $0[0].unsqueezed(axis: -1) },
            OpCase("unsqueezed then squeezed", [m]) { $0[0].unsqueezed(axis: 1).tanh().squeezed(axis: 1) },
            OpCase("squeezed", [c]) { $0[0].squeezed(axis: 0) },
            OpCase("permuted [2, 0, 1]", [r3]) { $0[0].permuted([2, 0, 1]) },
            OpCase("permuted [1, 0, 2]", [r3]) { $0[0].permuted([1, 0, 2]) },
            OpCase("permuted [0, 2, 1]", [r3]) { $0[0].permuted([0, 2, 1]) },
            OpCase("permuted [-1, 0, 1]", [r3]) { $0[0].permuted([-1, 0, 1]) },
            OpCase("transposed rank 2", [m]) { $0[0].transposed() },
            OpCase("transposed rank 3", [r3]) { $0[0].transposed() },
            OpCase("transposed(0, 2)", [r3]) { $0[0].transposed(0, 2) },
            OpCase("narrowed axis 0", [m]) { $0[0].narrowed(axis: 0, start: 1, length: 2) },
            OpCase("narrowed axis 1", [m]) { $0[0].narrowed(axis: 1, start: 1, length: 2) },
            OpCase("narrowed axis -1 rank 3", [r3]) { $0[0].narrowed(axis: -1, start: 2, length: 2) },
            OpCase("narrowed axis 1 rank 3", [r3]) { $0[0].narrowed(axis: 1, start: 0, length: 1) },
            OpCase("subscript range", [m]) { $0[0][1..<3] },
            OpCase("padded axis 0", [m]) { $0[0].padded(axis: 0, start: 1, fullLength: 6) },
            OpCase("padded axis 1", [m]) { $0[0].padded(axis: 1, start: 2, fullLength: 7) },
            OpCase("padded axis 2 rank 3", [r3]) { $0[0].padded(axis: 2, start: 0, fullLength: 5) },
            OpCase("padded axis -1", [m]) { $0[0].padded(axis: -1, start: 1, fullLength: 6) },
            OpCase("concatenate axis 0", [m, b, c]) { Tensor.concatenate($0, axis: 0) },
            OpCase("concatenate axis 1", [m, p]) { Tensor.concatenate($0, axis: 1) },
            OpCase("concatenate axis -1", [m, p]) { Tensor.concatenate($0, axis: -1) },
            OpCase("concatenate with itself", [m]) { Tensor.concatenate([$0[0], $0[0].tanh()], axis: 1) },
            OpCase("concatenate with a constant", [m]) { Tensor.concatenate([p, $0[0]], axis: 1) },
            OpCase("stack axis 0", [m, m.tanh()]) { Tensor.stack($0, axis: 0) },
            OpCase("stack axis 1", [m, m.sin()]) { Tensor.stack($0, axis: 1) },
            OpCase("stack axis 2", [m, m.cos(), m.exp()]) { Tensor.stack($0, axis: 2) },
            OpCase("broadcast [4] → [3, 4]", [randomTensor([4], seed: 66)]) { $0[0].broadcast(to: [3, 4]) },
            OpCase("broadcast [3, 1] → [2, 3, 4]", [randomTensor([3, 1], seed: 67)]) { $0[0].broadcast(to: [2, 3, 4]) },
            OpCase("broadcast [] → [2, 3]", [Tensor(0.7)]) { $0[0].broadcast(to: [2, 3]) },
            OpCase("broadcast [1, 4] → [3, 4]", [c]) { $0[0].broadcast(to: [3, 4]) },
            OpCase("broadcast [2, 1, 4] → [2, 3, 4]", [randomTensor([2, 1, 4], seed: 68)]) { $0[0].broadcast(to: [2, 3, 4]) },
            OpCase("sum(toShape: [4])", [m]) { $0[0].sum(toShape: [4]) },
            OpCase("sum(toShape: [1, 4])", [m]) { $0[0].sum(toShape: [1, 4]) },
            OpCase("sum(toShape: [3, 1])", [m]) { $0[0].sum(toShape: [3, 1]) },
            OpCase("sum(toShape: [])", [m]) { $0[0].sum(toShape: []) },
            OpCase("sum(toShape: [3, 1]) rank 3", [r3]) { $0[0].sum(toShape: [3, 1]) },
            OpCase("sum(toShape: [1, 3, 1])", [r3]) { $0[0].sum(toShape: [1, 3, 1]) },
            OpCase("sum(toShape: [2, 1, 4])", [r3]) { $0[0].sum(toShape: [2, 1, 4]) },
            OpCase("sum(toShape: [3, 4]) rank 3", [r3]) { $0[0].sum(toShape: [3, 4]) },
        ]
    }()

    @Test(arguments: cases) func shapeOperationDerivatives(_ c: OpCase) { checkDerivatives(c) }

    // MARK: - Forward values

    static let r3 = Tensor(shape: [2, 3, 4], scalars: (0..<24).map(Double.init))

    @Test func reshapeAndSqueezeValues() {
        let m = Tensor([[1.0, 2, 3], [4, 5, 6]])
        let r = m.reshaped([3, -1])
        #expect(r.shape == [3, 2])
        #expect(r.scalars == m.scalars)
        #expect(m.unsqueezed(axis: 0).shape == [1, 2, 3])
        #expect(m.unsqueezed(axis: -1).shape == [2, 3, 1])
        #expect(m.unsqueezed(axis: 1).squeezed(axis: 1).shape == [2, 3])
        #expect(m.flattened().shape == [6])
    }

    @Test func permuteAndTransposeValues() {
        let t = Tensor([[1.0, 2, 3], [4, 5, 6]])
        expectClose(t.transposed(), Tensor([[1.0, 4], [2, 5], [3, 6]]))
        let p = Self.r3.permuted([2, 0, 1])
        #expect(p.shape == [4, 2, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(p[k, i, j] == Self.r3[i, j, k]) } } }
        let q = Self.r3.transposed()
        #expect(q.shape == [2, 4, 3])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 { #expect(q[i, k, j] == Self.r3[i, j, k]) } } }
        let s = Self.r3.transposed(0, 2)
        #expect(s.shape == [4, 3, 2])
        #expect(s[3, 1, 0] == Self.r3[0, 1, 3])
        // a bigger rank-2 transpose exercises the blocked kernel across block edges
        let big = Tensor(shape: [37, 35], scalars: (0..<(37 * 35)).map(Double.init))
        let bt = big.transposed()
        #expect(bt[34, 36] == big[36, 34] && bt[0, 33] == big[33, 0] && bt[33, 1] == big[1, 33])
        expectClose(bt.transposed(), big, rtol: 0, atol: 0)
    }

    @Test func narrowPadConcatenateRoundTrips() {
        let m = Tensor([[1.0, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
        expectClose(m.narrowed(axis: 1, start: 1, length: 2), Tensor([[2.0, 3], [6, 7], [10, 11]]))
        expectClose(m[1..<3], Tensor([[5.0, 6, 7, 8], [9, 10, 11, 12]]))
        expectClose(m.narrowed(axis: 0, start: 0, length: 1).padded(axis: 0, start: 1, fullLength: 3),
                    Tensor([[0.0, 0, 0, 0], [1, 2, 3, 4], [0, 0, 0, 0]]))
        // splitting and re-joining gives the tensor back, along either axis
        for axis in [0, 1] {
            let n = m.shape[axis]
            let parts = [m.narrowed(axis: axis, start: 0, length: 1),
                         m.narrowed(axis: axis, start: 1, length: n - 2),
                         m.narrowed(axis: axis, start: n - 1, length: 1)]
            expectClose(Tensor.concatenate(parts, axis: axis), m, rtol: 0, atol: 0)
        }
        let r3 = Self.r3
        expectClose(Tensor.concatenate([r3.narrowed(axis: 2, start: 0, length: 3), r3.narrowed(axis: 2, start: 3, length: 1)], axis: -1),
                    r3, rtol: 0, atol: 0)
        // padded is narrowed's adjoint: ⟨narrow(x), y⟩ = ⟨x, pad(y)⟩
        let x = randomTensor([2, 5, 3], seed: 69), y = randomTensor([2, 2, 3], seed: 70)
        expectClose((x.narrowed(axis: 1, start: 2, length: 2) * y).sum(),
                    (x * y.padded(axis: 1, start: 2, fullLength: 5)).sum(), rtol: 1e-14)
    }

    @Test func stackValues() {
        let a = Tensor([1.0, 2]), b = Tensor([3.0, 4])
        expectClose(Tensor.stack([a, b]), Tensor([[1.0, 2], [3, 4]]))
        expectClose(Tensor.stack([a, b], axis: 1), Tensor([[1.0, 3], [2, 4]]))
        expectClose(Tensor.stack([a, b], axis: -1), Tensor([[1.0, 3], [2, 4]]))
        let m = Tensor([[1.0, 2], [3, 4]])
        let s = Tensor.stack([m, m * 10], axis: 1)
        #expect(s.shape == [2, 2, 2])
        #expect(s.scalars == [1, 2, 10, 20, 3, 4, 30, 40])
    }

    @Test func broadcastAndSumToShapeValues() {
        expectClose(Tensor([1.0, 2]).broadcast(to: [2, 2]), Tensor([[1.0, 2], [1, 2]]))
        expectClose(Tensor(shape: [2, 1], scalars: [1, 2]).broadcast(to: [2, 3]), Tensor([[1.0, 1, 1], [2, 2, 2]]))
        expectClose(Tensor(3.0).broadcast(to: [2]), Tensor([3.0, 3]))
        let m = Tensor([[1.0, 2, 3], [4, 5, 6]])
        expectClose(m.sum(toShape: [3]), Tensor([5.0, 7, 9]))
        expectClose(m.sum(toShape: [1, 3]), Tensor(shape: [1, 3], scalars: [5, 7, 9]))
        expectClose(m.sum(toShape: [2, 1]), Tensor(shape: [2, 1], scalars: [6, 15]))
        expectClose(m.sum(toShape: []), Tensor(21.0))
        expectClose(m.sum(toShape: [1]), Tensor([21.0]))
        let r3 = Self.r3
        // [2,3,4] → [3,1]: Σ over the batch and the last axis
        var expected31 = [Double](repeating: 0, count: 3)
        var expected214 = [Double](repeating: 0, count: 8)
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            expected31[j] += r3[i, j, k]
            expected214[i * 4 + k] += r3[i, j, k]
        } } }
        expectClose(r3.sum(toShape: [3, 1]), Tensor(shape: [3, 1], scalars: expected31))
        expectClose(r3.sum(toShape: [1, 3, 1]), Tensor(shape: [1, 3, 1], scalars: expected31))
        expectClose(r3.sum(toShape: [2, 1, 4]), Tensor(shape: [2, 1, 4], scalars: expected214))
        // sum(toShape:) is broadcast(to:)'s adjoint
        let x = randomTensor([3, 1], seed: 71), y = randomTensor([2, 3, 4], seed: 72)
        expectClose((x.broadcast(to: [2, 3, 4]) * y).sum(), (x * y.sum(toShape: [3, 1])).sum(), rtol: 1e-14)
    }
}
