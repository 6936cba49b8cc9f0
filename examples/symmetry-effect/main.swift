// symmetry-effect: why symmetry matters. Test error vs number of training frames for a plain MLP
// on flattened Cartesian coordinates, the same MLP with random-rotation augmentation, the radial
// deep set se_e2_r and DeepPot-SE se_e2_a, on the copper EMT data (32 atoms per frame).
//
//     swift run -c release symmetry-effect [--data DIR] [--sizes 10,30,100,300] [--steps N]
//                                          [--seed N] [--out DIR] [--quick]
import Analysis
import Atomistics
import Foundation
import NNCore
import NeuralPotentials
import SymmdDeck

let options = Options.parseOrExit()
Allocator.tuneForTensors()
let started = Date()

// Data: every training frame, shuffled once; the subsets are nested prefixes of that order.
let typeMap = ["Cu"]
func load(_ name: String) -> [LabeledFrame] {
    let url = URL(fileURLWithPath: options.data).appendingPathComponent(name)
    do { return try TrainingData.load(files: [url], typeMap: typeMap, skipBad: false).frames } catch {
        fail("cannot load \(url.path): \(error)")
    }
}
let trainAll = load("train.extxyz"), valid = load("valid.extxyz")
let atomCount = trainAll.first?.system.count ?? 0
guard atomCount > 0, (trainAll + valid).allSatisfy({ $0.system.count == atomCount && $0.forces != nil }) else {
    fail("the plain MLP needs frames of one size with forces; \(options.data) has other frames")
}
let sizes = options.sizeList
guard let largest = sizes.max(), largest <= trainAll.count else {
    fail("--sizes asks for \(sizes.max() ?? 0) training frames, \(options.data)/train.extxyz has \(trainAll.count)")
}
var subsetRNG = RandomGenerator(seed: options.seed)
let shuffled = subsetRNG.permutation(trainAll.count).map { trainAll[$0] }

// The validation frames, and copies turned by random rotations (about the cell centre) and
// with atoms listed in a random order: the same physics, so the same labels moved along.
var testRNG = Xoshiro256StarStar(seed: options.seed &+ 7919)
let validRotated: [LabeledFrame], validPermuted: [LabeledFrame]
do {
    validRotated = try valid.map { try $0.rotated(by: SymmetryCheck.randomRotation(&testRNG), about: $0.cellCentre) }
    validPermuted = valid.map { f in
        var order = Array(0..<atomCount)
        for k in stride(from: atomCount - 1, to: 0, by: -1) {
            order.swapAt(k, Int(testRNG.nextUniform() * Double(k + 1)) % (k + 1))
        }
        return f.permuted(order)
    }
} catch { fail("cannot transform the validation frames: \(error)") }

// Training settings shared by all four models: DeePMD-kit's loss and schedule, one frame per step.
var config = TrainingConfig()
config.steps = options.stepBudget
config.batchSize = 1
config.seed = options.seed
config.startLR = options.startLR
config.stopLR = options.stopLR
config.decaySteps = max(1, config.steps / 20)

// The se descriptors: small nets; sel from the data (largest neighbor count within rcut × 1.1).
let rcut = 6.0
let maxNeighbors: Int
do {
    maxNeighbors = try trainAll.map {
        try AtomEnvironments(system: $0.system, types: $0.system.types, rcut: rcut, sel: [4096]).maxNeighbors[0]
    }.max() ?? 1
} catch { fail("cannot build environments: \(error)") }
let sel = Int((Double(maxNeighbors) * 1.1).rounded(.up))
func spec(_ kind: DescriptorKind) -> ModelSpec {
    ModelSpec(typeMap: typeMap,
              descriptor: DescriptorSpec(kind: kind, rcut: rcut, rcutSmooth: 5, sel: [sel], neuron: [8, 16, 32], axisNeuron: 8),
              fitting: FittingSpec(neuron: [64, 64], resnetDt: true))
}
let mlpHidden = [128, 128]

let preparedValid: [[Trainer.PreparedFrame]]
do {
    let probe = try DeepPotentialModel(spec: spec(.seE2A), seed: options.seed)
    preparedValid = try [valid, validRotated, validPermuted].map { set in
        let p = try Trainer.prepare(set, model: probe, strict: false)
        if p.overflows > 0 { print("  note: \(p.overflows) validation atoms have more than sel = \(sel) neighbors") }
        return p.frames
    }
} catch { fail("cannot prepare the validation frames: \(error)") }

