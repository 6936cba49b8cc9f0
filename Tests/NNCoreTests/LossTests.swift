import Foundation
import NNCore
import SymmdTestSupport
import Testing

/// −mean(log softmax(logits)[label]) by explicit loops, stabilised by the row maximum.
private func handCrossEntropy(_ logits: [[Double]], _ labels: [Int]) -> Double {
    var total = 0.0
    for (row, l) in zip(logits, labels) {
        let m = row.max()!
        let lse = m + Foundation.log(row.reduce(0) { $0 + Foundation.exp($1 - m) })
        total += lse - row[l]
    }
    return total / Double(labels.count)
}

/// softmax of one row by explicit loops.
private func handSoftmax(_ row: [Double]) -> [Double] {
    let m = row.max()!
    let e = row.map { Foundation.exp($0 - m) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
}

@Suite struct LossTests {
    let prediction = Tensor([1.0, 2.0, 3.0])
    let target = Tensor([0.0, 2.0, 5.0])  // differences 1, 0, −2

    @Test func mseAgainstHandValue() {
        let l = Loss.mse(prediction, target)
        #expect(l.shape == [])
        expectClose(l.scalar, 5.0 / 3.0, rtol: 1e-15)
        // gradient 2d/N
        let p = prediction.requiringGrad()
        expectClose(grad(of: Loss.mse(p, target), wrt: p), Tensor([2.0 / 3, 0, -4.0 / 3]), rtol: 1e-15)
    }

    @Test func mseOnMatrices() {
        let a = Tensor([[1.0, -1.0], [0.5, 2.0]]), b = Tensor([[0.0, 1.0], [0.5, -1.0]])
        expectClose(Loss.mse(a, b).scalar, (1.0 + 4 + 0 + 9) / 4, rtol: 1e-15)
    }

    @Test func maeAgainstHandValue() {
        let l = Loss.mae(prediction, target)
        #expect(l.shape == [])
        expectClose(l.scalar, 1.0, rtol: 1e-15)
        let p = Tensor([1.0, 3.0, 3.0]).requiringGrad()
        // differences 1, 1, −2: gradient sign(d)/N
        expectClose(grad(of: Loss.mae(p, target), wrt: p), Tensor([1.0 / 3, 1.0 / 3, -1.0 / 3]), rtol: 1e-15)
    }

    // differences 0.5, −0.3, 2, −3
    let hp = Tensor([1.5, 0.7, 2.0, -3.0])
    let ht = Tensor([1.0, 1.0, 0.0, 0.0])

    @Test func huberDeltaOne() {
        // quadratic ½d²: 0.125, 0.045; linear δ(|d| − ½δ): 1.5, 2.5
        let l = Loss.huber(hp, ht, delta: 1)
        expectClose(l.scalar, (0.125 + 0.045 + 1.5 + 2.5) / 4, rtol: 1e-14)
        // default delta is 1
        expectClose(Loss.huber(hp, ht).scalar, (0.125 + 0.045 + 1.5 + 2.5) / 4, rtol: 1e-14)
        // gradient clamp(d, −δ, δ)/N
        let p = hp.requiringGrad()
        expectClose(grad(of: Loss.huber(p, ht, delta: 1), wrt: p), Tensor([0.5, -0.3, 1.0, -1.0]) * 0.25, rtol: 1e-14)
    }

    @Test func huberDeltaHalf() {
        // |0.5| ≤ 0.5 quadratic 0.125; 0.3 quadratic 0.045; linear 0.5(2 − 0.25) = 0.875, 0.5(3 − 0.25) = 1.375
        let l = Loss.huber(hp, ht, delta: 0.5)
        expectClose(l.scalar, (0.125 + 0.045 + 0.875 + 1.375) / 4, rtol: 1e-14)
        let p = hp.requiringGrad()
        expectClose(grad(of: Loss.huber(p, ht, delta: 0.5), wrt: p), Tensor([0.5, -0.3, 0.5, -0.5]) * 0.25, rtol: 1e-14)
    }

    @Test func huberIsContinuousAtDelta() {
        let t = Tensor([0.0])
        for delta in [0.5, 1.0, 2.0] {
            let below = Loss.huber(Tensor([delta - 1e-9]), t, delta: delta).scalar
            let above = Loss.huber(Tensor([delta + 1e-9]), t, delta: delta).scalar
            expectClose(below, 0.5 * delta * delta, rtol: 1e-8)
            expectClose(above, 0.5 * delta * delta, rtol: 1e-8)
        }
    }

    let logitRows: [[Double]] = [[0.2, -1.0, 3.0, 0.5], [1.5, 1.5, -0.3, 0.0], [-2.0, 0.1, 0.7, 2.2]]
    let labels = [2, 0, 3]

    @Test func softmaxCrossEntropyAgainstHandValue() {
        let l = Loss.softmaxCrossEntropy(logits: Tensor(logitRows), labels: labels)
        #expect(l.shape == [])
        expectClose(l.scalar, handCrossEntropy(logitRows, labels), rtol: 1e-13)
        // a uniform row over C classes costs log C
        expectClose(Loss.softmaxCrossEntropy(logits: Tensor([[3.0, 3, 3, 3]]), labels: [1]).scalar,
                    Foundation.log(4.0), rtol: 1e-14)
    }

    @Test func softmaxCrossEntropyIsFiniteForHugeLogits() {
        let big = logitRows.map { $0.map { $0 * 1e3 } }  // logits of size 1e3: e^3000 overflows naively
        let logits = Tensor(big).requiringGrad()
        let l = Loss.softmaxCrossEntropy(logits: logits, labels: labels)
        #expect(l.scalar.isFinite)
        expectClose(l.scalar, handCrossEntropy(big, labels), rtol: 1e-12)
        // rows 0 and 2 pick their clear maximum (loss ≈ 0); row 1 ties two maxima (loss log 2)
        expectClose(l.scalar, Foundation.log(2.0) / 3, rtol: 1e-12)
        let g = grad(of: l, wrt: logits)
        #expect(g.scalars.allSatisfy { $0.isFinite })

        let extreme = Tensor([[1e3, -1e3, 0], [-1e3, 1e3, 500]])
        let le = Loss.softmaxCrossEntropy(logits: extreme, labels: [1, 0])
        #expect(le.scalar.isFinite)
        expectClose(le.scalar, (2000 + 2000) / 2.0, rtol: 1e-12)
    }

    @Test func softmaxCrossEntropyGradientIsSoftmaxMinusOnehotOverN() {
        let logits = Tensor(logitRows).requiringGrad()
        let g = grad(of: Loss.softmaxCrossEntropy(logits: logits, labels: labels), wrt: logits)
        let n = Double(labels.count)
        let expected = zip(logitRows, labels).map { row, l in
            handSoftmax(row).enumerated().map { j, s in (s - (j == l ? 1 : 0)) / n }
        }
        expectClose(g, Tensor(expected), rtol: 1e-12, atol: 1e-15)
        // each row of the gradient sums to zero
        for r in 0..<3 { expectClose(g.scalars[(4 * r)..<(4 * r + 4)].reduce(0, +), 0, atol: 1e-15) }
    }

    @Test func lossesGradcheck() {
        let p = randomTensor([3, 4], seed: 81), t = randomTensor([3, 4], seed: 82)
        #expect(gradcheck({ Loss.mse($0[0], $0[1]) }, inputs: [p, t]) < 1e-7)
        #expect(gradcheck({ Loss.huber($0[0], t, delta: 0.5) }, inputs: [p]) < 1e-6)
        #expect(gradcheck({ Loss.softmaxCrossEntropy(logits: $0[0], labels: [0, 3, 1]) }, inputs: [p]) < 1e-7)
    }
}
