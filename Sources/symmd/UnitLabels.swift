import Atomistics

/// The unit names analysis output prints and plots: metal (Å, ps, eV, K, bar) or the reduced
/// units of an lj run (σ, τ, ε, ε/k_B, ε/σ³).
struct UnitLabels {
    /// The unit style.
    let style: UnitStyle

    /// Labels for `style` (nil: metal, what files of other programs are in).
    init(_ style: UnitStyle?) { self.style = style ?? .metal }

    /// Length (Å or σ).
    var length: String { style.names.length }
    /// Time (ps or τ).
    var time: String { style.names.time }
    /// Energy (eV or ε).
    var energy: String { style.names.energy }
    /// Temperature (K or ε/k_B).
    var temperature: String { style.names.temperature }
    /// Pressure (bar or ε/σ³).
    var pressure: String { style.names.pressure }
    /// Frequency of a VDOS (THz = 1/ps, or 1/τ).
    var frequency: String { style == .metal ? "THz" : "1/τ" }
    /// Column-name suffixes for CSV headers (ASCII): `A`, `ps`, … or `sigma`, `tau`, ….
    var ascii: (length: String, time: String, energy: String, temperature: String, pressure: String) {
        style == .metal ? ("A", "ps", "eV", "K", "bar") : ("sigma", "tau", "eps", "eps_per_kB", "eps_per_sigma3")
    }
}
