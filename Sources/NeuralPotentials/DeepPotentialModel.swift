import NNCore

/// A DeepPot-SE model: per-type embedding nets on the smooth weight s(r), the symmetric
/// descriptor, per-species fitting nets to atomic energies, and a per-type energy bias.
///
/// `E = Σ_i [F_{type(i)}(D_i) + e_{type(i)}]` (eV). Two evaluation paths share the weights: the
/// autodiff graph (``evaluateGraph(_:createGraph:)``, used in training, where forces must be
/// differentiated again) and the fused hand-written path used by MD
/// (``evaluateFused(_:forces:perAtom:)``).
public final class DeepPotentialModel: @unchecked Sendable {
    /// The architecture.
    public let spec: ModelSpec
    /// Normalisation of the environment matrix.
    public var statistics: EnvironmentStatistics
    /// Per-type energy added to each atom's fitted energy (eV).
    public var energyBias: [Double]
    /// Embedding nets: one per neighbor type (type_one_side), else index `c·ntypes + t`.
    public let embeddings: [MLP]
    /// Fitting nets, one per centre type.
    public let fittings: [MLP]
    /// Tabulated embedding nets used by the fused path when set (``compress(stride:minimumDistance:)``);
    /// nil: the exact nets. Not saved in model files (an inference option, rebuilt on load).
    public var compression: CompressedEmbedding? = nil
    /// The precision the fused path runs the nets in (chosen at load; the file is the same).
    public var precision = NetworkPrecision.float64

    /// How the weights of a new model are drawn.
    public enum Initialization: Sendable {
        /// DeePMD-kit's: weights N(0, 1/(n_in + n_out)), biases N(0, 1) (the fitting nets'
        /// output bias 0: the per-type energy bias plays its part). Varied biases give the
        /// embedding's tanh units varied shapes from the start.
        case deepmd
        /// Glorot-normal weights and zero biases (NNCore's default for MLPs).
        case glorot
    }

    /// An untrained model with weights drawn from a generator seeded with `seed`.
    public init(spec: ModelSpec, seed: UInt64, initialization: Initialization = .deepmd) throws(NeuralPotentialError) {
        try spec.validate()
        self.spec = spec
        let nt = spec.typeCount
        statistics = EnvironmentStatistics(identityFor: nt)
        energyBias = [Double](repeating: 0, count: nt)
        var rng = RandomGenerator(seed: seed)
        let d = spec.descriptor
        let embCount = d.typeOneSide ? nt : nt * nt
        embeddings = (0..<embCount).map { _ in
            MLP(widths: [1] + d.neuron, activation: .tanh, skip: true, timestep: d.resnetDt,
                linearOutput: false, initializer: .glorotNormal, using: &rng)
        }
        fittings = (0..<nt).map { _ in
            MLP(widths: [d.descriptorLength] + spec.fitting.neuron + [1], activation: .tanh, skip: true,
                timestep: spec.fitting.resnetDt, linearOutput: true, initializer: .glorotNormal, using: &rng)
        }
        if initialization == .deepmd {
            for net in embeddings + fittings {
                for (k, layer) in net.layers.enumerated() {
                    let std = 1 / Double(layer.inputs + layer.outputs).squareRoot()
                    layer.weight.value = Tensor.randomNormal(layer.weight.shape, std: std, using: &rng).requiringGrad()
                    let outputBias = net.linearOutput && k == net.layers.count - 1
                    layer.bias.value = (outputBias ? Tensor.zeros(layer.bias.shape)
                                        : Tensor.randomNormal(layer.bias.shape, std: 1, using: &rng)).requiringGrad()
                }
            }
        }
    }

    /// The embedding net for centre type c and neighbor type t.
    @inlinable public func embedding(center c: Int, neighbor t: Int) -> MLP {
        spec.descriptor.typeOneSide ? embeddings[t] : embeddings[c * spec.typeCount + t]
    }

    /// The smooth switch of the descriptor.
    public var smoothSwitch: SmoothSwitch {
        SmoothSwitch(inner: spec.descriptor.rcutSmooth, outer: spec.descriptor.rcut)
    }

    /// Every trainable parameter with a dotted name ("embedding.0.layers.1.weight").
    public var namedParameters: [(name: String, parameter: Parameter)] {
        var out: [(name: String, parameter: Parameter)] = []
        for (k, e) in embeddings.enumerated() {
            out += e.namedParameters.map { ("embedding.\(k).\($0.name)", $0.parameter) }
        }
        for (k, f) in fittings.enumerated() {
            out += f.namedParameters.map { ("fitting.\(k).\($0.name)", $0.parameter) }
        }
        return out
    }

    /// Every trainable parameter.
    public var parameters: [Parameter] { namedParameters.map(\.parameter) }

    /// The number of trainable numbers.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.value.count } }

    /// Model type index of each species name of a structure, or an error naming the first
    /// species not in the type map.
    public func typeIndices(for names: [String]) throws(NeuralPotentialError) -> [Int] {
        var out: [Int] = []
        for n in names {
            guard let k = spec.typeMap.firstIndex(of: n) else {
                throw .unknownElement(element: n, typeMap: spec.typeMap)
            }
            out.append(k)
        }
        return out
    }
}
