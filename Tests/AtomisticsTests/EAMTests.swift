import Atomistics
import Foundation
import Testing

/// The three LAMMPS reference sets and the potential each used.
enum EAMCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case cuU3 = "cu_u3", cuMishin1 = "cu_mishin1", cuNi = "cuni"

    var testDescription: String { rawValue }

    var fileName: String {
        switch self {
        case .cuU3: return "Cu_u3.eam"
        case .cuMishin1: return "Cu_mishin1.eam.alloy"
        case .cuNi: return "CuNi.eam.alloy"
        }
    }

    func potential(elements: [String]) throws -> EAMPotential {
        try EAMPotential(contentsOf: potentialFile(fileName), typeElements: elements)
    }
}

/// One evaluation of `potential` on `system` with a freshly built half or full list.
func evaluate(_ potential: EAMPotential, _ system: System, kind: NeighborList.Kind = .half) throws -> ForceResult {
    var list = try NeighborList(cutoff: potential.cutoff, skin: 0, kind: kind)
    try list.build(system)
    var result = ForceResult(atomCount: system.count)
    try potential.compute(system, neighbors: list, into: &result)
    return result
}

/// Largest |a − b| over the largest |b| (the force criterion: relative to the largest force
/// component), and the largest per-component relative error over components above `floor`.
func forceErrors(_ a: [Double], _ b: [Double], floor: Double = 1e-3) -> (scaled: Double, perComponent: Double) {
    let scale = b.map(abs).max()!
    var scaled = 0.0, per = 0.0
    for (x, y) in zip(a, b) {
        scaled = max(scaled, abs(x - y) / scale)
        if abs(y) > floor { per = max(per, abs(x - y) / abs(y)) }
    }
    return (scaled, per)
}

@Suite("EAM against LAMMPS")
struct EAMReferenceTests {
    @Test("energy, forces, virial equal LAMMPS to 1e-8", arguments: EAMCase.allCases)
    func matchesLAMMPS(_ c: EAMCase) throws {
        let ref = try EAMReference(c.rawValue)
        let pot = try c.potential(elements: ref.elements)
        let result = try evaluate(pot, ref.system(masses: pot.typeMasses))

        let energyError = abs(result.energy - ref.energy) / abs(ref.energy)
        let (forceError, componentError) = forceErrors(result.forces, ref.forces)
        // LAMMPS order xx, yy, zz, xy, xz, yz.
        let voigt = [result.virial[0], result.virial[4], result.virial[8],
                     result.virial[1], result.virial[2], result.virial[5]]
        let virialScale = ref.virialVoigt.map(abs).max()!
        let virialError = zip(voigt, ref.virialVoigt).map { abs($0 - $1) / virialScale }.max()!
        let nktv2p = 1.6021765e6
        let pressure = (voigt[0] + voigt[1] + voigt[2]) / (3 * ref.volume) * nktv2p
        let pressureError = abs(pressure - ref.pressure) / abs(ref.pressure)
        print("EAM \(c.rawValue): |ΔE|/|E| = \(energyError), max|ΔF|/max|F| = \(forceError), "
              + "max per-component |ΔF|/|F| (|F| > 1e-3) = \(componentError), "
              + "max|ΔW|/max|W| = \(virialError), |ΔP|/|P| = \(pressureError)")
        #expect(energyError < 1e-8)
        #expect(forceError < 1e-8)
        #expect(componentError < 1e-8)
        #expect(virialError < 1e-8)
        #expect(pressureError < 1e-8)
        #expect(abs(ref.lattice[0] * ref.lattice[4] * ref.lattice[8] - ref.volume) < 1e-6)
    }

    @Test("half and full lists agree", arguments: [EAMCase.cuNi])
    func halfAndFullAgree(_ c: EAMCase) throws {
        let ref = try EAMReference(c.rawValue)
        let pot = try c.potential(elements: ref.elements)
        let system = try ref.system(masses: pot.typeMasses)
        let half = try evaluate(pot, system, kind: .half)
        let full = try evaluate(pot, system, kind: .full)
        #expect(abs(half.energy - full.energy) <= 1e-12 * abs(half.energy))
        #expect(forceErrors(full.forces, half.forces).scaled < 1e-12)
        #expect(zip(half.virial, full.virial).allSatisfy { abs($0 - $1) < 1e-10 })
    }

