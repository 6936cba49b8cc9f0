/// The unit system of a simulation, LAMMPS style.
///
/// - `metal`: mass amu (g/mol), length Å, time ps, energy eV, velocity Å/ps, force eV/Å,
///   temperature K, pressure bar.
/// - `lj`: reduced Lennard-Jones units (mass m, length σ, energy ε, time τ); every factor is 1.
///
/// Constants are LAMMPS's (`update.cpp`), so that numbers agree with LAMMPS logs digit for digit.
public enum UnitStyle: String, Sendable, Codable, CaseIterable, Hashable {
    /// eV, Å, ps, amu, K, bar (the default).
    case metal
    /// Reduced Lennard-Jones units: ε, σ, τ, m; k_B = 1.
    case lj

    /// Boltzmann's constant: 8.617343e-5 eV/K in metal, 1 in lj.
    public var boltzmann: Double {
        switch self {
        case .metal: 8.617343e-5
        case .lj: 1
        }
    }

    /// Converts m·v² to energy: 1.0364269e-4 eV per amu·(Å/ps)² in metal, 1 in lj.
    public var mvv2e: Double {
        switch self {
        case .metal: 1.0364269e-4
        case .lj: 1
        }
    }

    /// Converts force/mass to acceleration: 1/mvv2e (Å/ps² per (eV/Å)/amu) in metal, 1 in lj.
    public var ftm2v: Double {
        switch self {
        case .metal: 1 / 1.0364269e-4
        case .lj: 1
        }
    }

    /// Converts energy/volume to pressure: 1.6021765e6 bar per eV/Å³ in metal, 1 in lj.
    public var nktv2p: Double {
        switch self {
        case .metal: 1.6021765e6
        case .lj: 1
        }
    }

    /// LAMMPS's default timestep: 0.001 ps in metal, 0.005 τ in lj.
    public var defaultTimestep: Double {
        switch self {
        case .metal: 0.001
        case .lj: 0.005
        }
    }

    /// LAMMPS's default neighbor skin: 2.0 Å in metal, 0.3 σ in lj.
    public var defaultSkin: Double {
        switch self {
        case .metal: 2.0
        case .lj: 0.3
        }
    }

    /// Names of the units of energy, length, time, temperature and pressure, for messages.
    public var names: (energy: String, length: String, time: String, temperature: String, pressure: String) {
        switch self {
        case .metal: ("eV", "Å", "ps", "K", "bar")
        case .lj: ("ε", "σ", "τ", "ε/k_B", "ε/σ³")
        }
    }
}
