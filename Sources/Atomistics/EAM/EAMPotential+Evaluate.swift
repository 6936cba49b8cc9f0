/// An error met while evaluating an EAM potential on a configuration.
public enum EAMEvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An atom's type has no entry in the potential's type map.
    case typeOutOfRange(atom: Int, type: Int, typeCount: Int)
    /// The arrays handed in do not fit together (positions, types, list offsets, shifts).
    case inconsistentInput(String)

    /// One-line message naming the atom or array.
    public var description: String {
        switch self {
        case .typeOutOfRange(let atom, let type, let count):
            return "EAM: atom \(atom) has type \(type) but the potential maps only types 0..<\(count)"
        case .inconsistentInput(let what):
            return "EAM: \(what)"
        }
    }
}

extension EAMPotential {
    /// Energy (eV), forces (eV/Å, written into `forces`, 3N) and virial (eV, row-major 3×3,
    /// W_ab = Σ_pairs (r_i − r_j)_a f_ij,b, added to `virial`) of a configuration, from a
    /// neighbor list in CSR form.
    ///
    /// - Parameters:
    ///   - positions: flat 3N Cartesian positions (Å).
    ///   - types: N 0-based atom types.
    ///   - offsets: N+1 offsets into `neighbors`.
    ///   - neighbors: neighbor indices.
    ///   - shifts: 3 per neighbor entry, the Cartesian image shift (Å) added to x_j.
    ///   - fullList: whether every pair appears twice (i→j and j→i) rather than once.
    ///   - forces: 3N, overwritten (eV/Å).
    ///   - virial: 9 values, the virial is added (eV).
    ///   - perAtomEnergy: when given (N), overwritten with F_i + ½ Σ_j φ_ij (eV).
    /// - Returns: the total energy (eV).
    /// - Complexity: O(number of list entries).
    public func evaluate(positions: [Double], types: [Int],
                         offsets: [Int], neighbors: [Int32], shifts: [Double],
                         fullList: Bool,
                         forces: inout [Double], virial: inout [Double],
                         perAtomEnergy: UnsafeMutableBufferPointer<Double>? = nil) throws -> Double {
        let n = types.count
        guard positions.count == 3 * n else {
            throw EAMEvaluationError.inconsistentInput("\(positions.count) position values for \(n) atoms (need 3N)")
        }
        guard offsets.count == n + 1, offsets.first == 0, offsets.last == neighbors.count else {
            throw EAMEvaluationError.inconsistentInput(
                "neighbor offsets (\(offsets.count) values, last \(offsets.last ?? -1)) do not fit \(n) atoms and \(neighbors.count) entries")
        }
        guard shifts.count == 3 * neighbors.count else {
            throw EAMEvaluationError.inconsistentInput("\(shifts.count) shift values for \(neighbors.count) neighbor entries (need 3 each)")
        }
        guard virial.count == 9 else {
            throw EAMEvaluationError.inconsistentInput("virial has \(virial.count) values (need 9)")
        }
        let ntypes = typeCount
        for (i, t) in types.enumerated() where t < 0 || t >= ntypes {
            throw EAMEvaluationError.typeOutOfRange(atom: i, type: t, typeCount: ntypes)
        }
        for j in neighbors where j < 0 || Int(j) >= n {
            throw EAMEvaluationError.inconsistentInput("neighbor index \(j) outside 0..<\(n)")
        }
        if forces.count != 3 * n { forces = [Double](repeating: 0, count: 3 * n) }
        if let e = perAtomEnergy, e.count != n {
            throw EAMEvaluationError.inconsistentInput("per-atom energy buffer has \(e.count) values for \(n) atoms")
        }

        var rho = [Double](repeating: 0, count: n)
        var fp = [Double](repeating: 0, count: n)
        var energy = 0.0
        var w = (0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)

        positions.withUnsafeBufferPointer { x in
        types.withUnsafeBufferPointer { type in
        offsets.withUnsafeBufferPointer { offsets in
        neighbors.withUnsafeBufferPointer { list in
        shifts.withUnsafeBufferPointer { shift in
        rho.withUnsafeMutableBufferPointer { rho in
        fp.withUnsafeMutableBufferPointer { fp in
        forces.withUnsafeMutableBufferPointer { f in
        frho.coefficients.withUnsafeBufferPointer { frhoC in
        rhor.coefficients.withUnsafeBufferPointer { rhorC in
        z2r.coefficients.withUnsafeBufferPointer { z2rC in
        type2rhor.withUnsafeBufferPointer { t2rho in
        type2z2r.withUnsafeBufferPointer { t2z2r in
            let rdr = 1.0 / dr
            let rdrho = 1.0 / drho
            let nr = self.nr, nrho = self.nrho
            let cutsq = cutoffSquared
            let rhoTables = rhor, pairTables = z2r, embedTables = frho
            let newton = !fullList
            for k in 0..<(3 * n) { f[k] = 0 }
            if let e = perAtomEnergy { for k in 0..<n { e[k] = 0 } }

            @inline(__always) func radial(_ r: Double) -> (Int, Double) {
                var p = r * rdr + 1.0
                let m = p < Double(nr - 1) ? Int(p) : nr - 1
                p -= Double(m)
                return (m, p < 1.0 ? p : 1.0)
            }

            // 1. Densities.
            for i in 0..<n {
                let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                let ti = type[i]
                for e in offsets[i]..<offsets[i + 1] {
                    let j = Int(list[e])
                    let delx = xi - (x[3 * j] + shift[3 * e])
                    let dely = yi - (x[3 * j + 1] + shift[3 * e + 1])
                    let delz = zi - (x[3 * j + 2] + shift[3 * e + 2])
                    let rsq = delx * delx + dely * dely + delz * delz
                    guard rsq < cutsq else { continue }
                    let tj = type[j]
                    let (m, p) = radial(rsq.squareRoot())
                    rho[i] += rhorC.eamValue(rhoTables.offset(table: t2rho[tj * ntypes + ti], node: m), p)
                    if newton {
                        rho[j] += rhorC.eamValue(rhoTables.offset(table: t2rho[ti * ntypes + tj], node: m), p)
                    }
                }
            }

            // 2. Embedding energies and their derivatives; linear beyond the last node.
            for i in 0..<n {
                var p = rho[i] * rdrho + 1.0
                let m = p < 1.0 ? 1 : (p < Double(nrho - 1) ? Int(p) : nrho - 1)
                p -= Double(m)
                p = p < 1.0 ? p : 1.0
                let o = embedTables.offset(table: type2frho[type[i]], node: m)
                fp[i] = frhoC.eamSlope(o, p)
                var phi = frhoC.eamValue(o, p)
                if rho[i] > rhomax { phi += fp[i] * (rho[i] - rhomax) }
                energy += phi
                if let e = perAtomEnergy { e[i] += phi }
            }

            // 3. Forces, pair energy, virial.
            let pairWeight = newton ? 1.0 : 0.5
            for i in 0..<n {
                let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                let ti = type[i]
                var fxi = 0.0, fyi = 0.0, fzi = 0.0
                for e in offsets[i]..<offsets[i + 1] {
                    let j = Int(list[e])
                    let delx = xi - (x[3 * j] + shift[3 * e])
                    let dely = yi - (x[3 * j + 1] + shift[3 * e + 1])
                    let delz = zi - (x[3 * j + 2] + shift[3 * e + 2])
                    let rsq = delx * delx + dely * dely + delz * delz
                    guard rsq < cutsq else { continue }
                    let tj = type[j]
                    let r = rsq.squareRoot()
                    let (m, p) = radial(r)
                    // rhoip: slope of the density atom i puts at j; rhojp: of what j puts at i.
                    let rhoip = rhorC.eamSlope(rhoTables.offset(table: t2rho[ti * ntypes + tj], node: m), p)
                    let rhojp = rhorC.eamSlope(rhoTables.offset(table: t2rho[tj * ntypes + ti], node: m), p)
                    let oz = pairTables.offset(table: t2z2r[ti * ntypes + tj], node: m)
                    let z2p = z2rC.eamSlope(oz, p)
                    let z2 = z2rC.eamValue(oz, p)
                    let recip = 1.0 / r
                    let phi = z2 * recip
                    let phip = z2p * recip - phi * recip
                    let psip = fp[i] * rhojp + fp[j] * rhoip + phip
                    let fpair = -psip * recip

                    fxi += delx * fpair
                    fyi += dely * fpair
                    fzi += delz * fpair
                    if newton {
                        f[3 * j] -= delx * fpair
                        f[3 * j + 1] -= dely * fpair
                        f[3 * j + 2] -= delz * fpair
                    }
                    energy += pairWeight * phi
                    if let e = perAtomEnergy {
                        e[i] += 0.5 * phi
                        if newton { e[j] += 0.5 * phi }
                    }
                    let s = pairWeight * fpair
                    w.0 += delx * delx * s; w.1 += delx * dely * s; w.2 += delx * delz * s
                    w.3 += dely * delx * s; w.4 += dely * dely * s; w.5 += dely * delz * s
                    w.6 += delz * delx * s; w.7 += delz * dely * s; w.8 += delz * delz * s
                }
                f[3 * i] += fxi
                f[3 * i + 1] += fyi
                f[3 * i + 2] += fzi
            }
        }}}}}}}}}}}}}
        virial[0] += w.0; virial[1] += w.1; virial[2] += w.2
        virial[3] += w.3; virial[4] += w.4; virial[5] += w.5
        virial[6] += w.6; virial[7] += w.7; virial[8] += w.8
        return energy
    }
}
