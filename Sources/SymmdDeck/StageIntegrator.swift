import Atomistics

/// The integrator of one stage, as a closed, `Codable` set so a checkpoint can hold its whole
/// state (thermostat and barostat variables and random generators included).
public indirect enum StageIntegrator: Integrator, Codable, Equatable {
    /// Velocity Verlet.
    case verlet(VelocityVerlet)
    /// Langevin BAOAB.
    case langevin(Langevin)
    /// CSVR.
    case csvr(CSVR)
    /// Nosé–Hoover chain.
    case noseHoover(NoseHooverChain)
    /// Berendsen.
    case berendsen(Berendsen)
    /// NPT: MTTK barostat with the Nosé–Hoover chain (LAMMPS `fix npt`).
    case mttk(MTTK)
    /// A thermostatted stage with a cell-rescaling barostat (c-rescale or Berendsen).
    case cellBarostat(CellBarostatted<StageIntegrator>)

    /// The wrapped integrator.
    var wrapped: any Integrator {
        switch self {
        case .verlet(let i): i
        case .langevin(let i): i
        case .csvr(let i): i
        case .noseHoover(let i): i
        case .berendsen(let i): i
        case .mttk(let i): i
        case .cellBarostat(let i): i
        }
    }

    /// Timestep (ps in metal, τ in lj).
    public var timestep: Double { wrapped.timestep }

    /// The degrees of freedom its temperature is counted over.
    public var degreesOfFreedom: DegreesOfFreedom { wrapped.degreesOfFreedom }

    /// Whether the cell changes (a barostat): the virial is then needed every step and the thermo
    /// output carries the volume.
    public var movesCell: Bool {
        switch self {
        case .mttk, .cellBarostat: true
        default: false
        }
    }

    /// Checks that `system` suits the stage (a barostat needs a periodic cell, in LAMMPS's
    /// restricted form for aniso/tri).
    ///
    /// - Throws: `AtomisticsError.invalidParameter` saying what the cell must be.
    public func validate(_ system: System) throws {
        switch self {
        case .mttk(let i): try i.validate(system)
        case .cellBarostat(let i): try i.barostat.validate(system)
        default: break
        }
    }

    /// One step of the wrapped integrator.
    public mutating func step(_ system: inout System, forces: inout ForceEvaluator) throws {
        switch self {
        case .verlet(var i): try i.step(&system, forces: &forces); self = .verlet(i)
        case .langevin(var i): try i.step(&system, forces: &forces); self = .langevin(i)
        case .csvr(var i): try i.step(&system, forces: &forces); self = .csvr(i)
        case .noseHoover(var i): try i.step(&system, forces: &forces); self = .noseHoover(i)
        case .berendsen(var i): try i.step(&system, forces: &forces); self = .berendsen(i)
        case .mttk(var i): try i.step(&system, forces: &forces); self = .mttk(i)
        case .cellBarostat(var i): try i.step(&system, forces: &forces); self = .cellBarostat(i)
        }
    }

    /// The wrapped integrator's conserved quantity (eV in metal).
    public func conservedEnergy(_ system: System, potentialEnergy: Double) -> Double {
        wrapped.conservedEnergy(system, potentialEnergy: potentialEnergy)
    }
}
