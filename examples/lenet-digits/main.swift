// lenet-digits: LeNet-5 (two convolution + pooling stages, three dense layers) trained on the
// 8×8 digits of scikit-learn with Adam, mini-batches and ±1-pixel shifts, from three seeds.
//
//     swift run -c release lenet-digits [--epochs N] [--seeds 1,2,3] [--data DIR] [--out DIR]
import Foundation
import NNCore

let options = Options.parseOrExit()
Allocator.tuneForTensors()
let dataDirectory = locateData(options.dataDirectory)
let train: Digits, test: Digits
do {
    train = try Digits(csv: dataDirectory.appendingPathComponent("train.csv"))
    test = try Digits(csv: dataDirectory.appendingPathComponent("test.csv"))
} catch {
    fail(error.description)
}
let csv: CSVWriter?
do {
    csv = try options.outDirectory.map { try CSVWriter(path: $0) }
} catch {
    fail("cannot create the output folder '\(options.outDirectory!)': \(error.localizedDescription)")
}

let settings = TrainingSettings(epochs: options.epochs)
if let t = ProcessInfo.processInfo.environment["THREADS"] { Parallel.threads = Int(t) ?? 1 }
print("lenet-digits: LeNet-5 on 8×8 digits (\(train.count) training, \(test.count) test images from \(dataDirectory.path))")
print("  network: \(LeNet.summary)")
print("  8×8 input, pixels/16; 3×3 filters with same zero padding instead of 5×5 on a 32×32 input")
print("  training: Adam, batch \(settings.batchSize), rate \(settings.startRate) cosine-decayed to \(settings.finalRate), "
      + "\(settings.epochs) epochs, each image shifted by a random ±1 pixel every epoch; seeds \(options.seeds.map(String.init).joined(separator: ", "))")

let start = Date()
var finals: [(seed: UInt64, accuracy: Double)] = []
var rows: [[String]] = []
for seed in options.seeds {
    print("\nseed \(seed)")
    let bar = ProgressBar()
    let history = trainLeNet(seed: seed, settings: settings, train: train, test: test,
                             progress: { epoch, done, total, loss in
                                 bar.update(Double(done) / Double(total),
                                            label: epochLabel(epoch, settings.epochs),
                                            suffix: String(format: "loss %.4f", loss))
                             },
                             epochDone: { m in
                                 bar.finish(epochLabel(m.epoch, settings.epochs)
                                            + String(format: "  loss %.4f  train %5.1f %%  test %5.1f %%  %6.1f s",
                                                     m.loss, 100 * m.trainAccuracy, 100 * m.testAccuracy, m.seconds))
                             })
    finals.append((seed, history.last!.testAccuracy))
    rows += history.map { m in
        ["\(seed)", "\(m.epoch)", "\(m.loss)", "\(m.trainAccuracy)", "\(m.testAccuracy)", String(format: "%.3f", m.seconds)]
    }
}

print()
for f in finals { print(String(format: "  seed %llu: test accuracy %.1f %%", f.seed, 100 * f.accuracy)) }
print(String(format: "  total time %.1f s", Date().timeIntervalSince(start)))
if let csv {
    do {
        try csv.write("metrics.csv", header: ["seed", "epoch", "loss", "train_accuracy", "test_accuracy", "seconds"], rows: rows)
    } catch {
        fail("cannot write metrics.csv: \(error.localizedDescription)")
    }
    print("  CSV file: \(csv.directory.appendingPathComponent("metrics.csv").path)")
}
let sorted = finals.map(\.accuracy).sorted()
let median = sorted.count % 2 == 1 ? sorted[sorted.count / 2] : 0.5 * (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2])
print(String(format: "test accuracy (median of %d seed%@): %.1f %%", finals.count, finals.count == 1 ? "" : "s", 100 * median))
