/// A Verlet neighbor list: for each atom i, the atoms j (and periodic images) within
/// cutoff + skin, stored CSR style.
///
/// Entry e of atom i (offsets[i] ..< offsets[i+1]) is atom `neighbors[e]` translated by
/// `shifts[3e ..< 3e+3]`: r_ij = x_j + shift − x_i, with x the positions the list was built from
/// or any later positions (positions need not be wrapped; the shift includes every lattice
/// translation). Within each atom the entries with a zero shift come first. A `half` list holds each pair once (i < j, or for an atom's own image the
/// shift with the first non-zero component positive); a `full` list holds each pair from both
/// sides. Every periodic image within the list cutoff is included, however small the box.
///
/// Rebuilds follow LAMMPS's `neigh_modify every/delay/check` (see ``update(_:)``); builds and
/// "dangerous" builds are counted.
public struct NeighborList: Sendable, Codable {
    /// Half (each pair once, for pair potentials) or full (each pair from both sides, for
    /// many-body and neural potentials).
    public enum Kind: String, Sendable, Codable, Equatable {
        /// Each pair once.
        case half
        /// Each pair twice, once from each atom.
        case full
    }

    enum CodingKeys: String, CodingKey {
        case cutoff, skin, kind, minimumDistance, every, delay, check, offsets, neighbors, shifts
        case buildCount, dangerousBuildCount, stepsSinceBuild, referencePositions, referenceBox, shiftBox
    }

    /// The potential's cutoff (length units).
    public let cutoff: Double
    /// The Verlet skin (length units); the list holds pairs within cutoff + skin.
    public let skin: Double
    /// Half or full.
    public let kind: Kind
    /// Two atoms closer than this (length units) make `build` throw (0 disables the check).
    public var minimumDistance: Double

    /// Check for a rebuild only every this many steps (LAMMPS `every`, ≥ 1).
    public var every: Int = 1
    /// Never rebuild sooner than this many steps after the last build (LAMMPS `delay`, ≥ 0).
    public var delay: Int = 0
    /// When true a rebuild happens only if some atom moved more than skin/2 (LAMMPS `check yes`);
    /// when false it happens at every allowed step.
    public var check: Bool = true

    /// Start of each atom's entries, N+1 values.
    public internal(set) var offsets: [Int] = [0]
    /// Neighbor atom index j of each entry.
    public internal(set) var neighbors: [Int32] = []
    /// Cartesian periodic-image shift of each entry, 3 per entry (length units).
    public internal(set) var shifts: [Double] = []
    /// Entries of atom i with a zero shift come first, up to (not including) `unshiftedEnd[i]`;
    /// the pair loops skip the shift for them. Empty when unknown (e.g. a decoded list, which
    /// then takes the general path with the same summation order). Not encoded.
    @usableFromInline var unshiftedEnd: [Int] = []
    /// How many times the list was built.
    public internal(set) var buildCount = 0
    /// LAMMPS's dangerous builds: rebuilds found necessary (by the skin/2 check) at the first
    /// step they were allowed, i.e. an atom may have moved too far before the check could see it.
    public internal(set) var dangerousBuildCount = 0
    /// Steps since the last build (LAMMPS `ago`).
    public internal(set) var stepsSinceBuild = 0
    /// Positions at the last build (length units, flat 3N).
    public internal(set) var referencePositions: [Double] = []
    /// The box at the last build.
    public internal(set) var referenceBox: Box? = nil
    /// The box the `shifts` are lattice translations of, when it is not `referenceBox` (a barostat
    /// deformed the cell since the build; see ``follow(_:)``).
    public internal(set) var shiftBox: Box? = nil

    /// An empty list for a potential of range `cutoff` with Verlet `skin` (length units).
    ///
    /// - Throws: `AtomisticsError.invalidParameter` for a non-positive cutoff or negative skin.
    public init(cutoff: Double, skin: Double, kind: Kind = .half, minimumDistance: Double = 1e-3) throws {
        guard cutoff > 0, cutoff.isFinite else {
            throw AtomisticsError.invalidParameter(name: "neighbor cutoff", expected: "a positive finite length", found: "\(cutoff)")
        }
        guard skin >= 0, skin.isFinite else {
            throw AtomisticsError.invalidParameter(name: "neighbor skin", expected: "a finite length ≥ 0", found: "\(skin)")
        }
        self.cutoff = cutoff
        self.skin = skin
        self.kind = kind
        self.minimumDistance = minimumDistance
    }

    /// cutoff + skin (length units).
    @inlinable public var listCutoff: Double { cutoff + skin }
    /// The number of atoms the list was built for.
    @inlinable public var atomCount: Int { offsets.count - 1 }
    /// The number of entries (pairs, counted once per side for a full list).
    @inlinable public var entryCount: Int { neighbors.count }
    /// Whether the list has been built at least once.
    @inlinable public var isBuilt: Bool { buildCount > 0 }
    /// The entry range of atom i.
    @inlinable public func entries(of i: Int) -> Range<Int> { offsets[i]..<offsets[i + 1] }
    /// The largest number of entries of one atom.
    public var maxEntriesPerAtom: Int {
        (0..<atomCount).reduce(0) { Swift.max($0, offsets[$1 + 1] - offsets[$1]) }
    }

