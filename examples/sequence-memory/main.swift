// sequence-memory: a vanilla RNN and an LSTM of the same hidden size learn a non-Markovian
// target y_t = H_t(x_1..x_t) whose memory span is d steps, for growing d, and print the
// held-out RMSE of both next to the predict-0 baseline.
//
// Two tasks (--task): `hold` (default) keeps the value seen at a marker that recurs every d
// steps while new values stream in (a gated memory: the LSTM keeps it, the RNN cannot);
// `delay` is the plain delay line y_t = x_{t−d}.
//
//   swift run -c release sequence-memory [--task hold|delay] [--seed N] [--out DIR]
//                                        [--steps N] [--hidden N] [--delays d1,d2,…]
import ArgumentParser
import CBLAS
import Foundation
import NNCore

// MARK: - Options

/// Which target the networks learn.
enum Task: String, CaseIterable, ExpressibleByArgument {
    /// y_t = the value seen at the most recent marker (markers every d steps).
    case hold
    /// y_t = x_{t−d}.
    case delay
}

/// The command-line settings, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "sequence-memory")

    /// Which target the networks learn (`--task hold|delay`).
    @Option(help: ArgumentHelp("hold: keep the value seen at the last marker, markers every d steps; "
                               + "delay: y_t = x_{t-d}", valueName: "T"))
    var task = Task.hold

    /// Seed of data and weights (`--seed N`).
    @Option(help: ArgumentHelp("seed of data and weights", valueName: "N"))
    var seed: UInt64 = 1

    /// Folder for the CSV of the table (`--out DIR`); nothing is written when nil.
    @Option(help: ArgumentHelp("also write the table to DIR/sequence-memory-<task>.csv", valueName: "DIR"))
    var out: String? = nil

    /// Adam steps per model and d (`--steps N`).
    @Option(help: ArgumentHelp("Adam steps per model and d", valueName: "N"))
    var steps = 1000

    /// Hidden width of both networks (`--hidden N`).
    @Option(help: ArgumentHelp("hidden width of both networks", valueName: "N"))
    var hidden = 32

    /// The memory spans d as given (`--delays 1,2,4`); see `delays`.
    @Option(name: .customLong("delays"), help: ArgumentHelp("comma-separated memory spans d", valueName: "L"))
    var delayList = DelayList([1, 2, 4, 8, 16, 32, 64])

    /// The memory spans d, in the order given.
    var delays: [Int] { delayList.values }

    /// Rejects non-positive `--steps` and `--hidden`.
    func validate() throws {
        guard steps > 0 else { throw ValidationError("--steps needs a positive integer, got '\(steps)'") }
        guard hidden > 0 else { throw ValidationError("--hidden needs a positive integer, got '\(hidden)'") }
    }
}

/// A comma-separated list of positive integers, as `--delays` takes it.
struct DelayList: ExpressibleByArgument {
    /// The spans, in the order given.
    let values: [Int]

    /// The given spans.
    init(_ values: [Int]) { self.values = values }

    /// Parses `1,2,4`; nil when any part is not a positive integer.
    init?(argument: String) {
        var values: [Int] = []
        for part in argument.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Int(part), v > 0 else { return nil }
            values.append(v)
        }
        self.values = values
    }

    /// The list as it is written on the command line, for the default shown by `--help`.
    var defaultValueDescription: String { values.map(String.init).joined(separator: ",") }
}

// MARK: - Data

/// A batch of inputs x [T, N, 2] and targets y [T, N, 1] for one task and lag d.
///
/// Channel 0 of x is a value v_t ~ U(−1, 1) at every step. `delay`: y_t = v_{t−d} (0 for
/// t < d); channel 1 is 0. `hold`: channel 1 is a marker, 1 every d steps from a random
/// phase φ ∈ 0..<d per sequence; y_t is the value seen at the most recent marker (0 before
/// the first), so it must be kept up to d − 1 steps while new values stream in.
func batch(_ task: Task, length: Int, size: Int, lag d: Int, using rng: inout RandomGenerator) -> (x: Tensor, y: Tensor) {
    var x = [Double](repeating: 0, count: length * size * 2)
    var y = [Double](repeating: 0, count: length * size)
    for t in 0..<length {
        for n in 0..<size { x[(t * size + n) * 2] = 2 * rng.nextUniform() - 1 }
    }
    for n in 0..<size {
        switch task {
        case .delay:
            for t in d..<length { y[t * size + n] = x[((t - d) * size + n) * 2] }
        case .hold:
            let phase = rng.nextInt(below: d)
            var held = 0.0
            for t in 0..<length {
                if t % d == phase {
                    x[(t * size + n) * 2 + 1] = 1
                    held = x[(t * size + n) * 2]
                }
                y[t * size + n] = held
            }
        }
    }
    return (Tensor(shape: [length, size, 2], scalars: x), Tensor(shape: [length, size, 1], scalars: y))
}

// MARK: - Models

/// A sequence model: predictions [T, N, 1] for inputs [T, N, 2].
protocol SequenceModel: Layer {}

/// The Elman RNN with its own output projection y_t = h_t·V.
final class RNNModel: SequenceModel {
    let rnn: RNN
    init(hidden: Int, using rng: inout RandomGenerator) {
        rnn = RNN(inputSize: 2, hiddenSize: hidden, outputSize: 1, using: &rng)
    }
    func callAsFunction(_ x: Tensor) -> Tensor { rnn(x) }
}

