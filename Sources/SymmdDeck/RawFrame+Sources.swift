import TrajectoryIO

extension RawFrame {
    /// Frame `index` (0-based) of extxyz `file`: energy from `energy`, forces from the `forces`
    /// column, virial from `virial` or else W = −V·σ from ASE's `stress` (3×3 or Voigt 6).
    init(extxyz frame: ExtXYZFrame, file: String, index: Int) {
        self.init(file: file, index: index, species: frame.species ?? [], positions: frame.positions ?? [],
                  lattice: frame.lattice, pbc: frame.pbc)
        if frame.species == nil { problems.append("no species (or Z) column") }
        if frame.lattice == nil, frame.pbc.contains(true) { problems.append("periodic (pbc) without a Lattice") }
        if let e = frame.info["energy"] {
            if let v = e.doubleValue { energy = v } else { problems.append("energy \(e) is not a number") }
        }
        if let p = frame.properties.first(where: { $0.name == "forces" || $0.name == "force" }) {
            if p.type == .real, p.count == 3, let f = frame.forces {
                forces = f
            } else {
                problems.append("force count mismatch: property \(p.name):\(p.type.rawValue):\(p.count) (expected \(p.name):R:3)")
            }
        }
        if let v = frame.info["virial"] {
            if let w = v.doubleValues, w.count == 9 { virial = w } else {
                problems.append("virial with \(v.doubleValues.map { "\($0.count) values" } ?? "\(v)") (expected 9 numbers)")
            }
        } else if let s = frame.info["stress"] {
            if frame.stress == nil {
                problems.append("stress with \(s.doubleValues.map { "\($0.count) values" } ?? "\(s)") (expected 6 or 9 numbers)")
            } else if frame.lattice == nil {
                problems.append("stress without a Lattice (no volume for the virial)")
            } else if let w = frame.virial {
                virial = w
            } else {
                problems.append("stress with a degenerate Lattice (no volume for the virial)")
            }
        }
    }

    /// A frame of deepmd/npy `system`; species from its `type_map.raw`, or else the type indices
    /// name entries of `typeMap` (DeePMD-kit's rule for systems without one).
    init(deepmd frame: DeePMDFrame, of system: DeePMDSystem, typeMap: [String]) {
        var problem: String?
        let species = system.species ?? system.types.enumerated().map { i, t in
            if t < typeMap.count { return typeMap[t] }
            if problem == nil {
                problem = "type \(t) of atom \(i) has no name: \(system.url.path) has no type_map.raw and the type map is \(typeMap)"
            }
            return "type \(t)"
        }
        self.init(file: frame.set, index: frame.index, species: species, positions: frame.positions,
                  lattice: frame.box, pbc: [Bool](repeating: frame.box != nil, count: 3),
                  energy: frame.energy, forces: frame.forces, virial: frame.virial)
        if let problem { problems.append(problem) }
    }
}
