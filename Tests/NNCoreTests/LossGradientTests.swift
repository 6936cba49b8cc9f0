import NNCore
import SymmdTestSupport
import Testing

/// Derivatives and values of the losses (compositions of the ops above, checked as a whole).
@Suite struct LossGradientTests {
    static let cases: [OpCase] = {
        let pred = randomTensor([3, 4], seed: 171), target = randomTensor([3, 4], seed: 172)
        // differences kept away from 0 (mae's kink) and from ±δ = ±1 (huber's switch)
        let diffs = Tensor(shape: [3, 4], scalars: [-2.1, -1.4, -0.7, -0.3, 0.2, 0.6, 0.9, 1.3, 2.4, -0.15, 0.45, -0.85])
        let logits = randomTensor([3, 5], seed: 173, scale: 2)
        return [
            OpCase("mse wrt both", [pred, target]) { Loss.mse($0[0], $0[1]) },
            OpCase("mae", [target + diffs]) { Loss.mae($0[0], target) },
            OpCase("huber δ=1", [target + diffs]) { Loss.huber($0[0], target) },
            OpCase("huber δ=0.5", [target + diffs]) { Loss.huber($0[0], target, delta: 0.5) },
            OpCase("softmaxCrossEntropy", [logits]) { Loss.softmaxCrossEntropy(logits: $0[0], labels: [4, 0, 2]) },
        ]
    }()

    @Test(arguments: cases) func lossDerivatives(_ c: OpCase) { checkDerivatives(c) }

    @Test func lossValues() {
        let p = Tensor([1.0, 2, 3, 4]), t = Tensor([1.5, 2, 1, 4])
        expectClose(Loss.mse(p, t), Tensor((0.25 + 4) / 4))
        expectClose(Loss.mae(p, t), Tensor((0.5 + 2) / 4))
        // huber: ½·0.25 for |d| = 0.5, 1·(2 − 0.5) for |d| = 2
        expectClose(Loss.huber(p, t), Tensor((0.125 + 1.5) / 4))
        // cross-entropy of logits (0, ln 3) with label 1: −ln(3/4)
        let ce = Loss.softmaxCrossEntropy(logits: Tensor([[0.0, 1.0986122886681098]]), labels: [1])
        expectClose(ce, Tensor(0.2876820724517809), rtol: 1e-14)
        // huge logits stay finite
        let big = Loss.softmaxCrossEntropy(logits: Tensor([[1000.0, 0], [0, -1000]]), labels: [1, 0])
        expectClose(big, Tensor(500.0), rtol: 1e-14)
    }
}
