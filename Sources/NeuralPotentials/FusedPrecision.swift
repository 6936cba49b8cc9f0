/// The precision the deep potential's networks run in on the fused path (DeePMD-kit's `precision`).
/// The environment rows and their Jacobians, per-atom energy sums, forces and the virial (everything
/// an integrator sees) stay float64 in both; "mixed" runs everything between them in float32: the embedding nets (or a
/// compressed model's tables), the deep-set contractions T = R̃ᵀG/N_c and D = TᵀT<, the fitting nets,
/// and their gradients back to the environment rows (weights rounded once per evaluation, a table's
/// float32 copy made when the model is compressed).
public enum NetworkPrecision: String, Sendable, CaseIterable {
    /// Everything in float64.
    case float64
    /// Networks, tables and contractions in float32; geometry, sums, forces and virial in float64.
    case mixed
    /// Also the environment rows, their Jacobians and ∂E/∂r_ij in float32 (DeePMD-kit's float32
    /// model); energies, forces and virial still summed in float64.
    case float32
}

/// How far one precision's predictions are from another's on the same frames (float64 as the
/// reference): energies per atom (eV/atom), force components (eV/Å), virial per atom (eV/atom).
public struct PredictionDifference: Sendable, Equatable {
    /// RMS and largest |ΔE|/N over the frames (eV/atom).
    public var energyRMSPerAtom = 0.0, energyMaxPerAtom = 0.0
    /// RMS and largest |ΔF| over every force component (eV/Å).
    public var forceRMS = 0.0, forceMax = 0.0
    /// Largest |ΔW|/N over every virial component (eV/atom).
    public var virialMaxPerAtom = 0.0

    /// The differences between `predictions` and `reference` for frames of `atomCounts` atoms.
    public init(_ predictions: [Trainer.Prediction], reference: [Trainer.Prediction], atomCounts: [Int]) {
        var eSq = 0.0, fSq = 0.0, fN = 0
        for ((p, q), n) in zip(zip(predictions, reference), atomCounts) {
            let dE = abs(p.energy - q.energy) / Double(n)
            eSq += dE * dE
            energyMaxPerAtom = Swift.max(energyMaxPerAtom, dE)
            for (a, b) in zip(p.forces, q.forces) {
                fSq += (a - b) * (a - b)
                forceMax = Swift.max(forceMax, abs(a - b))
            }
            fN += p.forces.count
            for (a, b) in zip(p.virial, q.virial) { virialMaxPerAtom = Swift.max(virialMaxPerAtom, abs(a - b) / Double(n)) }
        }
        energyRMSPerAtom = (eSq / Double(Swift.max(1, atomCounts.count))).squareRoot()
        forceRMS = (fSq / Double(Swift.max(1, fN))).squareRoot()
    }
}
