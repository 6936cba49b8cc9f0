// dying-relu: a one-hidden-layer network trained by plain SGD at a large and a moderate
// learning rate, with ReLU and with leaky ReLU (slope 0.01): how many hidden units end up
// with pre-activation ≤ 0 on every training input ("dead"), and what that does to the fit.
//
//     swift run -c release dying-relu [--out DIR] [--seed N]
import Foundation
import NNCore

let options = Options.parseOrExit()
Allocator.tuneForTensors()
var outDirectory: URL? = nil
if let path = options.outDirectory {
    let url = URL(fileURLWithPath: path, isDirectory: true)
    do {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
        fail("cannot create the output folder '\(path)': \(error.localizedDescription)")
    }
    outDirectory = url
}

// The data: the 1-D target of the two-layer example at 256 evenly spaced points of [0, 1].
let pointCount = 256
let xs = Tensor.linspace(0, 1, count: pointCount).scalars
let x = Tensor(shape: [pointCount, 1], scalars: xs)
let y = Tensor(shape: [pointCount, 1], scalars: xs.map { sin(2 * Double.pi * $0) + 0.3 * cos(7 * $0) })

let width = 64
let steps = 10_000
let rates = [0.05, 0.5]  // moderate, large
let activations: [(name: String, activation: Activation)] = [("ReLU", .relu), ("leaky ReLU", .leakyRelu(slope: 0.01))]
let initialisations = 10  // seeds seed, seed+1, …, for the robustness summary
let checkpoints: Set<Int> = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000]

print("""
    dying-relu: f(x) = A·φ(Bx + c) + a₀, width \(width), on sin(2πx) + 0.3·cos(7x) at \(pointCount) points of [0,1]
      full-batch plain SGD on the MSE, \(steps) steps at a constant learning rate; He-normal init,
      c_j = −B_j·t_j with t_j uniform on [0,1] (every kink inside the data: no unit dead at the start)
      dead unit: pre-activation B_j·x + c_j ≤ 0 at every training input (for leaky ReLU: stuck on the
      slope-0.01 side everywhere; such units still pass gradient, 100× weaker)

    """)

/// Runs one activation at one rate from the initial weights drawn with `seed`.
func run(_ name: String, _ activation: Activation, rate: Double, seed: UInt64) -> Run {
    var rng = RandomGenerator(seed: seed)
    let network = ReLUNetwork(width: width, activation: activation, using: &rng)
    let history = trainSGD(network, x: x, y: y, learningRate: rate, steps: steps, checkpoints: checkpoints)
    let diverged = !(history.last!.rmse.isFinite)
    return Run(activationName: name, learningRate: rate, seed: seed, history: history,
               deadUnitGradient: diverged ? nil : network.largestGradientOnDeadUnits(x: x, y: y))
}

let start = Date()
var runs: [Run] = []
let widths = [10, 5, 11, 11, 13, 13, 20]
print("  seed \(options.seed):")
print(Table.line(["activation", "lr", "dead @20", "dead @end", "RMSE @\(steps / 2)", "RMSE @end", "max|grad| dead"], widths))
for rate in rates {
    for (name, activation) in activations {
        let r = run(name, activation, rate: rate, seed: options.seed)
        runs.append(r)
        let gradient = r.deadUnitGradient.map { $0 == 0 ? "0 (exactly)" : String(format: "%.1e", $0) } ?? "—"
        print(Table.line([name, "\(rate)", r.at(20).map { Table.percent($0.deadFraction) } ?? "—",
                          Table.percent(r.final.deadFraction), Table.error(r.at(steps / 2)?.rmse),
                          Table.error(r.final.rmse), gradient], widths))
    }
}

let last = options.seed &+ UInt64(initialisations - 1)
print()
print("  \(initialisations) initialisations (seeds \(options.seed)–\(last)), at the end:")
let summaryWidths = [10, 5, 10, 12, 10, 10, 9]
print(Table.line(["activation", "lr", "mean dead", "median RMSE", "best", "worst", "diverged"], summaryWidths))
for rate in rates {
    for (name, activation) in activations {
        var group = runs.filter { $0.activationName == name && $0.learningRate == rate }
        for k in 1..<initialisations {
            group.append(run(name, activation, rate: rate, seed: options.seed &+ UInt64(k)))
        }
        runs.append(contentsOf: group.dropFirst())
        let finite = group.filter { !$0.diverged }
        let errors = finite.map(\.final.rmse).sorted()
        let meanDead = finite.map(\.final.deadFraction).reduce(0, +) / Double(max(finite.count, 1))
        print(Table.line([name, "\(rate)", finite.isEmpty ? "—" : Table.percent(meanDead),
                          Table.error(errors.isEmpty ? nil : errors[errors.count / 2]),
                          Table.error(errors.first), Table.error(errors.last),
                          "\(group.count - finite.count)/\(group.count)"], summaryWidths))
    }
}
print("  (mean dead, median, best and worst over the runs that did not diverge)")
print(String(format: "\n  finished in %.1f s", Date().timeIntervalSince(start)))

if let outDirectory {
    do {
        try writeCSV(runs, to: outDirectory)
    } catch {
        fail("cannot write \(outDirectory.path)/dying-relu.csv: \(error.localizedDescription)")
    }
    print("CSV file: \(outDirectory.path)/dying-relu.csv")
}
