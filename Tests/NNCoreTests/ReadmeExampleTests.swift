import Foundation
import NNCore
import SymmdTestSupport
import Testing

/// The README's code runs as printed and does what it says.
@Suite struct ReadmeExampleTests {
    @Test func forceTrainingSnippetRunsAndReducesTheForceLoss() throws {
        var rng = RandomGenerator(seed: 42)
        let net = MLP(widths: [3, 32, 32, 1], activation: .tanh, using: &rng)
        let x = Tensor.randomNormal([8, 3], using: &rng).requiringGrad()
        func forceLoss() -> (Tensor, [Tensor]) {
            let energy = net(x).sum()
            let force = -grad(of: energy, wrt: x, createGraph: true)
            let loss = (force - Tensor.zeros([8, 3])).squared().sum()
            return (loss, grad(of: loss, wrt: net.parameters.map(\.value)))
        }
        let opt = Adam(learningRate: 1e-3)
        let (l0, g0) = forceLoss()
        #expect(g0.count == net.parameters.count)
        opt.step(net.parameters, gradients: g0)
        for _ in 0..<20 { opt.step(net.parameters, gradients: forceLoss().1) }
        let (l1, _) = forceLoss()
        #expect(l1.scalar < l0.scalar, "force loss \(l0.scalar) → \(l1.scalar)")

        let path = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID()).symmdnn").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try ParameterFile(layer: net, metadata: ["kind": "demo"]).write(to: path)
        let back = try ParameterFile.read(from: path)
        #expect(back.metadata["kind"] == "demo")
        #expect(back == ParameterFile(layer: net, metadata: ["kind": "demo"]))
    }
}
