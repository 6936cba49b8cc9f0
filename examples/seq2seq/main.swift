// seq2seq: an LSTM encoder–decoder learns to add two numbers written as digit strings,
// "123+45" → "168": input and output of different, variable lengths. The encoder reads the
// (left-padded) question; its final (h, c) starts the decoder, which is trained with teacher
// forcing and decodes greedily at test time. Prints the training loss per epoch, a few
// held-out predictions and, last, the held-out exact-sequence accuracy.
//
//   swift run -c release seq2seq [--seed N] [--epochs N] [--hidden N] [--train N] [--test N]
import ArgumentParser
import CBLAS
import Foundation
import NNCore

// MARK: - Options

/// The command-line settings, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(commandName: "seq2seq")

    /// Seed of the data split and the weights (`--seed N`).
    @Option(help: ArgumentHelp("seed of the data split and the weights", valueName: "N"))
    var seed: UInt64 = 1

    /// Passes over the training set (`--epochs N`).
    @Option(help: ArgumentHelp("passes over the training set", valueName: "N"))
    var epochs = 8

    /// LSTM width of encoder and decoder (`--hidden N`).
    @Option(help: ArgumentHelp("LSTM width of encoder and decoder", valueName: "N"))
    var hidden = 64

    /// Distinct training questions (`--train N`).
    @Option(name: .customLong("train"), help: ArgumentHelp("distinct training questions", valueName: "N"))
    var trainSize = 60_000

    /// Distinct held-out questions (`--test N`).
    @Option(name: .customLong("test"),
            help: ArgumentHelp("distinct held-out questions; neither a+b nor b+a is in the training set",
                               valueName: "N"))
    var testSize = 2_000

    /// Most digits per operand (`--digits N`, 1...4).
    @Option(name: .customLong("digits"), help: ArgumentHelp("most digits per operand, 1...4", valueName: "N"))
    var maxDigits = 3

    /// Rejects non-positive counts, more than 4 digits, and more questions than there are.
    func validate() throws {
        for (name, value) in [("--epochs", epochs), ("--hidden", hidden), ("--train", trainSize),
                              ("--test", testSize), ("--digits", maxDigits)] where value <= 0 {
            throw ValidationError("\(name) needs a positive integer, got '\(value)'")
        }
        guard maxDigits <= 4 else { throw ValidationError("--digits must be at most 4, got \(maxDigits)") }
        // distinct questions available: Σ over digit counts of the operands
        var numbers = 0, p = 1
        for _ in 0..<maxDigits { numbers += p == 1 ? 10 : 9 * p; p *= 10 }
        guard 2 * trainSize + testSize <= numbers * numbers / 2 else {
            throw ValidationError("2·--train + --test = \(2 * trainSize + testSize) is more than half the "
                                  + "\(numbers * numbers) questions with ≤ \(maxDigits) digits")
        }
    }
}

// MARK: - Vocabularies and data

/// Encoder tokens: digits 0–9, "+" = 10, padding = 11.
let plusToken = 10, padToken = 11, encoderVocabulary = 12
/// Decoder tokens: digits 0–9, end of sequence = 10 (output); start = 11 (input only).
let eosToken = 10, bosToken = 11, outputVocabulary = 11, decoderVocabulary = 12

/// One question a + b.
struct Example: Hashable {
    let a: Int, b: Int
    /// The question's characters as tokens, e.g. "12+7" → [1, 2, 10, 7].
    var question: [Int] { digits(a) + [plusToken] + digits(b) }
    /// The answer's digits then EOS.
    var answer: [Int] { digits(a + b) + [eosToken] }
    /// The question as text.
    var text: String { "\(a)+\(b)" }
}

/// The decimal digits of a non-negative number, most significant first.
func digits(_ n: Int) -> [Int] { String(n).map { Int(String($0))! } }

/// A number with a uniformly drawn digit count 1...maxDigits, then uniform among those.
func randomOperand(_ maxDigits: Int, _ rng: inout RandomGenerator) -> Int {
    let d = 1 + rng.nextInt(below: maxDigits)
    if d == 1 { return rng.nextInt(below: 10) }
    var lo = 1
    for _ in 1..<d { lo *= 10 }
    return lo + rng.nextInt(below: 9 * lo)
}

/// `count` distinct questions, in the order drawn, none of them in `excluding` nor the mirror
/// image b+a of one in it (so the held-out set cannot be solved by commutativity alone).
func distinctExamples(_ count: Int, maxDigits: Int, excluding: [Example], using rng: inout RandomGenerator) -> [Example] {
    var seen = Set(excluding.flatMap { [$0, Example(a: $0.b, b: $0.a)] }), out: [Example] = []
    while out.count < count {
        let e = Example(a: randomOperand(maxDigits, &rng), b: randomOperand(maxDigits, &rng))
        if seen.insert(e).inserted { out.append(e) }
    }
    return out
}

