import Foundation
import NNCore

/// "epoch  3/40".
func epochLabel(_ epoch: Int, _ total: Int) -> String {
    let w = String(total).count
    return "  epoch " + String(repeating: " ", count: w - String(epoch).count) + "\(epoch)/\(total)"
}

/// Trains a LeNet from `seed` (initial weights, batch order and shifts all come from it) and
/// returns the figures of every epoch. `progress` is called after each step with the epoch,
/// steps done, steps per epoch and the running mean loss; `epochDone` after each epoch.
func trainLeNet(seed: UInt64, settings: TrainingSettings, train: Digits, test: Digits,
                progress: (Int, Int, Int, Double) -> Void, epochDone: (EpochMetrics) -> Void) -> [EpochMetrics] {
    var rng = RandomGenerator(seed: seed)
    let net = LeNet.make(using: &rng)
    let params = net.parameters
    let stepsPerEpoch = (train.count + settings.batchSize - 1) / settings.batchSize
    let schedule = CosineLR(start: settings.startRate, minimum: settings.finalRate,
                            totalSteps: settings.epochs * stepsPerEpoch)
    let optimizer = Adam(learningRate: settings.startRate)
    let start = Date()
    var history: [EpochMetrics] = []
    var step = 0
    for epoch in 1...settings.epochs {
        let order = rng.permutation(train.count)
        var lossSum = 0.0, correct = 0, seen = 0
        for b in 0..<stepsPerEpoch {
            let indices = order[(b * settings.batchSize)..<min(train.count, (b + 1) * settings.batchSize)]
            let shifts = settings.shifts
                ? indices.map { _ in (dy: rng.nextInt(below: 3) - 1, dx: rng.nextInt(below: 3) - 1) } : nil
            let (pixels, labels) = train.batch(indices, shifts: shifts)
            let x = Tensor(shape: [indices.count, 1, Digits.side, Digits.side], scalars: pixels)
            let logits = net(x)
            let loss = Loss.softmaxCrossEntropy(logits: logits, labels: labels)
            let grads = grad(of: loss, wrt: params.map(\.value))
            optimizer.learningRate = schedule.rate(at: step)
            optimizer.step(params, gradients: grads)
            step += 1
            lossSum += loss.scalar * Double(indices.count)
            correct += correctCount(logits.detached(), labels)
            seen += indices.count
            progress(epoch, b + 1, stepsPerEpoch, lossSum / Double(seen))
        }
        let m = EpochMetrics(epoch: epoch, loss: lossSum / Double(seen), trainAccuracy: Double(correct) / Double(seen),
                             testAccuracy: accuracy(net, on: test), seconds: Date().timeIntervalSince(start))
        history.append(m)
        epochDone(m)
    }
    return history
}

/// A one-line text progress bar, redrawn in place with `\r` when standard output is a
/// terminal; otherwise only the finished lines are printed.
final class ProgressBar {
    /// Whether standard output is a terminal.
    let interactive = isatty(STDOUT_FILENO) != 0
    private var lastWidth = 0
    private var lastDrawn = -1

    /// Redraws the bar at `fraction` (0…1) between `label` and `suffix`.
    func update(_ fraction: Double, label: String, suffix: String) {
        guard interactive else { return }
        let width = 30
        let filled = Int((fraction * Double(width)).rounded(.down))
        let percent = Int(fraction * 100)
        if percent == lastDrawn && fraction < 1 { return }
        lastDrawn = percent
        let line = "\(label) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            + "] " + String(format: "%3d%%", percent) + "  " + suffix
        draw(line)
    }

    /// Replaces the bar by `line` and ends it with a newline.
    func finish(_ line: String) {
        if interactive {
            draw(line)
            print()
        } else {
            print(line)
        }
        lastWidth = 0
        lastDrawn = -1
    }

    private func draw(_ line: String) {
        let pad = String(repeating: " ", count: max(0, lastWidth - line.count))
        print("\r" + line + pad, terminator: "")
        fflush(nil)  // all streams (Swift 6 rejects the global `stdout`)
        lastWidth = line.count
    }
}

/// Writes the CSV files of a run into one folder.
struct CSVWriter {
    /// The folder the files go to.
    let directory: URL

    /// A writer for `path`, creating the folder (and its parents) now, so that a bad path
    /// fails before any training.
    init(path: String) throws {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// Writes `rows` (each already a list of cells) under `header` to `name` in the folder.
    func write(_ name: String, header: [String], rows: [[String]]) throws {
        let lines = [header.joined(separator: ",")] + rows.map { $0.joined(separator: ",") }
        try (lines.joined(separator: "\n") + "\n").write(to: directory.appendingPathComponent(name),
                                                         atomically: true, encoding: .utf8)
    }
}