    /// True when some atom moved more than skin/2 since the last build (length units, flat 3N), or
    /// the list was never built or was built for another number of atoms.
    public func needsRebuild(positions: [Double]) -> Bool {
        guard isBuilt, positions.count == referencePositions.count else { return true }
        let limit = 0.25 * skin * skin
        return positions.withUnsafeBufferPointer { x in
            referencePositions.withUnsafeBufferPointer { r in
                var k = 0
                while k < x.count {
                    let dx = x[k] - r[k], dy = x[k + 1] - r[k + 1], dz = x[k + 2] - r[k + 2]
                    if dx * dx + dy * dy + dz * dz > limit { return true }
                    k += 3
                }
                return false
            }
        }
    }

    /// ``needsRebuild(positions:)`` in a cell that may have been deformed since the build (a
    /// barostat): with A = H_ref⁻¹·H the deformation of the cell, every atom's motion is measured
    /// against the affine map of its reference position, u_i = x_i − (o + (x_ref,i − o_ref)·A), and
    /// a pair beyond cutoff + skin at the build stays beyond the cutoff while
    /// 2·max|u| ≤ (1 − ‖A − I‖_F)(cutoff + skin) − cutoff. That margin is the skin when the cell
    /// has not changed (LAMMPS's skin/2 rule); a change of periodicity always rebuilds.
    public func needsRebuild(_ system: System) -> Bool {
        guard let ref = referenceBox else { return true }
        let box = system.box
        if box == ref { return needsRebuild(positions: system.positions) }
        guard box.periodic == ref.periodic, isBuilt, system.positions.count == referencePositions.count else { return true }
        let a = NeighborList.deformation(from: ref, to: box)
        var strain = 0.0
        for r in 0..<3 { for c in 0..<3 { let d = a[3 * r + c] - (r == c ? 1 : 0); strain += d * d } }
        let margin = (1 - strain.squareRoot()) * listCutoff - cutoff
        guard margin > 0 else { return true }
        let limit = 0.25 * margin * margin
        let o = box.origin, o0 = ref.origin
        return system.positions.withUnsafeBufferPointer { x in
            referencePositions.withUnsafeBufferPointer { r in
                var k = 0
                while k < x.count {
                    let p0 = r[k] - o0[0], p1 = r[k + 1] - o0[1], p2 = r[k + 2] - o0[2]
                    let dx = x[k] - (o[0] + p0 * a[0] + p1 * a[3] + p2 * a[6])
                    let dy = x[k + 1] - (o[1] + p0 * a[1] + p1 * a[4] + p2 * a[7])
                    let dz = x[k + 2] - (o[2] + p0 * a[2] + p1 * a[5] + p2 * a[8])
                    if dx * dx + dy * dy + dz * dz > limit { return true }
                    k += 3
                }
                return false
            }
        }
    }

    /// The deformation A = H_from⁻¹·H_to (row-major 3×3, dimensionless) that takes `from`'s lattice
    /// vectors to `to`'s: a row vector of fractional coordinates keeps its value, x·A maps a
    /// displacement in the old cell to the new one.
    public static func deformation(from: Box, to: Box) -> [Double] {
        let m = from.inverse, h = to.vectors
        var a = [Double](repeating: 0, count: 9)
        for r in 0..<3 { for c in 0..<3 { a[3 * r + c] = m[3 * r] * h[c] + m[3 * r + 1] * h[3 + c] + m[3 * r + 2] * h[6 + c] } }
        return a
    }

    /// Moves every entry's periodic-image shift to the same lattice translation of `box` (n·H with
    /// n the entry's integer image, recovered by rounding): after a barostat deformed the cell the
    /// list still names the same pairs, now at their new separations. Costs O(entries); a no-op
    /// when the shifts already belong to `box`.
    public mutating func follow(_ box: Box) {
        guard let current = shiftBox ?? referenceBox, current != box else { return }
        let m = current.inverse
        shifts.withUnsafeMutableBufferPointer { s in
            var e = 0
            while e < s.count {
                let x = s[e], y = s[e + 1], z = s[e + 2]
                if x != 0 || y != 0 || z != 0 {
                    let na = Int((x * m[0] + y * m[3] + z * m[6]).rounded())
                    let nb = Int((x * m[1] + y * m[4] + z * m[7]).rounded())
                    let nc = Int((x * m[2] + y * m[5] + z * m[8]).rounded())
                    let t = box.latticeShift(na, nb, nc)
                    s[e] = t.0; s[e + 1] = t.1; s[e + 2] = t.2
                }
                e += 3
            }
        }
        shiftBox = box == referenceBox ? nil : box
    }

    /// One MD step's neighbor decision, LAMMPS's `Neighbor::decide`: counts the step, and rebuilds
    /// when at least `delay` steps passed, the count is a multiple of `every`, and (with `check`)
    /// some atom moved more than skin/2 (or the deformed cell's margin, ``needsRebuild(_:)``). The
    /// shifts follow a deformed cell first (``follow(_:)``). Builds when never built.
    ///
    /// - Returns: whether the list was rebuilt.
    /// - Throws: what ``build(_:)`` throws.
    @discardableResult
    public mutating func update(_ system: System) throws -> Bool {
        if !isBuilt || system.count != atomCount {
            try build(system)
            return true
        }
        follow(system.box)
        stepsSinceBuild += 1
        guard stepsSinceBuild >= delay, stepsSinceBuild % Swift.max(1, every) == 0 else { return false }
        if check {
            guard needsRebuild(system) else { return false }
            if stepsSinceBuild == Swift.max(every, delay) { dangerousBuildCount += 1 }
        }
        try build(system)
        return true
    }
}
