import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of matmul (plain, transposed, batched, shared matrix) and affine.
@Suite struct LinearAlgebraGradientTests {
    /// Stored operand shape for an op(·) of logical shape rows×cols.
    static func stored(_ rows: Int, _ cols: Int, transposed t: Bool, batch: Int? = nil) -> [Int] {
        let s = t ? [cols, rows] : [rows, cols]
        return batch.map { [$0] + s } ?? s
    }

    static let transposeCombos: [(Bool, Bool)] = [(false, false), (true, false), (false, true), (true, true)]

    static let matmulCases: [OpCase] = {
        var cases: [OpCase] = []
        // logical product [3×4]·[4×2]
        for (k, (ta, tb)) in transposeCombos.enumerated() {
            let s = UInt64(100 + 10 * k)
            let tag = "tA=\(ta) tB=\(tb)"
            let a2 = randomTensor(stored(3, 4, transposed: ta), seed: s + 1)
            let b2 = randomTensor(stored(4, 2, transposed: tb), seed: s + 2)
            cases.append(OpCase("rank 2 \(tag)", [a2, b2]) { Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb) })
            let a3 = randomTensor(stored(3, 4, transposed: ta, batch: 2), seed: s + 3)
            let b3 = randomTensor(stored(4, 2, transposed: tb, batch: 2), seed: s + 4)
            cases.append(OpCase("batched rank 3 × rank 3 \(tag)", [a3, b3]) {
                Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb)
            })
            cases.append(OpCase("rank 3 × shared rank 2 \(tag)", [a3, b2]) {
                Tensor.matmul($0[0], $0[1], transposeA: ta, transposeB: tb)
            })
            // one operand constant: only the other's gradient is asked for
            cases.append(OpCase("rank 3 × shared rank 2 \(tag), wrt a only", [a3]) {
                Tensor.matmul($0[0], b2, transposeA: ta, transposeB: tb)
            })
            cases.append(OpCase("rank 3 × shared rank 2 \(tag), wrt b only", [b2]) {
                Tensor.matmul(a3, $0[0], transposeA: ta, transposeB: tb)
            })
        }
        let x = randomTensor([3, 3], seed: 150)
        cases.append(OpCase("x · x", [x]) { Tensor.matmul($0[0], $0[0]) })
        cases.append(OpCase("xᵀ · x", [x]) { Tensor.matmul($0[0], $0[0], transposeA: true) })
        cases.append(OpCase("matmul method", [randomTensor([2, 3], seed: 151), randomTensor([3, 4], seed: 152)]) {
            $0[0].matmul($0[1])
        })
        cases.append(OpCase("tanh(x·W)·V", [randomTensor([2, 3], seed: 153), randomTensor([3, 4], seed: 154), randomTensor([4, 2], seed: 155)]) {
            $0[0].matmul($0[1]).tanh().matmul($0[2])
        })
        return cases
    }()

    @Test(arguments: matmulCases) func matmulDerivatives(_ c: OpCase) { checkDerivatives(c) }

    static let affineCases: [OpCase] = {
        let x = randomTensor([3, 4], seed: 161), w = randomTensor([4, 2], seed: 162), b = randomTensor([2], seed: 163)
        return [
            OpCase("affine wrt x, W, b", [x, w, b]) { Tensor.affine($0[0], $0[1], $0[2]) },
            OpCase("affine wrt x", [x]) { Tensor.affine($0[0], w, b) },
            OpCase("affine wrt W, b", [w, b]) { Tensor.affine(x, $0[0], $0[1]) },
            OpCase("tanh(affine)", [x, w, b]) { Tensor.affine($0[0], $0[1], $0[2]).tanh() },
            OpCase("affine single row", [randomTensor([1, 4], seed: 164), w, b]) { Tensor.affine($0[0], $0[1], $0[2]) },
            OpCase("Dense layer input", [x]) {
                Dense(weight: w, bias: b, activation: .softplus)($0[0])
            },
        ]
    }()

    @Test(arguments: affineCases) func affineDerivatives(_ c: OpCase) { checkDerivatives(c) }

    // MARK: - Forward values

    static let a = Tensor([[1.0, 2], [3, 4]])
    static let b = Tensor([[5.0, 6], [7, 8]])

    @Test func matmulOfKnownMatrices() {
        expectClose(Tensor.matmul(Self.a, Self.b), Tensor([[19.0, 22], [43, 50]]))
        expectClose(Tensor.matmul(Self.a, Self.b, transposeA: true), Tensor([[26.0, 30], [38, 44]]))
        expectClose(Tensor.matmul(Self.a, Self.b, transposeB: true), Tensor([[17.0, 23], [39, 53]]))
        expectClose(Tensor.matmul(Self.a, Self.b, transposeA: true, transposeB: true), Tensor([[23.0, 31], [34, 46]]))
        expectClose(Self.a.matmul(Tensor.eye(2)), Self.a)
        // non-square: [2×3]·[3×1]
        let m = Tensor([[1.0, 0, -1], [2, 1, 0]])
        expectClose(m.matmul(Tensor(shape: [3, 1], scalars: [1, 2, 3])), Tensor(shape: [2, 1], scalars: [-2, 4]))
        expectClose(Tensor.matmul(m, m, transposeB: true), Tensor([[2.0, 2], [2, 5]]))
        expectClose(Tensor.matmul(m, m, transposeA: true), Tensor([[5.0, 2, -1], [2, 1, 0], [-1, 0, 1]]))
    }

    @Test func batchedMatmulValues() {
        let a3 = Tensor.stack([Self.a, Self.b]), b3 = Tensor.stack([Self.b, Self.a])
        let c = Tensor.matmul(a3, b3)
        #expect(c.shape == [2, 2, 2])
        expectClose(c, Tensor.stack([Self.a.matmul(Self.b), Self.b.matmul(Self.a)]))
        // a shared right-hand matrix, with every transpose combination
        for (ta, tb) in Self.transposeCombos {
            let shared = Tensor.matmul(a3, Self.b, transposeA: ta, transposeB: tb)
            expectClose(shared, Tensor.stack([Tensor.matmul(Self.a, Self.b, transposeA: ta, transposeB: tb),
                                              Tensor.matmul(Self.b, Self.b, transposeA: ta, transposeB: tb)]))
            let batched = Tensor.matmul(a3, b3, transposeA: ta, transposeB: tb)
            expectClose(batched, Tensor.stack([Tensor.matmul(Self.a, Self.b, transposeA: ta, transposeB: tb),
                                               Tensor.matmul(Self.b, Self.a, transposeA: ta, transposeB: tb)]))
        }
    }

    @Test func sharedMatrixCollectsGradientOfEveryBatchEntry() {
        // d/dW Σ_q Σ(A_q W) = Σ_q A_qᵀ 1: row i holds the column-i sums of every A_q
        let a3 = Tensor.stack([Self.a, Self.b])
        let w = Tensor.eye(2).requiringGrad()
        let g = grad(of: Tensor.matmul(a3, w).sum(), wrt: w)
        expectClose(g, Tensor([[16.0, 16], [20, 20]]))
    }

    @Test func affineValues() {
        let x = Tensor([[1.0, 2], [0, -1], [3, 1]])
        let bias = Tensor([0.5, -1])
        let y = Tensor.affine(x, Self.a, bias)
        expectClose(y, Tensor([[7.5, 9], [-2.5, -5], [6.5, 9]]))
        expectClose(y, x.matmul(Self.a) + bias)
        // the Dense layer is f(affine)
        let layer = Dense(weight: Self.a, bias: bias, activation: .tanh)
        expectClose(layer(x), y.tanh())
    }
}