/// One-hot rows [T, N, vocabulary] of token sequences of equal length T.
func oneHot(_ seqs: [[Int]], vocabulary: Int) -> Tensor {
    let t = seqs[0].count, n = seqs.count
    var v = [Double](repeating: 0, count: t * n * vocabulary)
    for (i, s) in seqs.enumerated() {
        for (k, tok) in s.enumerated() { v[(k * n + i) * vocabulary + tok] = 1 }
    }
    return Tensor(shape: [t, n, vocabulary], scalars: v)
}

/// The tensors of one batch: encoder input (left-padded questions), decoder input (BOS then
/// the answer shifted right: teacher forcing) and the labels (answer, EOS-padded), time-major.
func batchTensors(_ examples: [Example], questionLength: Int, answerLength: Int) -> (enc: Tensor, dec: Tensor, labels: [Int]) {
    // the encoder reads each question backwards, after its padding (Sutskever et al. 2014):
    // the last digits of both operands, where the sum starts, are then close to the decoder
    let questions = examples.map { e -> [Int] in
        let q = e.question
        return [Int](repeating: padToken, count: questionLength - q.count) + q.reversed()
    }
    let answers = examples.map { e -> [Int] in
        let a = e.answer
        return a + [Int](repeating: eosToken, count: answerLength - a.count)
    }
    let decoderInputs = answers.map { [bosToken] + $0.dropLast() }
    var labels = [Int](repeating: 0, count: answerLength * examples.count)
    for (i, a) in answers.enumerated() {
        for (k, tok) in a.enumerated() { labels[k * examples.count + i] = tok }
    }
    return (oneHot(questions, vocabulary: encoderVocabulary), oneHot(decoderInputs, vocabulary: decoderVocabulary), labels)
}

// MARK: - Model

/// LSTM encoder → final (h, c) → LSTM decoder → linear read-out to the output tokens.
final class Seq2Seq {
    let encoder: LSTM
    let decoder: LSTM
    let readout: Dense

    init(hidden: Int, using rng: inout RandomGenerator) {
        encoder = LSTM(inputSize: encoderVocabulary, hiddenSize: hidden, using: &rng)
        decoder = LSTM(inputSize: decoderVocabulary, hiddenSize: hidden, using: &rng)
        readout = Dense(inputs: hidden, outputs: outputVocabulary, using: &rng)
        for lstm in [encoder, decoder] {  // forget-gate bias 1 (Jozefowicz et al. 2015)
            for j in hidden..<(2 * hidden) { lstm.bias!.value.scalars[j] = 1 }
        }
    }

    /// Every trainable parameter.
    var parameters: [Parameter] { encoder.parameters + decoder.parameters + readout.parameters }

    /// Teacher-forced logits [T_out·N, V] (time-major rows) for a batch.
    func logits(encoderInput: Tensor, decoderInput: Tensor) -> Tensor {
        let state = encoder(encoderInput, initialState: nil).final
        let states = decoder(decoderInput, initialState: state).states
        return readout(states.reshaped([-1, states.shape[2]]))
    }

    /// Greedy decoding: the answer tokens (up to EOS, excluded) for each question.
    func predict(encoderInput: Tensor, maxLength: Int) -> [[Int]] {
        withNoGrad {
            let n = encoderInput.shape[1]
            var state = encoder(encoderInput, initialState: nil).final
            var tokens = [Int](repeating: bosToken, count: n)
            var out = [[Int]](repeating: [], count: n)
            var done = [Bool](repeating: false, count: n)
            for _ in 0..<maxLength {
                let x = oneHot([tokens], vocabulary: decoderVocabulary).reshaped([n, decoderVocabulary])
                state = decoder.step(x, state: state)
                let z = readout(state.hidden).scalars
                for i in 0..<n {
                    let row = z[(i * outputVocabulary)..<((i + 1) * outputVocabulary)]
                    tokens[i] = row.indices.max { row[$0] < row[$1] }! - i * outputVocabulary
                    if tokens[i] == eosToken { done[i] = true }
                    if !done[i] { out[i].append(tokens[i]) }
                }
            }
            return out
        }
    }
}

// MARK: - Main