let models = options.modelList
// The force RMSE of the trivial prediction F = 0: what a model that has learned nothing about forces scores.
let zeroForceRMSE = {
    let f = valid.flatMap { $0.forces! }
    return (f.reduce(0) { $0 + $1 * $1 } / Double(f.count)).squareRoot()
}()
print("symmetry-effect: test error vs training frames on \(options.data) (\(trainAll.count) train, \(valid.count) validation frames, \(atomCount) atoms)")
print("  MLP: \(3 * atomCount) Cartesian coordinates (file order) → \(mlpHidden.map(String.init).joined(separator: " → ")) tanh → E; F = −∂E/∂x by autodiff"
      + " (\(CartesianMLP(atomCount: atomCount, hidden: mlpHidden, seed: 0).parameterCount) weights)")
print("  MLP + rotations: the same, each training frame turned by a fresh random rotation (positions and forces; E unchanged)")
for kind in [DescriptorKind.seE2R, .seE2A] {
    let m = try? DeepPotentialModel(spec: spec(kind), seed: 0)
    print("  \(kind.rawValue): rcut \(rcut) Å, rcut_smth 5 Å, sel \(sel), embedding [8, 16, 32]\(kind == .seE2A ? ", axis 8" : ""), fitting [64, 64] (\(m?.parameterCount ?? 0) weights)")
}
print("  training: \(config.steps) Adam steps per model and size, batch 1, lr \(config.startLR) → \(config.stopLR) (decay every \(config.decaySteps)),"
      + " loss p_e ΔE²/N + p_f Σ|ΔF|²/(3N), p_e 0.02 → 1, p_f 1000 → 1; seed \(options.seed)")
let energyStdPerAtom = {
    let e = valid.map { $0.energy / Double(atomCount) }
    let m = e.reduce(0, +) / Double(e.count)
    return (e.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(e.count)).squareRoot()
}()
print(String(format: "  reference: F = 0 gives force RMSE %.4f eV/Å; the validation mean energy gives %.5f eV/atom", zeroForceRMSE, energyStdPerAtom))
print()

var results: [RunResult] = []
for n in sizes {
    let subset = Array(shuffled.prefix(n))
    for name in models {
        let t0 = Date()
        var r = RunResult(model: name, frames: n, steps: config.steps)
        do {
            switch name {
            case "MLP", "MLP + rotations":
                let model = CartesianMLP(atomCount: atomCount, hidden: mlpHidden, seed: options.seed)
                let trainer = MLPTrainer(model: model, train: subset, config: config, augment: name != "MLP",
                                         augmentationSeed: options.seed &+ 104_729)
                for _ in 0..<config.steps { try trainer.trainStep() }
                r.forceTrain = MLPTrainer.metrics(model, subset).force
                (r.force, r.energyPerAtom) = MLPTrainer.metrics(model, valid)
                (r.forceRotated, r.energyPerAtomRotated) = MLPTrainer.metrics(model, validRotated)
                (r.forcePermuted, r.energyPerAtomPermuted) = MLPTrainer.metrics(model, validPermuted)
            default:
                let model = try DeepPotentialModel(spec: spec(name == "se_e2_r" ? .seE2R : .seE2A), seed: options.seed)
                let trainer = try Trainer(model: model, train: subset, valid: [], config: config)
                for _ in 0..<config.steps { trainer.trainStep() }
                r.forceTrain = trainer.metrics(trainer.train).forceRMSE
                let m = preparedValid.map { Trainer.metrics(model: model, frames: $0) }
                (r.force, r.energyPerAtom) = (m[0].forceRMSE, m[0].energyRMSEPerAtom)
                (r.forceRotated, r.energyPerAtomRotated) = (m[1].forceRMSE, m[1].energyRMSEPerAtom)
                (r.forcePermuted, r.energyPerAtomPermuted) = (m[2].forceRMSE, m[2].energyRMSEPerAtom)
            }
        } catch { fail("\(name) on \(n) frames: \(error)") }
        r.seconds = Date().timeIntervalSince(t0)
        results.append(r)
        print(Report.row(r))
        fflush(nil)  // all streams (Swift 6 rejects the global `stdout`)
    }
}

print()
print(Report.header)
for r in results { print(Report.row(r)) }
let elapsed = Date().timeIntervalSince(started)
print(String(format: "\n  total %.0f s (%d steps per run, %d runs)", elapsed, config.steps, results.count))
do {
    let files = try Report.write(results, models: models, sizes: sizes, zeroForce: zeroForceRMSE, to: options.outDirectory)
    print("  wrote " + files.joined(separator: ", "))
} catch { fail("cannot write into \(options.outDirectory): \(error)") }
