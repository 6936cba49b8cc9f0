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

/// Result of one evaluation.
struct EAMEvaluation {
    var energy: Double
    var forces: [Double]
    var virial: [Double]
}

/// Evaluates `potential` on positions in an orthorhombic or triclinic periodic box with a
/// brute-force list built for `cutoff + skin`.
func evaluate(_ potential: EAMPotential, positions: [Double], types: [Int], lattice: [Double],
              full: Bool = false, skin: Double = 0, list: BruteForceList? = nil) throws -> EAMEvaluation {
    let list = list ?? BruteForceList(positions: positions, lattice: lattice, cutoff: potential.cutoff + skin, full: full)
    var forces = [Double](), virial = [Double](repeating: 0, count: 9)
    let energy = try potential.evaluate(positions: positions, types: types, offsets: list.offsets,
                                        neighbors: list.neighbors, shifts: list.shifts, fullList: full,
                                        forces: &forces, virial: &virial)
    return EAMEvaluation(energy: energy, forces: forces, virial: virial)
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
        let result = try evaluate(pot, positions: ref.positions, types: ref.types, lattice: ref.lattice)

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
        let half = try evaluate(pot, positions: ref.positions, types: ref.types, lattice: ref.lattice, full: false)
        let full = try evaluate(pot, positions: ref.positions, types: ref.types, lattice: ref.lattice, full: true)
        #expect(abs(half.energy - full.energy) <= 1e-12 * abs(half.energy))
        #expect(forceErrors(full.forces, half.forces).scaled < 1e-12)
        #expect(zip(half.virial, full.virial).allSatisfy { abs($0 - $1) < 1e-10 })
    }

    @Test("forces are minus the central differences of the energy", arguments: EAMCase.allCases)
    func forcesAreGradients(_ c: EAMCase) throws {
        let ref = try EAMReference(c.rawValue)
        let pot = try c.potential(elements: ref.elements)
        // One list with a skin serves every displaced configuration.
        let list = BruteForceList(positions: ref.positions, lattice: ref.lattice, cutoff: pot.cutoff + 0.5, full: false)
        let base = try evaluate(pot, positions: ref.positions, types: ref.types, lattice: ref.lattice, list: list)
        let h = 1e-5
        var worst = 0.0
        for atom in [0, 1, 17, 100, 255] {
            for d in 0..<3 {
                var plus = ref.positions, minus = ref.positions
                plus[3 * atom + d] += h
                minus[3 * atom + d] -= h
                let ep = try evaluate(pot, positions: plus, types: ref.types, lattice: ref.lattice, list: list).energy
                let em = try evaluate(pot, positions: minus, types: ref.types, lattice: ref.lattice, list: list).energy
                let numeric = -(ep - em) / (2 * h)
                worst = max(worst, abs(numeric - base.forces[3 * atom + d]))
            }
        }
        print("EAM \(c.rawValue): max |F − (−dE/dx)| by central differences (h = 1e-5 Å) = \(worst) eV/Å")
        #expect(worst < 1e-6)
    }

    @Test("virial equals minus the strain derivative of the energy")
    func virialIsStrainDerivative() throws {
        let ref = try EAMReference(EAMCase.cuNi.rawValue)
        let pot = try EAMCase.cuNi.potential(elements: ref.elements)
        let base = try evaluate(pot, positions: ref.positions, types: ref.types, lattice: ref.lattice)
        // W_ab = −∂E/∂ε_ab for a homogeneous deformation x → (1 + ε) x of atoms and box.
        let h = 1e-6
        for (a, b) in [(0, 0), (1, 2), (2, 1)] {
            func strained(_ e: Double) throws -> Double {
                var x = ref.positions, lattice = ref.lattice
                for i in 0..<(x.count / 3) { x[3 * i + a] += e * ref.positions[3 * i + b] }
                for row in 0..<3 { lattice[3 * row + a] += e * ref.lattice[3 * row + b] }
                return try evaluate(pot, positions: x, types: ref.types, lattice: lattice).energy
            }
            let numeric = -(try strained(h) - strained(-h)) / (2 * h)
            #expect(abs(numeric - base.virial[3 * a + b]) < 1e-5, "W[\(a)][\(b)]: \(numeric) vs \(base.virial[3 * a + b])")
        }
    }
}
