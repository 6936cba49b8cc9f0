import Atomistics
import TrajectoryIO

extension RawFrame {
    /// Frame `index` (0-based) of extxyz `file`: energy from the `keys.energy` info key, forces
    /// from the `keys.forces` column, virial from `keys.virial` (a stress when its name says
    /// stress: W = −V·σ, 3×3 or Voigt 6) or by default `virial`, else ASE's `stress`.
    init(extxyz frame: ExtXYZFrame, file: String, index: Int, keys: LabelKeys = LabelKeys()) {
        self.init(file: file, index: index, species: frame.species ?? [], positions: frame.positions ?? [],
                  lattice: frame.lattice, pbc: frame.pbc)
        if frame.species == nil { problems.append("no species (or Z) column") }
        if frame.lattice == nil, frame.pbc.contains(true) { problems.append("periodic (pbc) without a Lattice") }
        energyLooked = keys.energy
        if let e = frame.info[keys.energy] {
            if let v = e.doubleValue { energy = v } else { problems.append("\(keys.energy) \(e) is not a number") }
        }
        let forceNames = keys.forces == "forces" ? ["forces", "force"] : [keys.forces]
        if let p = frame.properties.first(where: { forceNames.contains($0.name) }) {
            if p.type == .real, p.count == 3, let f = frame.reals(p.name, 3) {
                forces = f
            } else {
                problems.append("force count mismatch: property \(p.name):\(p.type.rawValue):\(p.count) (expected \(p.name):R:3)")
            }
        }
        let virialName = keys.virial ?? "virial"
        let stressName = keys.virial.map { $0.lowercased().contains("stress") ? $0 : nil } ?? "stress"
        if let v = frame.info[virialName], stressName != virialName {
            if let w = v.doubleValues, w.count == 9 { virial = w } else {
                problems.append("\(virialName) with \(v.doubleValues.map { "\($0.count) values" } ?? "\(v)") (expected 9 numbers)")
            }
        } else if let stressName, let s = frame.info[stressName] {
            let values = s.doubleValues ?? []
            let sigma: [Double]? = values.count == 9 ? values
                : values.count == 6 ? [values[0], values[5], values[4], values[5], values[1], values[3], values[4], values[3], values[2]] : nil
            if sigma == nil {
                problems.append("stress with \(s.doubleValues.map { "\($0.count) values" } ?? "\(s)") (expected 6 or 9 numbers)")
            } else if frame.lattice == nil {
                problems.append("stress without a Lattice (no volume for the virial)")
            } else if let h = frame.lattice, let box = try? Box(vectors: h) {
                virial = sigma!.map { -box.volume * $0 }
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

/// Where labels live in an extxyz file: ASE's names by default; MACE-style data sets store them
/// as `REF_energy`, `REF_forces`, `REF_stress` (fit deck `[data] energy_key`, `forces_key`,
/// `virial_key`; `symmd test --energy-key …`).
public struct LabelKeys: Sendable, Equatable {
    /// The info key of the energy (eV).
    public var energy: String
    /// The per-atom property of the forces (eV/Å).
    public var forces: String
    /// The info key of the virial (eV), or of a stress (eV/Å³) when its name contains "stress";
    /// nil: `virial`, else ASE's `stress`.
    public var virial: String?

    /// The keys (ASE's by default).
    public init(energy: String = "energy", forces: String = "forces", virial: String? = nil) {
        self.energy = energy
        self.forces = forces
        self.virial = virial
    }
}
