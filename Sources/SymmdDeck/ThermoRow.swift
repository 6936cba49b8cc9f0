import Atomistics

/// One thermo row, in the deck's units; energies are totals, not per atom.
public struct ThermoRow: Sendable, Equatable {
    /// Step number (0 at the start).
    public var step: Int
    /// Simulated time (ps in metal, τ in lj).
    public var time: Double
    /// Temperature (K in metal) over the stage integrator's degrees of freedom.
    public var temperature: Double
    /// Potential energy (eV in metal, ε in lj).
    public var potentialEnergy: Double
    /// Kinetic energy (eV in metal).
    public var kineticEnergy: Double
    /// PE + KE (eV in metal).
    public var totalEnergy: Double
    /// Pressure from the virial (bar in metal, ε/σ³ in lj).
    public var pressure: Double
    /// The integrator's conserved quantity (eV in metal).
    public var conserved: Double
    /// The potential's own counters (``PotentialDiagnostics``), in the order of its names; empty
    /// for potentials without any.
    public var diagnostics: [Int] = []
    /// The deck's extra columns (``ThermoColumn``), in the deck's order.
    public var extras: [Double] = []

    /// The CSV header of the fixed columns.
    public static let csvHeader = "step,time,temperature,potential_energy,kinetic_energy,total_energy,pressure,conserved"

    /// The CSV header of a run with `extras` columns whose potential adds `diagnostics` columns.
    public static func csvHeader(extras: [ThermoColumn] = [], diagnostics: [String]) -> String {
        ([csvHeader] + extras.map(\.csvName) + diagnostics).joined(separator: ",")
    }

    /// The row as CSV, every double at full (round-trip) precision.
    public var csv: String {
        "\(step),\(time),\(temperature),\(potentialEnergy),\(kineticEnergy),\(totalEnergy),\(pressure),\(conserved)"
            + extras.map { ",\($0)" }.joined() + diagnostics.map { ",\($0)" }.joined()
    }
}
