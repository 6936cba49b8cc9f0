import Foundation
import NNCore

/// Training checkpoints: a model file (loadable by `symmd test`, `eval`, MD) that also carries
/// the trainer's state — step, frame order and generator, Adam's moments — so that
/// `symmd fit --restart` continues exactly.
extension Trainer {
    /// The checkpoint as a parameter file.
    public func checkpointFile() -> ParameterFile {
        var file = model.parameterFile()
        let named = model.namedParameters
        let moments = optimizer.moments(of: named.map(\.parameter))
        let state: [String: [Int]] = [
            "step": [step], "cursor": [cursor], "order": order,
            "adam_t": moments.map(\.t),
            "rng": rngState.map { Int(bitPattern: UInt($0)) },
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]   // the same bytes in every process (ranks compare checksums)
        let json = (try? encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        file.metadata["fit_state"] = json
        for ((name, _), m) in zip(named, moments) {
            file.tensors.append(("adam.m.\(name)", Tensor(m.m)))
            file.tensors.append(("adam.v.\(name)", Tensor(m.v)))
        }
        return file
    }

    /// Writes a checkpoint to `path` (atomically).
    public func writeCheckpoint(to path: String) throws(NeuralPotentialError) {
        do { try checkpointFile().write(to: path) } catch {
            throw .modelFile(path: path, problem: error.description)
        }
    }

    /// Restores weights, statistics, bias, Adam's moments, step and frame order from a checkpoint
    /// written by ``writeCheckpoint(to:)`` for the same architecture and data.
    public func restore(from path: String) throws(NeuralPotentialError) {
        let file: ParameterFile
        do { file = try ParameterFile.read(from: path) } catch {
            throw .modelFile(path: path, problem: DeepPotentialModel.stripPath(error.description, path))
        }
        let saved = try DeepPotentialModel(file: file, path: path)
        guard saved.spec == model.spec else {
            throw .modelFile(path: path, problem: "checkpoint architecture differs from the deck's model (\(saved.spec.descriptor.sel) vs \(model.spec.descriptor.sel) sel, or other settings)")
        }
        guard let json = file.metadata["fit_state"],
              let state = try? JSONDecoder().decode([String: [Int]].self, from: Data(json.utf8)),
              let st = state["step"]?.first, let cur = state["cursor"]?.first, let ord = state["order"],
              let adamT = state["adam_t"], let rngWords = state["rng"],
              let gen = RandomGenerator(state: rngWords.map { UInt64(UInt(bitPattern: $0)) }) else {
            throw .modelFile(path: path, problem: "not a training checkpoint (no fit_state), or its state is damaged")
        }
        guard ord.allSatisfy({ (0..<train.count).contains($0) }), cur <= ord.count else {
            throw .modelFile(path: path, problem: "checkpoint frame order does not fit \(train.count) training frames (other data?)")
        }
        let byName = Dictionary(file.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let named = model.namedParameters
        guard adamT.count == named.count else {
            throw .modelFile(path: path, problem: "checkpoint has \(adamT.count) optimiser states for \(named.count) parameters")
        }
        var moments: [(m: [Double], v: [Double], t: Int)] = []
        for ((name, p), t) in zip(named, adamT) {
            guard let m = byName["adam.m.\(name)"], let v = byName["adam.v.\(name)"],
                  m.count == p.value.count, v.count == p.value.count else {
                throw .modelFile(path: path, problem: "missing or mis-sized optimiser state for '\(name)'")
            }
            moments.append((m.scalars, v.scalars, t))
        }
        model.statistics = saved.statistics
        model.energyBias = saved.energyBias
        for ((_, p), (_, q)) in zip(named, saved.namedParameters) { p.value = q.value }
        optimizer.setMoments(moments, for: named.map(\.parameter))
        restoreState(step: st, order: ord, cursor: cur, rng: gen)
    }
}
