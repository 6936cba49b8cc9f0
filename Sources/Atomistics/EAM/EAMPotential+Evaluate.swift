extension EAMPotential: Potential {
    /// A half list suffices: each pair's density goes to both atoms in one pass.
    public var needsFullNeighborList: Bool { false }

    /// Energy (eV), forces (eV/Å) and virial (eV, W_ab = Σ_pairs r_a f_b) of `system`, from a
    /// half or a full neighbor list built for at least `cutoff`; per-atom energies
    /// F_i + ½ Σ_j φ_ij (eV) when `result.perAtomEnergy` is non-nil.
    ///
    /// Loops run on `AtomisticsParallel.threads` threads in contiguous blocks of atoms, partial
    /// sums reduced in block order: the same thread count gives the same bits.
    ///
    /// - Throws: `AtomisticsError` when the list was built for other atoms or a shorter cutoff,
    ///   or an atom's type is not one the potential was set up for.
    /// - Complexity: O(number of list entries).
    public func compute(_ system: System, neighbors list: NeighborList, into result: inout ForceResult) throws {
        let n = system.count
        guard list.isBuilt, list.atomCount == n else {
            throw AtomisticsError.neighborListMismatch(expected: "a list built for \(n) atoms",
                                                       found: list.isBuilt ? "one for \(list.atomCount) atoms" : "a list never built")
        }
        guard list.listCutoff >= cutoff else {
            throw AtomisticsError.neighborListMismatch(expected: "a list cutoff of at least \(cutoff) (the EAM cutoff)",
                                                       found: "\(list.listCutoff)")
        }
        for (i, t) in system.types.enumerated() where t < 0 || t >= typeCount {
            throw AtomisticsError.typeOutOfRange(atom: i, type: t, typeCount: typeCount)
        }
        result.reset(atomCount: n)
        var perAtom = result.perAtomEnergy
        var atomVirial = result.perAtomVirial
        let (energy, virial) = evaluate(positions: system.positions, types: system.types, list: list,
                                        newton: list.kind == .half, blocks: AtomisticsParallel.blockCount(n),
                                        forces: &result.forces, perAtomEnergy: &perAtom, perAtomVirial: &atomVirial)
        result.energy = energy
        result.virial = virial
        result.perAtomEnergy = perAtom
        result.perAtomVirial = atomVirial
    }

    /// The three passes of LAMMPS's `PairEAM::compute` on a CSR list (`newton`: half list, each
    /// pair once and applied to both atoms; otherwise full list, each pair from both sides).
    /// The atoms are split into `blocks` contiguous blocks run concurrently. Forces (3N) and
    /// per-atom energies (N) and virials (9N) must arrive zeroed. Returns energy and virial.
    func evaluate(positions: [Double], types: [Int], list: NeighborList,
                  newton: Bool, blocks: Int, forces: inout [Double], perAtomEnergy: inout [Double]?,
                  perAtomVirial: inout [Double]?) -> (Double, [Double]) {
        let n = types.count
        let blocks = max(1, min(blocks, n))
        // Where each block accumulates ρ, forces and per-atom energy: its own copy for a half
        // list on several threads (pairs write to both atoms), else the shared arrays.
        let privateParts = newton && blocks > 1
        let parts = privateParts ? blocks : 1
        let wantAtoms = perAtomEnergy != nil
        let rhoParts = UnsafeMutableBufferPointer<Double>.allocate(capacity: parts * n)
        let forceParts = UnsafeMutableBufferPointer<Double>.allocate(capacity: privateParts ? parts * 3 * n : 0)
        let atomParts = UnsafeMutableBufferPointer<Double>.allocate(capacity: wantAtoms ? parts * n : 0)
        let wantVirials = perAtomVirial != nil
        let virialParts = UnsafeMutableBufferPointer<Double>.allocate(capacity: wantVirials ? parts * 9 * n : 0)
        virialParts.update(repeating: 0)
        let fp = UnsafeMutableBufferPointer<Double>.allocate(capacity: n)
        // Per block: energy, then the nine virial components.
        let sums = UnsafeMutableBufferPointer<Double>.allocate(capacity: blocks * 10)
        defer {
            rhoParts.deallocate(); forceParts.deallocate(); atomParts.deallocate(); fp.deallocate(); sums.deallocate()
            virialParts.deallocate()
        }
        rhoParts.update(repeating: 0)
        forceParts.update(repeating: 0)
        atomParts.update(repeating: 0)
        sums.update(repeating: 0)

        let rdr = 1.0 / dr, rdrho = 1.0 / drho
        let nr = self.nr, nrho = self.nrho, rhomax = self.rhomax
        let cutsq = cutoffSquared
        let ntypes = typeCount
        let rhoTables = rhor, pairTables = z2r, embedTables = frho

        forces.withUnsafeMutableBufferPointer { sharedForces in
        KernelViews.with(positions: positions, types: types, list: list) { view in
        tableViews { frhoC, rhorC, z2rC, t2rho, t2z2r, t2frho in
            let x = view.positions, type = view.types, offsets = view.offsets, list = view.neighbors, shift = view.shifts
            /// LAMMPS's radial interval m (1…nr−1) and fraction p, clamped past the last node.
            @inline(__always) func radial(_ r: Double) -> (Int, Double) {
                var p = r * rdr + 1.0
                let m = p < Double(nr - 1) ? Int(p) : nr - 1
                p -= Double(m)
                return (m, p < 1.0 ? p : 1.0)
            }

            // 1. Host densities ρ_i.
            AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
                let rho = privateParts ? rhoParts.baseAddress! + k * n : rhoParts.baseAddress!
                for i in range {
                    let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                    let ti = type[i]
                    var rhoi = 0.0
                    for e in offsets[i]..<offsets[i + 1] {
                        let j = Int(list[e])
                        let delx = xi - (x[3 * j] + shift[3 * e])
                        let dely = yi - (x[3 * j + 1] + shift[3 * e + 1])
                        let delz = zi - (x[3 * j + 2] + shift[3 * e + 2])
                        let rsq = delx * delx + dely * dely + delz * delz
                        guard rsq < cutsq else { continue }
                        let tj = type[j]
                        let (m, p) = radial(rsq.squareRoot())
                        rhoi += rhorC.eamValue(rhoTables.offset(table: t2rho[tj * ntypes + ti], node: m), p)
                        if newton {
                            rho[j] += rhorC.eamValue(rhoTables.offset(table: t2rho[ti * ntypes + tj], node: m), p)
                        }
                    }
                    rho[i] += rhoi
                }
            }
            if privateParts {
                for k in 1..<parts { for i in 0..<n { rhoParts[i] += rhoParts[k * n + i] } }
            }

            // 2. Embedding energies F(ρ_i) and F'(ρ_i); linear beyond the last node.
            AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
                var energy = 0.0
                for i in range {
                    let rho = rhoParts[i]
                    var p = rho * rdrho + 1.0
                    let m = p < 1.0 ? 1 : (p < Double(nrho - 1) ? Int(p) : nrho - 1)
                    p -= Double(m)
                    p = p < 1.0 ? p : 1.0
                    let o = embedTables.offset(table: t2frho[type[i]], node: m)
                    fp[i] = frhoC.eamSlope(o, p)
                    var phi = frhoC.eamValue(o, p)
                    if rho > rhomax { phi += fp[i] * (rho - rhomax) }
                    energy += phi
                    if wantAtoms { atomParts[i] = phi }
                }
                sums[10 * k] = energy
            }

            // 3. Forces, pair energies, virial.
            AtomisticsParallel.forEachBlock(n, blocks: blocks) { k, range in
                let f = privateParts ? forceParts.baseAddress! + k * 3 * n : sharedForces.baseAddress!
                let eAtom = wantAtoms ? (privateParts && k > 0 ? atomParts.baseAddress! + k * n : atomParts.baseAddress!) : nil
                let vAtom = wantVirials ? (privateParts ? virialParts.baseAddress! + k * 9 * n : virialParts.baseAddress!) : nil
                let pairWeight = newton ? 1.0 : 0.5
                var energy = 0.0
                var w0 = 0.0, w1 = 0.0, w2 = 0.0, w4 = 0.0, w5 = 0.0, w8 = 0.0
                for i in range {
                    let xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2]
                    let ti = type[i]
                    var fxi = 0.0, fyi = 0.0, fzi = 0.0, ei = 0.0
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
                        // rhoip: slope of the density i puts at j; rhojp: of what j puts at i.
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
                            if let eAtom { eAtom[j] += 0.5 * phi }
                        }
                        energy += pairWeight * phi
                        ei += 0.5 * phi
                        let s = pairWeight * fpair
                        w0 += delx * delx * s; w1 += delx * dely * s; w2 += delx * delz * s
                        w4 += dely * dely * s; w5 += dely * delz * s; w8 += delz * delz * s
                        if let vAtom {
                            // Half the pair's r ⊗ f (r = x_j − x_i = −del, f_j = −del·fpair) to each atom.
                            let h = 0.5 * fpair
                            @inline(__always) func add(_ v: UnsafeMutablePointer<Double>) {
                                v[0] += delx * delx * h; v[1] += delx * dely * h; v[2] += delx * delz * h
                                v[3] += dely * delx * h; v[4] += dely * dely * h; v[5] += dely * delz * h
                                v[6] += delz * delx * h; v[7] += delz * dely * h; v[8] += delz * delz * h
                            }
                            add(vAtom + 9 * i)
                            if newton { add(vAtom + 9 * j) }
                        }
                    }
                    f[3 * i] += fxi
                    f[3 * i + 1] += fyi
                    f[3 * i + 2] += fzi
                    if let eAtom { eAtom[i] += ei }
                }
                sums[10 * k] += energy
                // Central pair forces: the virial is symmetric.
                sums[10 * k + 1] = w0; sums[10 * k + 2] = w1; sums[10 * k + 3] = w2
                sums[10 * k + 4] = w1; sums[10 * k + 5] = w4; sums[10 * k + 6] = w5
                sums[10 * k + 7] = w2; sums[10 * k + 8] = w5; sums[10 * k + 9] = w8
            }
            if privateParts {
                for k in 0..<parts {
                    for c in 0..<(3 * n) { sharedForces[c] += forceParts[k * 3 * n + c] }
                }
            }
        }}}

        if privateParts && wantAtoms {
            for k in 1..<parts { for i in 0..<n { atomParts[i] += atomParts[k * n + i] } }
        }
        if wantAtoms { perAtomEnergy = Array(atomParts[0..<n]) }
        if wantVirials {
            var v = [Double](repeating: 0, count: 9 * n)
            for k in 0..<(privateParts ? parts : 1) { for c in 0..<(9 * n) { v[c] += virialParts[k * 9 * n + c] } }
            perAtomVirial = v
        }
        var energy = 0.0
        var virial = [Double](repeating: 0, count: 9)
        for k in 0..<blocks {
            energy += sums[10 * k]
            for c in 0..<9 { virial[c] += sums[10 * k + 1 + c] }
        }
        return (energy, virial)
    }
}

extension EAMPotential {
    /// Raw views of the spline coefficients (F(ρ), ρ(r), r·φ(r)) and the type → table maps, taken
    /// once for a whole evaluation.
    func tableViews<R>(_ body: (UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>, UnsafeBufferPointer<Double>,
                                UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Int>) -> R) -> R {
        frho.coefficients.withUnsafeBufferPointer { f in
            rhor.coefficients.withUnsafeBufferPointer { r in
                z2r.coefficients.withUnsafeBufferPointer { z in
                    type2rhor.withUnsafeBufferPointer { tr in
                        type2z2r.withUnsafeBufferPointer { tz in
                            type2frho.withUnsafeBufferPointer { tf in body(f, r, z, tr, tz, tf) }
                        }
                    }
                }
            }
        }
    }
}
