/// The precision the deep potential's networks run in on the fused path (DeePMD-kit's `precision`).
/// The environment rows and their Jacobians, per-atom energy sums, forces and the virial (everything
/// an integrator sees) stay float64 in both; "mixed" runs everything between them in float32: the embedding nets (or a
/// compressed model's tables), the deep-set contractions T = R̃ᵀG/N_c and D = TᵀT<, the fitting nets,
/// and their gradients back to the environment rows (weights and tables rounded once per evaluation).
public enum NetworkPrecision: String, Sendable, CaseIterable {
    /// Everything in float64.
    case float64
    /// Networks, tables and contractions in float32; geometry, sums, forces and virial in float64.
    case mixed
}
