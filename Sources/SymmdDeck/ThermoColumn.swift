import Atomistics

/// A thermo column a deck can add after the agreed ones (`thermo = { …, extra = [...] }`), LAMMPS's
/// `thermo_style custom` names.
public enum ThermoColumn: String, Sendable, CaseIterable, Equatable {
    /// Cell volume (Å³ in metal, σ³ in lj).
    case volume = "vol"
    /// Mass density (g/cm³ in metal, m/σ³ in lj), as LAMMPS `density`.
    case density
    /// Cell lengths |a|, |b|, |c| along x, y, z of a restricted cell (Å in metal).
    case lx, ly, lz
    /// Tilts of a LAMMPS restricted cell (Å in metal).
    case xy, xz, yz
    /// Pressure tensor components, kinetic + virial (bar in metal, ε/σ³ in lj).
    case pxx, pyy, pzz, pxy, pxz, pyz

    /// Deck spellings: LAMMPS's names plus "volume".
    public static func named(_ name: String) -> ThermoColumn? {
        name == "volume" ? .volume : ThermoColumn(rawValue: name)
    }

    /// The CSV header name.
    public var csvName: String { self == .volume ? "volume" : rawValue }

    /// The value for `system` with `virial` (eV in metal; 9 values).
    public func value(_ s: System, virial: [Double]) -> Double {
        let h = s.box.vectors
        switch self {
        case .volume: return s.box.volume
        case .density:
            let mass = s.types.reduce(0.0) { $0 + s.masses[$1] }
            // amu/Å³ → g/cm³: 1.66053906660 (metal); m/σ³ in lj.
            return mass / s.box.volume * (s.units == .metal ? 1.66053906660 : 1)
        case .lx: return h[0]
        case .ly: return h[4]
        case .lz: return h[8]
        case .xy: return h[3]
        case .xz: return h[6]
        case .yz: return h[7]
        case .pxx, .pyy, .pzz, .pxy, .pxz, .pyz:
            let p = s.pressureTensor(virial: virial)
            switch self {
            case .pxx: return p[0]
            case .pyy: return p[4]
            case .pzz: return p[8]
            case .pxy: return 0.5 * (p[1] + p[3])
            case .pxz: return 0.5 * (p[2] + p[6])
            default: return 0.5 * (p[5] + p[7])
            }
        }
    }
}
