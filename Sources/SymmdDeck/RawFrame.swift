import Atomistics
import NeuralPotentials
import TrajectoryIO

/// A frame as a data file holds it, before it is checked against the type map: the common form
/// of extxyz and deepmd/npy frames.
struct RawFrame {
    /// The file (or set folder) and the 0-based frame in it.
    var file: String, index: Int
    /// One species name per atom.
    var species: [String]
    /// Flat 3N positions (Å).
    var positions: [Double]
    /// Row-major cell vectors (Å), nil for a non-periodic frame.
    var lattice: [Double]?
    /// Periodicity along a, b, c.
    var pbc: [Bool]
    /// Labels as read (eV, eV/Å, eV).
    var energy: Double?, forces: [Double]?, virial: [Double]?
    /// Problems met while reading that are the frame's fault (e.g. a 2-column forces property).
    var problems: [String] = []
    /// The key the energy was looked for under (extxyz), for the "no energy" message.
    var energyLooked: String? = nil

    /// The labelled frame, or the first problem with it as a `TrainingDataError`.
    ///
    /// Checks: an energy is present; every species is in `typeMap`; forces (when present) have
    /// 3N values; positions, cell, energy, forces and virial are finite; the cell is valid.
    /// Masses are each element's standard weight (1 for names that are not elements).
    func labeled(typeMap: [String]) -> Result<LabeledFrame, TrainingDataError> {
        func bad(_ problem: String) -> Result<LabeledFrame, TrainingDataError> {
            .failure(TrainingDataError(.badFrame, file: file, frame: index, problem: problem))
        }
        if let first = problems.first { return bad(first) }
        let n = species.count
        guard let energy else {
            if let key = energyLooked {
                return bad("no energy: no info key '\(key)'" + (key == "energy" ? " (data stored under another key, e.g. REF_energy: set energy_key in the fit deck's [data], or --energy-key)" : ""))
            }
            return bad("no energy")
        }
        let typeIndex = Dictionary(typeMap.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        var types = [Int]()
        types.reserveCapacity(n)
        for (i, s) in species.enumerated() {
            guard let t = typeIndex[s] else { return bad("element '\(s)' of atom \(i) is not in the type map \(typeMap)") }
            types.append(t)
        }
        guard positions.count == 3 * n else { return bad("\(positions.count) coordinates for \(n) atoms") }
        if let forces, forces.count != 3 * n {
            return bad("force count mismatch: \(forces.count / 3) force vectors (\(forces.count) values) for \(n) atoms")
        }
        if let virial, virial.count != 9 { return bad("virial with \(virial.count) values (expected 9)") }
        for (what, values) in [("energy", [energy]), ("positions", positions), ("cell", lattice ?? []),
                               ("forces", forces ?? []), ("virial", virial ?? [])] {
            if let k = values.firstIndex(where: { !$0.isFinite }) {
                let at = what == "positions" || what == "forces" ? " (atom \(k / 3))" : ""
                return bad("\(values[k]) in \(what)\(at)")
            }
        }
        let masses = typeMap.map { Element(symbol: $0)?.mass ?? 1 }
        do {
            let box = try lattice.map { try Box(vectors: $0, periodic: pbc) } ?? RawFrame.openBox(around: positions)
            let system = try System(positions: positions, types: types, masses: masses, typeNames: typeMap, box: box)
            return .success(LabeledFrame(system: system, energy: energy, forces: forces, virial: virial,
                                         source: "\(file), frame \(index)"))
        } catch {
            return bad("invalid structure: \(error)")
        }
    }

    /// A non-periodic box around `positions` (it only fixes the frame of fractional coordinates).
    static func openBox(around positions: [Double]) throws -> Box {
        var lo = [0.0, 0, 0], hi = [1.0, 1, 1]
        for d in 0..<3 {
            let xs = stride(from: d, to: positions.count, by: 3).map { positions[$0] }
            if let a = xs.min(), let b = xs.max() {
                lo[d] = a
                hi[d] = b + 1
            }
        }
        return try Box(lengths: (0..<3).map { hi[$0] - lo[$0] }, origin: lo, periodic: [false, false, false])
    }
}