    @Test("forces are minus the central differences of the energy", arguments: EAMCase.allCases)
    func forcesAreGradients(_ c: EAMCase) throws {
        let ref = try EAMReference(c.rawValue)
        let pot = try c.potential(elements: ref.elements)
        // One list with a skin serves every displaced configuration.
        var system = try ref.system(masses: pot.typeMasses)
        var list = try NeighborList(cutoff: pot.cutoff, skin: 0.5)
        try list.build(system)
        var base = ForceResult(atomCount: system.count)
        try pot.compute(system, neighbors: list, into: &base)
        func energy(_ x: [Double]) throws -> Double {
            system.positions = x
            var result = ForceResult(atomCount: system.count)
            try pot.compute(system, neighbors: list, into: &result)
            return result.energy
        }
        let h = 1e-5
        var worst = 0.0
        for atom in [0, 1, 17, 100, 255] {
            for d in 0..<3 {
                var plus = ref.positions, minus = ref.positions
                plus[3 * atom + d] += h
                minus[3 * atom + d] -= h
                let ep = try energy(plus), em = try energy(minus)
                let numeric = -(ep - em) / (2 * h)
                worst = max(worst, abs(numeric - base.forces[3 * atom + d]))
            }
        }
        print("EAM \(c.rawValue): max |F − (−dE/dx)| by central differences (h = 1e-5 Å) = \(worst) eV/Å")
        #expect(worst < 1e-6)
    }
}

/// Writes tables five values to a line (shortest round-trip decimal), each table on new lines.
func eamTableText(_ values: [Double]) -> String {
    stride(from: 0, to: values.count, by: 5).map { start in
        values[start..<min(start + 5, values.count)].map { "\($0)" }.joined(separator: " ")
    }.joined(separator: "\n")
}

/// A Finnis–Sinclair file: `density(i, j)` is the table element i contributes at element j.
func finnisSinclairText(_ setfl: EAMSetflFile, density: (Int, Int) -> [Double]) -> String {
    var lines = ["test file", "Finnis-Sinclair form of a setfl file", "written by EAMTests",
                 "\(setfl.elements.count) " + setfl.elements.joined(separator: " "),
                 "\(setfl.nrho) \(setfl.drho) \(setfl.nr) \(setfl.dr) \(setfl.cutoff)"]
    for i in setfl.elements.indices {
        lines.append("\(setfl.atomicNumbers[i]) \(setfl.masses[i]) 3.6 fcc")
        lines.append(eamTableText(setfl.embedding[i]))
        for j in setfl.elements.indices { lines.append(eamTableText(density(i, j))) }
    }
    for i in setfl.elements.indices {
        for j in 0...i { lines.append(eamTableText(setfl.scaledPair[i][j])) }
    }
    return lines.joined(separator: "\n") + "\n"
}

@Suite("EAM formats and geometry")
struct EAMFormatTests {
    @Test("a Finnis–Sinclair file equivalent to the setfl file gives identical results")
    func finnisSinclairEqualsSetfl() throws {
        let url = potentialFile("CuNi.eam.alloy")
        let setfl = try EAMSetflFile(contentsOf: url)
        #expect(!setfl.isFinnisSinclair && setfl.elements == ["Ni", "Cu"])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("eam-fs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fsURL = dir.appendingPathComponent("CuNi.eam.fs")
        try finnisSinclairText(setfl) { i, _ in setfl.density[i][0] }.write(to: fsURL, atomically: true, encoding: .utf8)

        let fs = try EAMPotential(contentsOf: fsURL, typeElements: ["Cu", "Ni"])
        let alloy = try EAMPotential(contentsOf: url, typeElements: ["Cu", "Ni"])
        #expect(fs.style == .finnisSinclair && alloy.style == .setfl)
        let ref = try EAMReference(EAMCase.cuNi.rawValue)
        let a = try evaluate(alloy, ref.system(masses: alloy.typeMasses))
        let b = try evaluate(fs, ref.system(masses: fs.typeMasses))
        #expect(a.energy == b.energy)
        #expect(a.forces == b.forces)
        #expect(a.virial == b.virial)
        #expect(abs(b.energy - ref.energy) < 1e-8 * abs(ref.energy))
    }

