/// Which symmetry-preserving descriptor a deep potential uses (DeePMD-kit's names).
public enum DescriptorKind: String, Sendable, Codable, Equatable, CaseIterable {
    /// DeepPot-SE with angular information: `T = R̃ᵀG/N_c`, `D = TᵀT<` (DeePMD-kit `se_e2_a`).
    case seE2A = "se_e2_a"
    /// Radial deep set: `D = Σ_j g(s(r_ij))/N_c` (DeePMD-kit `se_e2_r`).
    case seE2R = "se_e2_r"
}

/// The descriptor's architecture: cutoffs, neighbor capacity per type and the embedding net.
public struct DescriptorSpec: Sendable, Codable, Equatable {
    /// se_e2_a or se_e2_r.
    public var kind: DescriptorKind
    /// Cutoff radius r_c (Å): neighbors beyond it do not count.
    public var rcut: Double
    /// Start of the smooth switch r_s (Å): s(r) = 1/r below it, then goes to 0 at r_c (C²).
    public var rcutSmooth: Double
    /// Neighbor capacity per neighbor type (`sel`): slot blocks of these sizes.
    public var sel: [Int]
    /// Embedding-net widths after the scalar input, e.g. [25, 50, 100].
    public var neuron: [Int]
    /// Columns M' of T kept for the second factor of D = TᵀT< (se_e2_a only), e.g. 16.
    public var axisNeuron: Int
    /// One embedding net per neighbor type (true) or per (centre type, neighbor type) pair (false).
    public var typeOneSide: Bool
    /// Trainable per-neuron timestep in the embedding net's residual layers.
    public var resnetDt: Bool

    /// A descriptor spec with DeePMD-kit's usual defaults for what is not given.
    public init(kind: DescriptorKind = .seE2A, rcut: Double = 6, rcutSmooth: Double = 5, sel: [Int],
                neuron: [Int] = [25, 50, 100], axisNeuron: Int = 16, typeOneSide: Bool = true,
                resnetDt: Bool = false) {
        self.kind = kind
        self.rcut = rcut
        self.rcutSmooth = rcutSmooth
        self.sel = sel
        self.neuron = neuron
        self.axisNeuron = axisNeuron
        self.typeOneSide = typeOneSide
        self.resnetDt = resnetDt
    }

    /// Total neighbor slots per atom N_c = Σ sel.
    public var slotCount: Int { sel.reduce(0, +) }
    /// Embedding output width M.
    public var embeddingWidth: Int { neuron.last ?? 1 }
    /// Length of the descriptor D of one atom (M·M' for se_e2_a, M for se_e2_r).
    public var descriptorLength: Int {
        kind == .seE2A ? embeddingWidth * axisNeuron : embeddingWidth
    }
}

/// The per-species fitting nets' architecture (descriptor → atomic energy).
public struct FittingSpec: Sendable, Codable, Equatable {
    /// Hidden widths, e.g. [240, 240, 240]; a linear layer to one output follows.
    public var neuron: [Int]
    /// Trainable per-neuron timestep in the residual layers.
    public var resnetDt: Bool

    /// A fitting spec (DeePMD-kit's defaults: [240, 240, 240], resnet_dt true).
    public init(neuron: [Int] = [240, 240, 240], resnetDt: Bool = true) {
        self.neuron = neuron
        self.resnetDt = resnetDt
    }
}

/// Everything that defines a deep potential's architecture: species, descriptor, fitting nets.
public struct ModelSpec: Sendable, Codable, Equatable {
    /// Element names by model type index, e.g. ["Cu", "Au"].
    public var typeMap: [String]
    /// The descriptor.
    public var descriptor: DescriptorSpec
    /// The fitting nets.
    public var fitting: FittingSpec

    /// A model spec.
    public init(typeMap: [String], descriptor: DescriptorSpec, fitting: FittingSpec = FittingSpec()) {
        self.typeMap = typeMap
        self.descriptor = descriptor
        self.fitting = fitting
    }

    /// Number of species.
    public var typeCount: Int { typeMap.count }

    /// Checks sizes and ranges, naming the offending key.
    public func validate() throws(NeuralPotentialError) {
        func bad(_ key: String, _ expected: String, _ found: String) -> NeuralPotentialError {
            .invalidSpec(key: key, expected: expected, found: found)
        }
        if typeMap.isEmpty { throw bad("type_map", "at least one element", "[]") }
        if Set(typeMap).count != typeMap.count { throw bad("type_map", "distinct names", "\(typeMap)") }
        let d = descriptor
        if !(d.rcut > 0) || !d.rcut.isFinite { throw bad("rcut", "a positive length (Å)", "\(d.rcut)") }
        if !(d.rcutSmooth >= 0 && d.rcutSmooth < d.rcut) {
            throw bad("rcut_smth", "0 ≤ rcut_smth < rcut = \(d.rcut)", "\(d.rcutSmooth)")
        }
        if d.sel.count != typeMap.count {
            throw bad("sel", "\(typeMap.count) capacities (one per type in type_map)", "\(d.sel.count)")
        }
        if d.sel.contains(where: { $0 < 0 }) || d.slotCount == 0 {
            throw bad("sel", "non-negative capacities, not all zero", "\(d.sel)")
        }
        if d.neuron.isEmpty || d.neuron.contains(where: { $0 < 1 }) {
            throw bad("neuron", "positive embedding widths", "\(d.neuron)")
        }
        if d.kind == .seE2A && !(1...d.embeddingWidth).contains(d.axisNeuron) {
            throw bad("axis_neuron", "1…\(d.embeddingWidth) (the last embedding width)", "\(d.axisNeuron)")
        }
        if fitting.neuron.contains(where: { $0 < 1 }) {
            throw bad("fitting.neuron", "positive widths", "\(fitting.neuron)")
        }
    }
}
