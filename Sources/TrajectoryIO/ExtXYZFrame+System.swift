import Atomistics

extension ExtXYZFrame {
    /// The frame as a `System` (metal units by default: Å, amu, Å/ps).
    ///
    /// - Parameters:
    ///   - typeNames: the species of types 0, 1, …; every species in the frame must be one of
    ///     them. Nil: types in order of first appearance.
    ///   - masses: one per type (amu). Nil: the `masses` column if present, else each element's
    ///     standard atomic weight.
    ///   - units: the unit style of the system; ASE `momenta` become velocities only in metal.
    /// - Throws: `TrajectoryIOError` naming the file and line (a species not in `typeNames`, a
    ///   species with no known mass, a periodic direction without a lattice), or
    ///   `AtomisticsError` for an invalid box.
    public func system(typeNames: [String]? = nil, masses: [Double]? = nil, units: UnitStyle = .metal) throws -> System {
        guard let species else {
            throw error(.unexpected(expected: "a 'species:S:1' (or 'Z:I:1') property", found: "none"))
        }
        guard let positions else { throw error(.unexpected(expected: "a 'pos:R:3' property", found: "none")) }
        var names = typeNames ?? []
        var types = [Int]()
        types.reserveCapacity(atomCount)
        var index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        for (i, s) in species.enumerated() {
            if let t = index[s] {
                types.append(t)
            } else if typeNames == nil {
                index[s] = names.count
                types.append(names.count)
                names.append(s)
            } else {
                throw error(.unexpected(expected: "a species among the type names \(names)", found: "'\(s)'"), atom: i)
            }
        }

        var typeMasses = [Double?](repeating: nil, count: names.count)
        if let masses {
            guard masses.count == names.count else {
                throw error(.unexpected(expected: "\(names.count) masses (one per type \(names))", found: "\(masses.count)"))
            }
            typeMasses = masses
        } else if let column = reals("masses", 1) {
            for (i, t) in types.enumerated() {
                if let m = typeMasses[t], m != column[i] {
                    throw error(.unexpected(expected: "the same mass \(m) for every atom of species \(names[t])",
                                            found: "\(column[i])"), atom: i)
                }
                typeMasses[t] = column[i]
            }
        } else {
            for (t, name) in names.enumerated() {
                guard let e = Element(symbol: name) else {
                    throw error(.unexpected(expected: "a chemical symbol (to find its mass) or masses given by the caller",
                                            found: "species '\(name)'"), atom: types.firstIndex(of: t))
                }
                typeMasses[t] = e.mass
            }
        }

        let box: Box
        if let h = lattice {
            box = try Box(vectors: h, periodic: pbc)
        } else {
            if let axis = pbc.firstIndex(of: true) {
                throw error(.unexpected(expected: "a Lattice for a frame periodic along \(["a", "b", "c"][axis])", found: "none"))
            }
            // An open box around the atoms (it only fixes the frame of fractional coordinates).
            var lo = [0.0, 0, 0], hi = [1.0, 1, 1]
            if atomCount > 0 {
                for d in 0..<3 {
                    let xs = stride(from: d, to: positions.count, by: 3).map { positions[$0] }
                    lo[d] = xs.min()!
                    hi[d] = max(xs.max()!, lo[d]) + 1
                }
            }
            box = try Box(lengths: (0..<3).map { hi[$0] - lo[$0] }, origin: lo, periodic: [false, false, false])
        }

        var velocities = [Double]()
        if units == .metal, let p = reals("momenta", 3) {
            // ASE momenta are amu·Å per ASE time unit √(amu·Å²/eV) = √mvv2e ps.
            let scale = 1 / units.mvv2e.squareRoot()
            velocities = (0..<(3 * atomCount)).map { p[$0] / typeMasses[types[$0 / 3]]! * scale }
        }
        return try System(positions: positions, types: types, masses: typeMasses.map { $0! },
                          typeNames: names, box: box, units: units, velocities: velocities)
    }

    /// A frame of `system` as ASE would write it: species and positions, plus forces (eV/Å),
    /// energy (eV) and stress −W/V (eV/Å³, from the virial W in eV) when given; velocities
    /// (Å/ps, metal units only) become ASE `momenta` when `includeMomenta`.
    public init(system: System, energy: Double? = nil, forces: [Double]? = nil, virial: [Double]? = nil,
                includeMomenta: Bool = false, info extra: [String: ExtXYZValue] = [:]) {
        var properties = [Property(name: "species", type: .string, count: 1),
                          Property(name: "pos", type: .real, count: 3)]
        var columns: [String: Column] = ["species": .strings(system.types.map { system.typeNames[$0] }),
                                         "pos": .reals(system.positions)]
        if includeMomenta && system.units == .metal {
            let scale = system.units.mvv2e.squareRoot()
            let p = (0..<(3 * system.count)).map { system.velocities[$0] * system.masses[system.types[$0 / 3]] * scale }
            properties.append(Property(name: "momenta", type: .real, count: 3))
            columns["momenta"] = .reals(p)
        }
        if let forces {
            properties.append(Property(name: "forces", type: .real, count: 3))
            columns["forces"] = .reals(forces)
        }
        var info = extra
        if let energy { info["energy"] = .real(energy) }
        let anyPeriodic = system.box.periodic.contains(true)
        if let virial, anyPeriodic { info["stress"] = .reals(virial.map { -$0 / system.box.volume }) }
        self.init(atomCount: system.count, lattice: anyPeriodic ? system.box.vectors : nil,
                  pbc: system.box.periodic, info: info, properties: properties, columns: columns)
    }
}
