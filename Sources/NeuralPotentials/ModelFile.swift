import Foundation
import NNCore

/// Reading and writing deep-potential model files: one self-describing, versioned, checksummed
/// file (NNCore's parameter-file container) holding the architecture (JSON), type map, cutoffs,
/// normalisation statistics, energy bias and every weight as float64.
extension DeepPotentialModel {
    /// The `format` metadata value of a deep-potential model file.
    public static let fileFormat = "symmd-deep-potential"
    /// The model-layout version this build writes and reads.
    public static let fileVersion = 1

    /// The model as a parameter file (metadata + tensors), bit-exact.
    public func parameterFile() -> ParameterFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let specJSON = (try? encoder.encode(spec)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let nt = spec.typeCount
        var tensors: [(name: String, tensor: Tensor)] = [
            ("statistics.mean", Tensor(shape: [nt, nt], scalars: statistics.mean)),
            ("statistics.std_radial", Tensor(shape: [nt, nt], scalars: statistics.stdRadial)),
            ("statistics.std_angular", Tensor(shape: [nt, nt], scalars: statistics.stdAngular)),
            ("energy_bias", Tensor(shape: [nt], scalars: energyBias)),
        ]
        tensors += namedParameters.map { ($0.name, $0.parameter.value.detached()) }
        return ParameterFile(metadata: ["format": Self.fileFormat, "model_version": "\(Self.fileVersion)",
                                        "spec": specJSON, "type_map": spec.typeMap.joined(separator: " "),
                                        "rcut": "\(spec.descriptor.rcut)", "symmd_version": SymmdVersion.string],
                             tensors: tensors)
    }

    /// Writes the model to `path` (atomically).
    public func write(to path: String) throws(NeuralPotentialError) {
        do { try parameterFile().write(to: path) } catch {
            throw .modelFile(path: path, problem: error.description)
        }
    }

    /// Loads a model file, refusing a truncated, corrupted, foreign or wrong-version file with a
    /// message that names the file and the problem.
    public static func load(from path: String) throws(NeuralPotentialError) -> DeepPotentialModel {
        let file: ParameterFile
        do { file = try ParameterFile.read(from: path) } catch {
            throw .modelFile(path: path, problem: Self.stripPath(error.description, path))
        }
        return try Self(file: file, path: path)
    }

    /// A model from a parameter file's contents; `path` is used in error messages.
    public convenience init(file: ParameterFile, path: String = "<memory>") throws(NeuralPotentialError) {
        guard file.metadata["format"] == Self.fileFormat else {
            throw .modelFile(path: path, problem: "not a deep-potential model (format '\(file.metadata["format"] ?? "none")', expected '\(Self.fileFormat)')")
        }
        guard let v = file.metadata["model_version"], Int(v) == Self.fileVersion else {
            throw .modelFile(path: path, problem: "model version \(file.metadata["model_version"] ?? "none"); this symmd reads version \(Self.fileVersion)")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let spec: ModelSpec
        do { spec = try decoder.decode(ModelSpec.self, from: Data((file.metadata["spec"] ?? "").utf8)) } catch {
            throw .modelFile(path: path, problem: "unreadable architecture (spec): \(error)")
        }
        do { try spec.validate() } catch { throw .modelFile(path: path, problem: error.description) }
        try self.init(spec: spec, seed: 0)
        let byName = Dictionary(file.tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        func tensor(_ name: String, _ shape: [Int]) throws(NeuralPotentialError) -> Tensor {
            guard let t = byName[name] else { throw .modelFile(path: path, problem: "missing tensor '\(name)'") }
            guard t.shape == shape else {
                throw .modelFile(path: path, problem: "tensor '\(name)' has shape \(t.shape), expected \(shape)")
            }
            guard t.scalars.allSatisfy(\.isFinite) else {
                throw .modelFile(path: path, problem: "tensor '\(name)' holds NaN or infinite values")
            }
            return t
        }
        let nt = spec.typeCount
        statistics.mean = try tensor("statistics.mean", [nt, nt]).scalars
        statistics.stdRadial = try tensor("statistics.std_radial", [nt, nt]).scalars
        statistics.stdAngular = try tensor("statistics.std_angular", [nt, nt]).scalars
        energyBias = try tensor("energy_bias", [nt]).scalars
        for (name, p) in namedParameters {
            p.value = try tensor(name, p.shape).requiringGrad()
        }
    }

    /// A parameter-file message without the leading "path: " (the caller adds it once).
    static func stripPath(_ message: String, _ path: String) -> String {
        message.hasPrefix(path + ": ") ? String(message.dropFirst(path.count + 2)) : message
    }

    /// A multi-line human summary: species, descriptor, fitting nets, parameter count.
    public var summary: String {
        let d = spec.descriptor
        var lines = [
            "deep potential (symmd model version \(Self.fileVersion))",
            "  type map        \(spec.typeMap.joined(separator: " "))",
            "  descriptor      \(d.kind.rawValue): rcut \(d.rcut) Å, rcut_smth \(d.rcutSmooth) Å, sel \(d.sel)",
            "  embedding net   1 → \(d.neuron.map(String.init).joined(separator: " → ")) (tanh, resnet_dt \(d.resnetDt)), "
                + "\(embeddings.count) net(s), type_one_side \(d.typeOneSide)",
        ]
        if d.kind == .seE2A { lines.append("  axis_neuron     \(d.axisNeuron) → descriptor length \(d.descriptorLength)") }
        lines.append("  fitting net     \(d.descriptorLength) → \(spec.fitting.neuron.map(String.init).joined(separator: " → ")) → 1 "
                     + "(tanh, resnet_dt \(spec.fitting.resnetDt)), one per type")
        lines.append("  energy bias     " + zip(spec.typeMap, energyBias).map { "\($0) \($1) eV" }.joined(separator: ", "))
        lines.append("  parameters      \(parameterCount)")
        return lines.joined(separator: "\n")
    }
}
