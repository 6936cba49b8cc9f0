import Atomistics

/// The integrator of one stage, as a closed, `Codable` set so a checkpoint can hold its whole
/// state (thermostat variables and random generator included).
public enum StageIntegrator: Integrator, Codable, Equatable {
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

    /// Timestep (ps in metal, τ in lj).
    public var timestep: Double {
        switch self {
        case .verlet(let i): i.timestep
        case .langevin(let i): i.timestep
        case .csvr(let i): i.timestep
        case .noseHoover(let i): i.timestep
        case .berendsen(let i): i.timestep
        }
    }

    /// The degrees of freedom its temperature is counted over.
    public var degreesOfFreedom: DegreesOfFreedom {
        switch self {
        case .verlet(let i): i.degreesOfFreedom
        case .langevin(let i): i.degreesOfFreedom
        case .csvr(let i): i.degreesOfFreedom
        case .noseHoover(let i): i.degreesOfFreedom
        case .berendsen(let i): i.degreesOfFreedom
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
        }
    }

    /// The wrapped integrator's conserved quantity (eV in metal).
    public func conservedEnergy(_ system: System, potentialEnergy: Double) -> Double {
        switch self {
        case .verlet(let i): i.conservedEnergy(system, potentialEnergy: potentialEnergy)
        case .langevin(let i): i.conservedEnergy(system, potentialEnergy: potentialEnergy)
        case .csvr(let i): i.conservedEnergy(system, potentialEnergy: potentialEnergy)
        case .noseHoover(let i): i.conservedEnergy(system, potentialEnergy: potentialEnergy)
        case .berendsen(let i): i.conservedEnergy(system, potentialEnergy: potentialEnergy)
        }
    }
}
