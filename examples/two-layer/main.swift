// two-layer: how well f_m(x) = A·tanh(Bx + c) + a₀ fits a smooth target as the width m
// grows, with every weight trained ("adaptive features") and with B, c frozen at their
// random start and only the read-out fitted ("random features").
//
//     swift run -c release two-layer [--out DIR] [--seed N]
import Foundation
import NNCore

/// One target with its training recipe and random-feature scale.
struct Experiment {
    /// The data.
    let problem: Problem
    /// How the trained network is fitted.
    let settings: TrainingSettings
    /// How B and c are drawn (the trained network's start and the random features).
    let features: FeatureInit
}

extension Double {
    /// The number in `%g` style ("8", "0.03", "3e-05").
    var compact: String { String(format: "%g", self) }
}

let options = Options.parseOrExit()
Allocator.tuneForTensors()
let csv: CSVWriter?
do {
    csv = try options.outDirectory.map { try CSVWriter(path: $0) }
} catch {
    fail("cannot create the output folder '\(options.outDirectory!)': \(error.localizedDescription)")
}

let widths = [4, 16, 64, 256]
var master = RandomGenerator(seed: options.seed)
var dataRNG = RandomGenerator(seed: master.next())
let experiments = [
    Experiment(problem: makeProblem1D(), settings: TrainingSettings(steps: 8000, startRate: 3e-2),
               features: FeatureInit(scale: 8)),
    Experiment(problem: makeProblem2D(using: &dataRNG), settings: TrainingSettings(steps: 5000, startRate: 3e-2),
               features: FeatureInit(scale: 2)),
]

print("two-layer: f_m(x) = A·tanh(Bx + c) + a₀ of width m, trained vs random features (seed \(options.seed))")
for (k, e) in experiments.enumerated() {
    let p = e.problem
    let points = p.dimension == 1
        ? "\(p.trainX.shape[0]) evenly spaced training points, a \(p.testX.shape[0])-point test grid"
        : "\(p.trainX.shape[0]) training and \(p.testX.shape[0]) test points, uniform (seeded)"
    print("  (\(k == 0 ? "a" : "b")) \(p.name): \(p.formula); \(points)")
}
let s = experiments.map(\.settings)
print("""
      trained network: every weight by full-batch Adam on the MSE, \(s[0].steps) (1-D) / \(s[1].steps) (2-D) steps,
        learning rate \(s[0].startRate.compact) cosine-decayed to \((s[0].startRate * s[0].finalFraction).compact), read-out rate ×\(Int(s[0].readoutWidth))/m; A, a₀ start at 0
      random features: B, c frozen at the same random start; A, a₀ solved exactly by least squares
        (normal equations, Cholesky, ridge 1e-10·tr(ΦᵀΦ)/(m+1))
      random start: B ~ N(0, s²), s = \(experiments[0].features.scale.compact) (1-D) / \(experiments[1].features.scale.compact) (2-D); c_j = −B_j·t_j, t_j uniform on the domain
        (every tanh transition crosses the domain: features neither saturated nor linear there)

    """)
print(Table.header)

let start = Date()
var results: [WidthResult] = []
var fits1D: [[Double]] = []  // trained predictions on the 1-D test grid, one array per width
for e in experiments {
    let p = e.problem
    for m in widths {
        var rng = RandomGenerator(seed: master.next())
        let hidden = e.features.makeHidden(width: m, domain: p.domain, using: &rng)
        let randomFeatures = fitRandomFeatures(hidden: hidden, x: p.trainX, y: p.trainY)
        let network = TwoLayerNetwork(
            hidden: Dense(weight: hidden.weight.value.detached(), bias: hidden.bias.value.detached(), activation: .tanh),
            output: Dense(weight: .zeros([m, 1]), bias: .zeros([1])))
        let t0 = Date()
        trainAdaptive(network, x: p.trainX, y: p.trainY, settings: e.settings)
        let seconds = Date().timeIntervalSince(t0)
        let testPrediction = withNoGrad { network(p.testX) }
        if p.dimension == 1 { fits1D.append(testPrediction.scalars) }
        let r = WidthResult(
            target: p.name, width: m,
            trainedTrain: rmse(withNoGrad { network(p.trainX) }, p.trainY), trainedTest: rmse(testPrediction, p.testY),
            randomTrain: rmse(withNoGrad { randomFeatures(p.trainX) }, p.trainY),
            randomTest: rmse(withNoGrad { randomFeatures(p.testX) }, p.testY),
            seconds: seconds)
        results.append(r)
        print(Table.row(r))
    }
}
print()
for e in experiments {
    let test = results.filter { $0.target == e.problem.name }.map(\.trainedTest)
    let falls = zip(test, test.dropFirst()).allSatisfy { $1 < $0 }
    print("  \(e.problem.name): trained test RMSE \(falls ? "falls at every step" : "does NOT fall at every step") from m = \(widths.first!) to \(widths.last!), "
          + String(format: "%.0f× in all", test.first! / test.last!))
}
print(String(format: "  finished in %.1f s", Date().timeIntervalSince(start)))

if let csv {
    do {
        try csv.write("rmse.csv", header: ["target", "m", "model", "train_rmse", "test_rmse"],
                      rows: results.flatMap { r in [
                          [r.target, "\(r.width)", "trained", "\(r.trainedTrain)", "\(r.trainedTest)"],
                          [r.target, "\(r.width)", "random_features", "\(r.randomTrain)", "\(r.randomTest)"],
                      ] })
        let grid = experiments[0].problem
        try csv.write("fit-1d.csv", header: ["x", "target"] + widths.map { "trained_m\($0)" },
                      rows: (0..<grid.testX.count).map { i in
                          ["\(grid.testX.scalars[i])", "\(grid.testY.scalars[i])"] + fits1D.map { "\($0[i])" }
                      })
    } catch {
        fail("cannot write the CSV files: \(error.localizedDescription)")
    }
    print("CSV files: \(csv.directory.path)/rmse.csv, \(csv.directory.path)/fit-1d.csv")
}
