// deep-sets: a permutation-invariant function of a set of points (the Lennard-Jones energy of a
// 6-atom cluster) learned by a deep set φ(Σ_j g(x_j)) and by plain MLPs on the concatenated
// coordinates, as the training set grows; test error on the test set as generated and with the
// atoms of every test configuration reordered.
//
//     swift run -c release deep-sets [--out DIR] [--seed N] [--quick]
import Foundation
import NNCore
import NeuralPotentials

let options = Options.parseOrExit()
Allocator.tuneForTensors()
// Create the folder before any training, so that a bad path fails at once.
do {
    try FileManager.default.createDirectory(atPath: options.outDirectory, withIntermediateDirectories: true)
} catch {
    fail("cannot create the output folder '\(options.outDirectory)': \(error.localizedDescription)")
}

let sizes = options.quick ? [30, 300] : [30, 100, 300, 1000]
let settings = Settings(steps: options.quick ? 400 : 2000)
let testCount = options.quick ? 500 : 2000
let n = ClusterData.atoms

var rng = RandomGenerator(seed: options.seed)
let pool = ClusterData(count: sizes.max()!, using: &rng)
let test = ClusterData(count: testCount, using: &rng)
let testPermuted = permuteAtoms(test.positions, using: &rng)
let testStats = meanAndStd(test.energies.scalars)
let allEnergies = pool.energies.scalars + test.energies.scalars

print("deep-sets: the Lennard-Jones energy of a \(n)-atom cluster, deep sets against MLPs on the coordinates (seed \(options.seed))")
print(String(format: "  configurations: %d atoms uniform in a ball of radius %.1f σ, no pair closer than %.1f σ, listed from the centroid outwards;",
             n, ClusterData.radius, ClusterData.minimumDistance))
print(String(format: "    energies %.3f … %.3f ε; test set %d configurations, mean %.3f ε, std %.3f ε (the RMSE of predicting the mean)",
             allEnergies.min()!, allEnergies.max()!, testCount, testStats.mean, testStats.std))
let prototypes = [Model.deepSet(seed: 0), Model.pairDeepSet(seed: 0), Model.mlp(atoms: n, augmented: false, seed: 0),
                  Model.mlp(atoms: n, augmented: true, seed: 0)]
print("  models (tanh throughout):")
print("    deep set (atoms)  φ((1/n) Σ_j g(x_j)), x_j centroid-relative coordinates, g 3→32→32, φ 32→32→1 (\(prototypes[0].network.parameterCount) parameters)")
print("    deep set (pairs)  φ((1/P) Σ_{i<j} g(r_ij)) over the P = \(n * (n - 1) / 2) pair distances, g 1→32→32, φ 32→32→1 (\(prototypes[1].network.parameterCount) parameters)")
print("    MLP               18→64→64→64→1 on [x₁,y₁,z₁,…,x₆,y₆,z₆], each input standardized (\(prototypes[2].network.parameterCount) parameters)")
print("    MLP + perm. aug.  the same, trained on copies with the atoms reordered at random at every step")
print("  training: Adam, \(settings.steps) full-batch steps,",
      "rate \(settings.learningRate) cosine-annealed to \(settings.minimumRate), MSE of standardized energies")
print("  RMSE in ε on the test set as generated (test), with every configuration's atoms reordered (permuted), and on the training set")
print()
print(Table.header(prototypes.map(\.name)))

let start = Date()
var results: [Result] = []
for size in sizes {
    let (x, e) = pool.prefix(size)
    let stats = meanAndStd(e.scalars)
    let y = Tensor(shape: e.shape, scalars: e.scalars.map { ($0 - stats.mean) / stats.std })
    var row: [Result] = []
    // fresh models for every size; both MLPs start from the same weights
    let models = [Model.deepSet(seed: options.seed &+ 11), Model.pairDeepSet(seed: options.seed &+ 13), Model.mlp(atoms: n, augmented: false, seed: options.seed &+ 12),
                  Model.mlp(atoms: n, augmented: true, seed: options.seed &+ 12)]
    for var model in models {
        model.standardize(from: x)
        train(model, x: x, y: y, settings: settings, seed: options.seed &+ 1000 &+ UInt64(size))
        let r = { (px: Tensor, pe: Tensor) in rmse(model, x: px, e: pe, mean: stats.mean, std: stats.std) }
        row.append(Result(trainSize: size, model: model.name, parameters: model.network.parameterCount,
                          train: r(x, e), test: r(test.positions, test.energies),
                          permuted: r(testPermuted, test.energies)))
    }
    results += row
    print(Table.row(row))
}
print()
print(String(format: "  finished in %.1f s", Date().timeIntervalSince(start)))
do {
    print("  CSV file: \(try writeCSV(results, to: options.outDirectory))")
} catch {
    fail("cannot write deep-sets.csv: \(error.localizedDescription)")
}