/// An LSTM (forget-gate bias 1, Jozefowicz et al. 2015) with the same kind of read-out y_t = h_t·V.
final class LSTMModel: SequenceModel {
    let lstm: LSTM
    let readout: Parameter
    init(hidden: Int, using rng: inout RandomGenerator) {
        lstm = LSTM(inputSize: 2, hiddenSize: hidden, using: &rng)
        for j in hidden..<(2 * hidden) { lstm.bias!.value.scalars[j] = 1 }
        readout = Parameter(Initializer.glorotUniform.make([hidden, 1], fanIn: hidden, fanOut: 1, using: &rng))
    }
    func callAsFunction(_ x: Tensor) -> Tensor {
        let s = lstm(x)
        return Tensor.matmul(s.reshaped([-1, s.shape[2]]), readout.value).reshaped([s.shape[0], s.shape[1], 1])
    }
}

/// Mean squared error over the scored steps t ≥ d.
func scoredMSE(_ prediction: Tensor, _ target: Tensor, lag d: Int) -> Tensor {
    let len = prediction.shape[0] - d
    return Loss.mse(prediction.narrowed(axis: 0, start: d, length: len), target.narrowed(axis: 0, start: d, length: len))
}

/// Trains `model` with Adam (cosine-annealed rate, gradient norm clipped at 1) on fresh
/// batches of 32; returns the held-out RMSE.
func trainAndTest(_ model: some SequenceModel, lag d: Int, length: Int, options: Options, seed: UInt64,
                  test: (x: Tensor, y: Tensor)) -> Double {
    var rng = RandomGenerator(seed: seed)
    let params = model.parameters
    let opt = Adam(learningRate: 1e-2)
    let schedule = CosineLR(start: 1e-2, minimum: 1e-4, totalSteps: options.steps)
    for step in 0..<options.steps {
        let (x, y) = batch(options.task, length: length, size: 32, lag: d, using: &rng)
        let loss = scoredMSE(model(x), y, lag: d)
        var g = grad(of: loss, wrt: params.map(\.value))
        let norm = g.reduce(0.0) { $0 + $1.scalars.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        if norm > 1 { g = g.map { $0 * (1 / norm) } }
        opt.learningRate = schedule.rate(at: step)
        opt.step(params, gradients: g)
    }
    return withNoGrad { scoredMSE(model(test.x), test.y, lag: d).scalar }.squareRoot()
}

// MARK: - Main

Allocator.tuneForTensors()
openblas_set_num_threads(1)  // small matrices: BLAS threads cost more than they save (and spin when cores are busy)
let options = Options.parseOrExit()
let start = Date()
switch options.task {
case .hold:
    print("sequence-memory, task hold: x_t = (v_t, m_t), v_t ~ U(-1, 1), marker m_t = 1 every d steps (random phase);")
    print("  y_t = v at the most recent marker (kept up to d - 1 steps while new values arrive)")
case .delay:
    print("sequence-memory, task delay: x_t = (v_t, 0), v_t ~ U(-1, 1); y_t = v_{t-d}")
}
print("RNN and LSTM with \(options.hidden) hidden units each, \(options.steps) Adam steps (batch 32), seed \(options.seed)")
print("error: root-mean-square error (RMSE) over the steps t >= d of 512 held-out sequences of length 2d + 16;")
print("  baseline = always predicting 0")
print("")
print(" d  | length T | RNN RMSE | LSTM RMSE | baseline RMSE | train time (RNN, LSTM)")
print("----|----------|----------|-----------|---------------|-----------------------")
var csv = ["task,d,length,rnn_rmse,lstm_rmse,baseline_rmse"]
for d in options.delays {
    let length = 2 * d + 16
    var testRNG = RandomGenerator(seed: options.seed &* 1_000_003 &+ UInt64(d))
    let test = batch(options.task, length: length, size: 512, lag: d, using: &testRNG)
    let baseline = withNoGrad { scoredMSE(test.y.zerosLike(), test.y, lag: d).scalar }.squareRoot()
    var initRNG = RandomGenerator(seed: options.seed &+ 17 &* UInt64(d))
    let rnn = RNNModel(hidden: options.hidden, using: &initRNG)
    let lstm = LSTMModel(hidden: options.hidden, using: &initRNG)
    let dataSeed = options.seed &* 7919 &+ UInt64(d)
    let t0 = Date()
    let eRNN = trainAndTest(rnn, lag: d, length: length, options: options, seed: dataSeed, test: test)
    let t1 = Date()
    let eLSTM = trainAndTest(lstm, lag: d, length: length, options: options, seed: dataSeed, test: test)
    let t2 = Date()
    print(String(format: "%3d | %8d | %8.4f | %9.4f | %13.4f | %5.1f s, %5.1f s", d, length, eRNN, eLSTM, baseline,
                 t1.timeIntervalSince(t0), t2.timeIntervalSince(t1)))
    csv.append(String(format: "%@,%d,%d,%.6f,%.6f,%.6f", options.task.rawValue, d, length, eRNN, eLSTM, baseline))
}
print("")
print(String(format: "total time %.1f s", Date().timeIntervalSince(start)))
if let dir = options.out {
    do {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let path = (dir as NSString).appendingPathComponent("sequence-memory-\(options.task.rawValue).csv")
        try (csv.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        print("table written to \(path)")
    } catch {
        FileHandle.standardError.write(Data("sequence-memory: cannot write to \(dir): \(error)\n".utf8))
        exit(1)
    }
}