    @Test("Finnis–Sinclair densities follow LAMMPS's element order (source, then host)")
    func finnisSinclairConvention() throws {
        let url = potentialFile("CuNi.eam.alloy")
        let setfl = try EAMSetflFile(contentsOf: url)
        // Ni (element 0) puts twice its density at a Cu host; every other density unchanged.
        let fsText = finnisSinclairText(setfl) { i, j in
            setfl.density[i][0].map { i == 0 && j == 1 ? 2 * $0 : $0 }
        }
        let fsFile = try EAMSetflFile(parsing: fsText, file: "test.eam.fs", finnisSinclair: true)
        let fs = try EAMPotential(setfl: fsFile, typeElements: ["Cu", "Ni"])
        let alloy = try EAMPotential(setfl: setfl, typeElements: ["Cu", "Ni"])
        // A Cu–Ni dimer 2.5 Å apart in a large box: E = F_Cu(2ρ_Ni) + F_Ni(ρ_Cu) + φ.
        let r = 2.5
        let system = try System(positions: [0, 0, 0, r, 0, 0], types: [0, 1], masses: [63.546, 58.69],
                                box: Box(lengths: [30, 30, 30]))
        let result = try evaluate(fs, system)
        let rhoNi = alloy.density(from: 1, to: 0, distance: r).value
        let rhoCu = alloy.density(from: 0, to: 1, distance: r).value
        let expected = alloy.embedding(type: 0, density: 2 * rhoNi).value
            + alloy.embedding(type: 1, density: rhoCu).value + alloy.pairEnergy(0, 1, distance: r).value
        #expect(abs(result.energy - expected) < 1e-12)
        #expect(fs.density(from: 1, to: 0, distance: r).value == 2 * rhoNi)
        #expect(fs.density(from: 0, to: 1, distance: r).value == rhoCu)
        // Force on the Ni atom along x: −dE/dr.
        let dE = alloy.embedding(type: 0, density: 2 * rhoNi).derivative * 2 * alloy.density(from: 1, to: 0, distance: r).derivative
            + alloy.embedding(type: 1, density: rhoCu).derivative * alloy.density(from: 0, to: 1, distance: r).derivative
            + alloy.pairEnergy(0, 1, distance: r).derivative
        #expect(abs(result.forces[3] + dE) < 1e-12)
        #expect(abs(result.forces[0] - dE) < 1e-12)
    }

    @Test("funcfl files on different grids are resampled onto one grid (LAMMPS file2array)")
    func funcflResampling() throws {
        let original = try EAMFuncflFile(contentsOf: potentialFile("Cu_u3.eam"))
        // The same functions on a grid twice as fine (midpoints by cubic interpolation): every
        // node of the common (coarser) grid is a node of both files.
        func refine(_ t: [Double]) -> [Double] {
            var out = [Double]()
            for k in 0..<(t.count - 1) {
                out.append(t[k])
                let a = t[max(k - 1, 0)], b = t[k], c = t[k + 1], d = t[min(k + 2, t.count - 1)]
                out.append((-a + 9 * b + 9 * c - d) / 16)
            }
            out.append(t[t.count - 1])
            return out
        }
        let text = ["refined copy of Cu_u3",
                    "\(original.atomicNumber) \(original.mass) 3.615 FCC",
                    "\(2 * original.nrho - 1) \(original.drho / 2) \(2 * original.nr - 1) \(original.dr / 2) \(original.cutoff)",
                    eamTableText(refine(original.embedding)), eamTableText(refine(original.effectiveCharge)),
                    eamTableText(refine(original.density))].joined(separator: "\n")
        let fine = try EAMFuncflFile(parsing: text, file: "fine.eam")
        let single = EAMPotential(funcfl: original, typeCount: 2)
        let mixed = EAMPotential(funcfl: [original, fine], typeFiles: [0, 1])
        #expect(mixed.cutoff == original.cutoff)

        let ref = try EAMReference(EAMCase.cuU3.rawValue)
        var system = try ref.system(masses: [63.55])
        try system.setMasses([63.55])
        let types = (0..<system.count).map { ($0 * 7 + 3) % 5 < 2 ? 1 : 0 }
        let twoTypes = try System(positions: system.positions, types: types, masses: [63.55, 63.55], box: system.box)
        let a = try evaluate(single, twoTypes)
        let b = try evaluate(mixed, twoTypes)
        #expect(abs(a.energy - b.energy) < 1e-12 * abs(a.energy))
        #expect(forceErrors(b.forces, a.forces).scaled < 1e-12)
        #expect(abs(a.energy - ref.energy) < 1e-8 * abs(ref.energy))
    }

    @Test("a triclinic cell of the same periodic crystal gives the same energy and forces")
    func triclinicCell() throws {
        let ref = try EAMReference(EAMCase.cuMishin1.rawValue)
        let pot = try EAMCase.cuMishin1.potential(elements: ref.elements)
        let cubic = try ref.system(masses: pot.typeMasses)
        // Rows a, b + a, c − b − a span the same lattice: the same infinite crystal.
        let h = ref.lattice
        let skewed = [h[0], h[1], h[2],
                      h[3] + h[0], h[4] + h[1], h[5] + h[2],
                      h[6] - h[3] - h[0], h[7] - h[4] - h[1], h[8] - h[5] - h[2]]
        let tilted = try System(positions: ref.positions, types: ref.types, masses: pot.typeMasses,
                                box: Box(vectors: skewed))
        let a = try evaluate(pot, cubic)
        let b = try evaluate(pot, tilted)
        #expect(abs(a.energy - b.energy) < 1e-12 * abs(a.energy))
        #expect(forceErrors(b.forces, a.forces).scaled < 1e-12)
        #expect(zip(a.virial, b.virial).allSatisfy { abs($0 - $1) < 1e-10 })
        #expect(forceErrors(b.forces, ref.forces).scaled < 1e-8)
    }

