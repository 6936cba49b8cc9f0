/// How many degrees of freedom the temperature is counted over.
public enum DegreesOfFreedom: Sendable, Codable, Equatable {
    /// 3N − 3: total momentum removed (LAMMPS's default, `compute temp`).
    case momentumRemoved
    /// 3N: every velocity component free (ASE's convention; Langevin dynamics).
    case all
    /// A given number.
    case count(Int)

    /// The number for N atoms (dimensionless, at least 1).
    public func value(atoms n: Int) -> Int {
        switch self {
        case .momentumRemoved: max(1, 3 * n - 3)
        case .all: max(1, 3 * n)
        case .count(let k): max(1, k)
        }
    }
}

extension System {
    /// Kinetic energy ½ Σ m v² (eV in metal: amu·(Å/ps)² times mvv2e).
    public var kineticEnergy: Double {
        var twice = 0.0
        velocities.withUnsafeBufferPointer { v in
            for i in 0..<count {
                let m = masses[types[i]]
                twice += m * (v[3 * i] * v[3 * i] + v[3 * i + 1] * v[3 * i + 1] + v[3 * i + 2] * v[3 * i + 2])
            }
        }
        return 0.5 * twice * units.mvv2e
    }

    /// Temperature 2·KE/(N_f k_B) (K in metal) over `dof` degrees of freedom (3N − 3 by default, as
    /// LAMMPS).
    public func temperature(dof: DegreesOfFreedom = .momentumRemoved) -> Double {
        2 * kineticEnergy / (Double(dof.value(atoms: count)) * units.boltzmann)
    }

    /// Total momentum Σ m v (amu·Å/ps in metal), 3 values.
    public var totalMomentum: [Double] {
        var p = [0.0, 0.0, 0.0]
        for i in 0..<count {
            let m = masses[types[i]]
            for k in 0..<3 { p[k] += m * velocities[3 * i + k] }
        }
        return p
    }

    /// Kinetic tensor Σ m v_a v_b, row-major 3×3 (energy units: eV in metal).
    public var kineticTensor: [Double] {
        var t = [Double](repeating: 0, count: 9)
        let f = units.mvv2e
        for i in 0..<count {
            let m = masses[types[i]] * f
            for a in 0..<3 { for b in 0..<3 { t[3 * a + b] += m * velocities[3 * i + a] * velocities[3 * i + b] } }
        }
        return t
    }

    /// Pressure (2·KE + tr W)/(3V) (bar in metal: eV/Å³ times nktv2p) from the virial W (9 values,
    /// energy units). The kinetic part 2·KE equals N_f·k_B·T for any choice of N_f, as in LAMMPS.
    public func pressure(virial: [Double]) -> Double {
        precondition(virial.count == 9, "pressure(virial:): expected 9 virial values, found \(virial.count)")
        return (2 * kineticEnergy + virial[0] + virial[4] + virial[8]) / (3 * box.volume) * units.nktv2p
    }

    /// Pressure tensor (Σ m v_a v_b + W_ab)/V, row-major 3×3 (bar in metal).
    public func pressureTensor(virial: [Double]) -> [Double] {
        precondition(virial.count == 9, "pressureTensor(virial:): expected 9 virial values, found \(virial.count)")
        let k = kineticTensor
        return (0..<9).map { (k[$0] + virial[$0]) / box.volume * units.nktv2p }
    }
}
