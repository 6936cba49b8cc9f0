/// A chemical element: symbol, atomic number and standard atomic weight.
///
/// Masses (amu = g/mol) are the IUPAC 2013 standard atomic weights (Meija et al., Pure Appl. Chem.
/// 88, 265, 2016), conventional values where IUPAC gives a range, and the most stable isotope's mass
/// for elements without stable isotopes: the same table as ASE's `atomic_masses_iupac2016`, so
/// masses agree with structures prepared in ASE.
public struct Element: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Atomic number Z (1 for H … 118 for Og).
    public let atomicNumber: Int

    /// The element with atomic number Z, or nil outside 1...118.
    public init?(atomicNumber z: Int) {
        guard (1...118).contains(z) else { return nil }
        atomicNumber = z
    }

    /// The element with this symbol (case-sensitive, e.g. "Cu"), or nil.
    public init?(symbol: String) {
        guard let k = Element.symbols.firstIndex(of: symbol) else { return nil }
        atomicNumber = k + 1
    }

    /// The one element whose standard atomic weight is within max(0.002 amu, 10⁻⁴ relative) of
    /// `mass`, or nil when none or several are (for naming LAMMPS types by their masses: 196.97
    /// is gold, an LJ mass of 1.0 is not hydrogen's 1.008).
    public static func matching(mass: Double) -> Element? {
        let tolerance = Swift.max(0.002, 1e-4 * abs(mass))
        let hits = Element.masses.indices.filter { abs(Element.masses[$0] - mass) <= tolerance }
        return hits.count == 1 ? Element(atomicNumber: hits[0] + 1) : nil
    }

    /// The chemical symbol, e.g. "Cu".
    public var symbol: String { Element.symbols[atomicNumber - 1] }
    /// The standard atomic weight (amu = g/mol).
    public var mass: Double { Element.masses[atomicNumber - 1] }
    /// The symbol.
    public var description: String { symbol }

    /// Symbols of elements 1...118, in order.
    public static let symbols: [String] = [
        "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S",
        "Cl", "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge",
        "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd",
        "In", "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd",
        "Tb", "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
        "Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm",
        "Bk", "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn",
        "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
    ]

    /// Standard atomic weights of elements 1...118 (amu), in order.
    public static let masses: [Double] = [
        1.008, 4.002602, 6.94, 9.0121831, 10.81, 12.011, 14.007, 15.999,
        18.998403163, 20.1797, 22.98976928, 24.305, 26.9815385, 28.085, 30.973761998, 32.06,
        35.45, 39.948, 39.0983, 40.078, 44.955908, 47.867, 50.9415, 51.9961,
        54.938044, 55.845, 58.933194, 58.6934, 63.546, 65.38, 69.723, 72.630,
        74.921595, 78.971, 79.904, 83.798, 85.4678, 87.62, 88.90584, 91.224,
        92.90637, 95.95, 97.90721, 101.07, 102.90550, 106.42, 107.8682, 112.414,
        114.818, 118.710, 121.760, 127.60, 126.90447, 131.293, 132.90545196, 137.327,
        138.90547, 140.116, 140.90766, 144.242, 144.91276, 150.36, 151.964, 157.25,
        158.92535, 162.500, 164.93033, 167.259, 168.93422, 173.054, 174.9668, 178.49,
        180.94788, 183.84, 186.207, 190.23, 192.217, 195.084, 196.966569, 200.592,
        204.38, 207.2, 208.98040, 208.98243, 209.98715, 222.01758, 223.01974, 226.02541,
        227.02775, 232.0377, 231.03588, 238.02891, 237.04817, 244.06421, 243.06138, 247.07035,
        247.07031, 251.07959, 252.0830, 257.09511, 258.09843, 259.1010, 262.110, 267.122,
        268.126, 271.134, 270.133, 269.1338, 278.156, 281.165, 281.166, 285.177,
        286.182, 289.190, 289.194, 293.204, 293.208, 294.214,
    ]
}

extension System {
    /// A system from per-atom element symbols (e.g. an extxyz file): types numbered in order of
    /// first appearance, each type's mass the element's standard atomic weight (amu) and its name
    /// the symbol. Positions flat 3N (Å), velocities flat 3N (Å/ps; empty means zero).
    ///
    /// - Throws: `AtomisticsError.invalidParameter` naming the first unknown symbol, or what
    ///   `System.init` throws.
    public init(positions: [Double], symbols: [String], box: Box, units: UnitStyle = .metal,
                velocities: [Double] = []) throws {
        var names = [String](), masses = [Double](), index = [String: Int]()
        var types = [Int]()
        types.reserveCapacity(symbols.count)
        for (i, symbol) in symbols.enumerated() {
            if let t = index[symbol] {
                types.append(t)
                continue
            }
            guard let element = Element(symbol: symbol) else {
                throw AtomisticsError.invalidParameter(name: "element symbol of atom \(i + 1)",
                                                       expected: "a chemical symbol such as Cu", found: "\"\(symbol)\"")
            }
            index[symbol] = names.count
            types.append(names.count)
            names.append(symbol)
            masses.append(element.mass)
        }
        try self.init(positions: positions, types: types, masses: masses, typeNames: names, box: box,
                      units: units, velocities: velocities)
    }
}