    @Test("per-atom energies sum to the total, for half and full lists")
    func perAtomEnergies() throws {
        let ref = try EAMReference(EAMCase.cuNi.rawValue)
        let pot = try EAMCase.cuNi.potential(elements: ref.elements)
        let system = try ref.system(masses: pot.typeMasses)
        for kind in [NeighborList.Kind.half, .full] {
            var list = try NeighborList(cutoff: pot.cutoff, skin: 1, kind: kind)
            try list.build(system)
            var result = ForceResult(atomCount: system.count, perAtomEnergy: true)
            try pot.compute(system, neighbors: list, into: &result)
            let atoms = try #require(result.perAtomEnergy)
            #expect(abs(atoms.reduce(0, +) - result.energy) < 1e-10)
            #expect(abs(result.energy - ref.energy) < 1e-8 * abs(ref.energy))
        }
    }

    @Test("a list for other atoms or a shorter cutoff, or an unmapped type, is refused")
    func refusesBadInput() throws {
        let ref = try EAMReference(EAMCase.cuU3.rawValue)
        let pot = try EAMCase.cuU3.potential(elements: ref.elements)
        let system = try ref.system(masses: [63.55])
        var short = try NeighborList(cutoff: 3.0, skin: 0.5)
        try short.build(system)
        var result = ForceResult(atomCount: system.count)
        #expect(throws: AtomisticsError.self) { try pot.compute(system, neighbors: short, into: &result) }
        let unbuilt = try NeighborList(cutoff: pot.cutoff, skin: 0)
        #expect(throws: AtomisticsError.self) { try pot.compute(system, neighbors: unbuilt, into: &result) }
        let twoTypes = try System(positions: system.positions, types: system.types.map { _ in 1 },
                                  masses: [63.55, 63.55], box: system.box)
        var list = try NeighborList(cutoff: pot.cutoff, skin: 0)
        try list.build(twoTypes)
        #expect(throws: AtomisticsError.typeOutOfRange(atom: 0, type: 1, typeCount: 1)) {
            try pot.compute(twoTypes, neighbors: list, into: &result)
        }
    }
}

@Suite("EAM interpolation")
struct EAMInterpolationTests {
    @Test("the cubic passes through every table node (setfl: the file's own grid)")
    func nodes() throws {
        let file = try EAMSetflFile(contentsOf: potentialFile("CuNi.eam.alloy"))
        let pot = try EAMPotential(setfl: file, typeElements: ["Ni", "Cu"])
        for k in stride(from: 0, to: file.nrho - 1, by: 37) {
            let f = file.embedding[1][k]
            #expect(abs(pot.embedding(type: 1, density: Double(k) * file.drho).value - f) <= 1e-12 * max(1, abs(f)))
        }
        for k in stride(from: 1, to: file.nr - 2, by: 41) {
            let r = Double(k) * file.dr
            let rho = file.density[0][0][k], rphi = file.scaledPair[1][0][k]
            #expect(abs(pot.density(from: 0, to: 1, distance: r).value - rho) <= 1e-12 * max(1, abs(rho)))
            #expect(abs(pot.pairEnergy(1, 0, distance: r).value * r - rphi) <= 1e-12 * max(1, abs(rphi)))
        }
    }

    @Test("slopes are the derivatives of the values, and F continues linearly past the table")
    func slopes() throws {
        let pot = try EAMPotential(contentsOf: potentialFile("Cu_u3.eam"), typeElements: ["Cu"])
        let h = 1e-7
        for r in stride(from: 1.5, to: pot.cutoff - 0.01, by: 0.173) {
            let d = pot.density(from: 0, to: 0, distance: r), p = pot.pairEnergy(0, 0, distance: r)
            let dn = (pot.density(from: 0, to: 0, distance: r + h).value - pot.density(from: 0, to: 0, distance: r - h).value) / (2 * h)
            let pn = (pot.pairEnergy(0, 0, distance: r + h).value - pot.pairEnergy(0, 0, distance: r - h).value) / (2 * h)
            #expect(abs(d.derivative - dn) < 1e-6 * max(1, abs(dn)))
            #expect(abs(p.derivative - pn) < 1e-6 * max(1, abs(pn)))
        }
        #expect(pot.density(from: 0, to: 0, distance: pot.cutoff) == (0, 0))
        // Past the last density node: F(ρmax) + F'(ρmax)(ρ − ρmax).
        let file = try EAMFuncflFile(contentsOf: potentialFile("Cu_u3.eam"))
        let rhomax = Double(file.nrho - 1) * file.drho
        let top = pot.embedding(type: 0, density: rhomax)
        let beyond = pot.embedding(type: 0, density: rhomax + 0.1)
        #expect(beyond.derivative == top.derivative)
        #expect(abs(beyond.value - (top.value + 0.1 * top.derivative)) < 1e-12)
    }
}

