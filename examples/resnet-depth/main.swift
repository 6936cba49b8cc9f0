// resnet-depth: the same deep dense network trained with and without residual skips.
//
//     swift run -c release resnet-depth [--epochs N] [--depth L] [--seed N] [--out DIR]
import Foundation
import NNCore

let options = Options.parseOrExit()
Allocator.tuneForTensors()
let csv: CSVWriter?
do {
    csv = try options.outDirectory.map { try CSVWriter(path: $0) }
} catch {
    fail("cannot create the output folder '\(options.outDirectory!)': \(error.localizedDescription)")
}
let settings = Settings(depth: options.depth, epochs: options.epochs)

var rng = RandomGenerator(seed: options.seed)
let problem = Problem(using: &rng)
print("resnet-depth: a dense network with \(settings.depth) hidden layers, plain and with residual skips (seed \(options.seed))")
print("  task: \(problem.formula), \(problem.trainCount) training points (uniform on [−1, 1]^\(problem.dimension), seeded)")
print("  network: dense \(problem.dimension)→\(settings.width), then \(settings.depth) hidden layers \(settings.width)→\(settings.width) \(settings.activationName), then dense \(settings.width)→1")
print("    plain:    h ← f(W h + b)        residual: h ← h + f(W h + b)   (same initial weights)")
print("  initial weights and biases uniform on ±1/√fan-in (PyTorch's nn.Linear default), the same for both")
print("  training: \(settings.optimizerName), batch \(settings.batchSize), \(settings.epochs) epochs, MSE; loss = mean over the epoch's batches")
print()

let start = Date()
let weights = InitialWeights(problem: problem, settings: settings, using: &rng)
let order = (0..<settings.epochs).map { _ in rng.permutation(problem.trainCount) }
let plain = DeepNetwork(weights, residual: false, activation: settings.activation)
let residual = DeepNetwork(weights, residual: true, activation: settings.activation)
let initialPlain = mse(plain, problem), initialResidual = mse(residual, problem)
let (gradPlain, gradResidual) = (hiddenGradientNorms(plain, problem), hiddenGradientNorms(residual, problem))
let probed = [0, (settings.depth - 1) / 2, settings.depth - 1]  // first, middle, last hidden layer
print("  at the start, |∂L/∂W| of hidden layer \(probed.map { String($0 + 1) }.joined(separator: ", ")) (full training set):")
for (name, g) in [("plain", gradPlain), ("residual", gradResidual)] {
    print("    " + name.padding(toLength: 9, withPad: " ", startingAt: 0)
          + probed.map { g[$0] }.map { String(format: "%10.2e", $0) }.joined(separator: " "))
}
print()
let plainHistory = train(plain, problem, settings, order)
let residualHistory = train(residual, problem, settings, order)

print(Table.header)
print(Table.row(0, initialPlain, initialResidual))  // before training, on the whole training set
for e in 0..<settings.epochs { print(Table.row(e + 1, plainHistory[e], residualHistory[e])) }
let variance = problem.targetVariance
print()
print(String(format: "  target variance %.4f (the loss of predicting the mean)", variance))
print(String(format: "  final training loss: plain %.4g (%.0f%% of the variance), residual %.4g (%.2f%%)",
             plainHistory.last!, 100 * plainHistory.last! / variance, residualHistory.last!, 100 * residualHistory.last! / variance))
print(String(format: "  test loss (%d new points): plain %.4g, residual %.4g",
             problem.testCount, mse(plain, problem, test: true), mse(residual, problem, test: true)))
print(String(format: "  finished in %.1f s", Date().timeIntervalSince(start)))
if let csv {
    do {
        try csv.write("loss.csv", header: ["epoch", "plain_loss", "residual_loss"],
                      rows: [["0", "\(initialPlain)", "\(initialResidual)"]]
                        + (0..<settings.epochs).map { ["\($0 + 1)", "\(plainHistory[$0])", "\(residualHistory[$0])"] })
    } catch {
        fail("cannot write loss.csv: \(error.localizedDescription)")
    }
    print("  CSV file: \(csv.directory.appendingPathComponent("loss.csv").path)")
}