Allocator.tuneForTensors()
openblas_set_num_threads(1)  // the matrices are small: threads cost more than they save
let options = Options.parseOrExit()
let start = Date()
var dataRNG = RandomGenerator(seed: options.seed)
let train = distinctExamples(options.trainSize, maxDigits: options.maxDigits, excluding: [], using: &dataRNG)
let test = distinctExamples(options.testSize, maxDigits: options.maxDigits, excluding: train, using: &dataRNG)
let questionLength = 2 * options.maxDigits + 1, answerLength = options.maxDigits + 2
print("seq2seq: a+b with operands of 1–\(options.maxDigits) digits, e.g. \"\(train[0].text)\" → \"\(train[0].a + train[0].b)\"")
print("\(train.count) training questions, \(test.count) held-out ones (neither a+b nor b+a in training), seed \(options.seed)")
print("LSTM encoder (\(encoderVocabulary) tokens, \(options.hidden) units) → (h, c) → LSTM decoder "
      + "(\(options.hidden) units) → \(outputVocabulary) tokens; questions padded to \(questionLength), answers to \(answerLength)")

var initRNG = RandomGenerator(seed: options.seed &+ 1)
let model = Seq2Seq(hidden: options.hidden, using: &initRNG)
let params = model.parameters
let batchSize = 32
let stepsPerEpoch = (train.count + batchSize - 1) / batchSize
let totalSteps = options.epochs * stepsPerEpoch
let lr0 = 1e-2
let opt = Adam(learningRate: lr0)
let schedule = CosineLR(start: lr0, minimum: 1e-4, totalSteps: totalSteps)
var shuffleRNG = RandomGenerator(seed: options.seed &+ 2)
let testTensors = batchTensors(test, questionLength: questionLength, answerLength: answerLength)

/// The fraction of `examples` whose greedy answer is exactly right.
func accuracy(_ model: Seq2Seq, _ examples: [Example], _ encoderInput: Tensor) -> (Double, [[Int]]) {
    let predicted = model.predict(encoderInput: encoderInput, maxLength: answerLength)
    let right = zip(examples, predicted).filter { digits($0.a + $0.b) == $1 }.count
    return (Double(right) / Double(examples.count), predicted)
}

var step = 0
for epoch in 1...options.epochs {
    let order = shuffleRNG.permutation(train.count)
    var lossSum = 0.0
    for b in 0..<stepsPerEpoch {
        let idx = order[(b * batchSize)..<min((b + 1) * batchSize, train.count)]
        let (enc, dec, labels) = batchTensors(idx.map { train[$0] }, questionLength: questionLength, answerLength: answerLength)
        let loss = Loss.softmaxCrossEntropy(logits: model.logits(encoderInput: enc, decoderInput: dec), labels: labels)
        var g = grad(of: loss, wrt: params.map(\.value))
        let norm = g.reduce(0.0) { $0 + $1.scalars.reduce(0) { $0 + $1 * $1 } }.squareRoot()
        if norm > 5 { g = g.map { $0 * (5 / norm) } }
        opt.learningRate = schedule.rate(at: step)
        opt.step(params, gradients: g)
        lossSum += loss.scalar
        step += 1
    }
    let (acc, _) = accuracy(model, Array(test.prefix(500)), batchTensors(Array(test.prefix(500)), questionLength: questionLength,
                                                                   answerLength: answerLength).enc)
    print(String(format: "epoch %2d  train loss %.4f  held-out accuracy (first 500) %5.1f %%  %.0f s",
                 epoch, lossSum / Double(stepsPerEpoch), 100 * acc, Date().timeIntervalSince(start)))
}

let (acc, predicted) = accuracy(model, test, testTensors.enc)
print("")
print("held-out examples (question → predicted, true):")
for (e, p) in zip(test, predicted).prefix(8) {
    let guess = p.map(String.init).joined()
    print("  \(e.text.padding(toLength: questionLength, withPad: " ", startingAt: 0)) → \(guess.isEmpty ? "(empty)" : guess)"
          + "  \(digits(e.a + e.b) == p ? "✓" : "✗ (\(e.a + e.b))")")
}
let mistakes = zip(test, predicted).filter { digits($0.a + $0.b) != $1 }
if !mistakes.isEmpty {
    print("held-out mistakes (\(mistakes.count) in all, first \(min(4, mistakes.count))):")
    for (e, p) in mistakes.prefix(4) {
        print("  \(e.text.padding(toLength: questionLength, withPad: " ", startingAt: 0)) → \(p.map(String.init).joined()) (true \(e.a + e.b))")
    }
}
print(String(format: "total time %.0f s", Date().timeIntervalSince(start)))
print(String(format: "held-out exact-sequence accuracy: %.1f %%", 100 * acc))