/// The triclinic small-box references made by `Fixtures/eam/triclinic/make_references.py`
/// with LAMMPS (29 Sep 2021): 108 atoms in a general triclinic box whose perpendicular widths
/// are below twice the cutoff, so more than the nearest image of an atom interacts.
enum TriclinicCase: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case u3, mishin, cuni, fs, funcfl

    var testDescription: String { rawValue }

    func potential(elements: [String]) throws -> EAMPotential {
        switch self {
        case .u3: try EAMPotential(contentsOf: potentialFile("Cu_u3.eam"), typeElements: elements)
        case .mishin: try EAMPotential(contentsOf: potentialFile("Cu_mishin1.eam.alloy"), typeElements: elements)
        case .cuni: try EAMPotential(contentsOf: potentialFile("CuNi.eam.alloy"), typeElements: elements)
        case .fs:
            try EAMPotential(contentsOf: atomisticsFixtures.appendingPathComponent("eam/triclinic/CuNi_scaled.eam.fs"),
                             typeElements: elements)
        case .funcfl:
            // One funcfl file per type, on different grids: LAMMPS resamples Ni onto Cu's grid.
            EAMPotential(funcfl: [try EAMFuncflFile(contentsOf: potentialFile("Cu_u3.eam")),
                                  try EAMFuncflFile(contentsOf: potentialFile("Ni_u3.eam"))],
                         typeFiles: [0, 1])
        }
    }
}

@Suite("EAM against LAMMPS: triclinic small box")
struct EAMTriclinicTests {
    @Test("energy, forces, virial equal LAMMPS to 1e-8", arguments: TriclinicCase.allCases)
    func matchesLAMMPS(_ c: TriclinicCase) throws {
        let url = atomisticsFixtures.appendingPathComponent("eam/triclinic/\(c.rawValue)/reference.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        let elements = json["elements"] as! [String]
        let pot = try c.potential(elements: elements)
        let box = try Box(vectors: json["lattice_A"] as! [Double])
        #expect(min(box.perpendicularWidths[0], box.perpendicularWidths[1], box.perpendicularWidths[2]) < 2 * pot.cutoff
                || c == .u3 || c == .funcfl)
        #expect(pot.typeElements == elements)
        let system = try System(positions: (json["positions_A"] as! [[Double]]).flatMap { $0 },
                                types: (json["types"] as! [Int]).map { $0 - 1 }, masses: pot.typeMasses,
                                typeNames: elements, box: box)
        let refForces = (json["forces_eV_per_A"] as! [[Double]]).flatMap { $0 }
        let refEnergy = json["energy_eV"] as! Double
        let refVirial = json["virial_eV_xx_yy_zz_xy_xz_yz"] as! [Double]
        for kind in [NeighborList.Kind.half, .full] {
            let result = try evaluate(pot, system, kind: kind)
            let energyError = abs(result.energy - refEnergy) / abs(refEnergy)
            let (forceError, componentError) = forceErrors(result.forces, refForces)
            let voigt = [result.virial[0], result.virial[4], result.virial[8], result.virial[1], result.virial[2], result.virial[5]]
            let virialError = zip(voigt, refVirial).map { abs($0 - $1) }.max()! / refVirial.map(abs).max()!
            print("EAM triclinic \(c.rawValue) (\(kind) list): |ΔE|/|E| = \(energyError), max|ΔF|/max|F| = \(forceError), "
                  + "max per-component |ΔF|/|F| (|F| > 1e-3) = \(componentError), max|ΔW|/max|W| = \(virialError)")
            #expect(energyError < 1e-8)
            #expect(forceError < 1e-8)
            #expect(componentError < 1e-8)
            #expect(virialError < 1e-8)
            #expect(abs(box.volume - (json["volume_A3"] as! Double)) < 1e-9 * box.volume)
        }
    }
}
