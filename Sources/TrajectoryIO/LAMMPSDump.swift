import Atomistics
import Foundation

/// LAMMPS `dump custom` text frames (`.lammpstrj`), as OVITO, MDAnalysis and ASE read them.
///
/// Written: `ITEM: TIMESTEP`, `ITEM: NUMBER OF ATOMS` (no `ITEM: TIME`: MDAnalysis refuses it), the box (`ITEM: BOX
/// BOUNDS pp pp pp`, or with `xy xz yz` and LAMMPS's bounding-box bounds for a tilted cell) and
/// `ITEM: ATOMS id type element [mass] x y z ix iy iz [vx vy vz] [fx fy fz] [c_pe]` (mass in amu, which
/// MDAnalysis wants): positions wrapped
/// into the cell with image flags (so the unwrapped positions survive), velocities (Å/ps), forces
/// (eV/Å) and per-atom energies (eV) in metal units. A cell not in LAMMPS's restricted
/// orientation is rotated into it (positions, velocities and forces with it).
public enum LAMMPSDump {
    /// One frame's text.
    ///
    /// - Parameters:
    ///   - step: the timestep number (`time`, ps in metal, is not written: LAMMPS dumps carry none
    ///     by default and MDAnalysis refuses `ITEM: TIME`).
    ///   - positions: flat 3N (Å), unwrapped or not; `types` 0-based, `typeNames` and `typeMasses`
    ///     (amu) per type.
    ///   - velocities, forces, atomEnergies: optional per-atom columns; `atomStress` 6 per atom
    ///     (xx yy zz xy xz yz, pressure·volume: LAMMPS's `compute stress/atom` values), written as
    ///     `c_stress[1..6]` (not rotated: give it for a restricted cell).
    /// - Throws: `TrajectoryIOError` for a left-handed or non-periodic-free cell LAMMPS cannot hold.
    public static func frame(step: Int, time: Double, box: Box, positions: [Double], types: [Int], typeNames: [String],
                             typeMasses: [Double]? = nil, velocities: [Double]? = nil, forces: [Double]? = nil, atomEnergies: [Double]? = nil,
                             atomStress: [Double]? = nil, file: String = "") throws -> String {
        var x = positions, v = velocities, f = forces
        var cell = box
        if !box.isLAMMPSRestricted {
            let (restricted, r): (Box, [Double])
            do { (restricted, r) = try box.lammpsRestricted() } catch {
                throw TrajectoryIOError(file: file, line: 1, kind: .unsupported("a cell LAMMPS can hold (right-handed); found \(error)"))
            }
            func rotate(_ a: [Double], origin: [Double]) -> [Double] {
                var out = a
                for p in stride(from: 0, to: a.count, by: 3) {
                    let d0 = a[p] - origin[0], d1 = a[p + 1] - origin[1], d2 = a[p + 2] - origin[2]
                    for k in 0..<3 { out[p + k] = d0 * r[k] + d1 * r[3 + k] + d2 * r[6 + k] }
                }
                return out
            }
            x = rotate(x, origin: box.origin)
            v = v.map { rotate($0, origin: [0, 0, 0]) }
            f = f.map { rotate($0, origin: [0, 0, 0]) }
            cell = restricted
        }
        // Wrap into the cell, keeping the image counts.
        let n = types.count
        var images = [Int](repeating: 0, count: 3 * n)
        let m = cell.inverse, o = cell.origin
        for i in 0..<n {
            let d0 = x[3 * i] - o[0], d1 = x[3 * i + 1] - o[1], d2 = x[3 * i + 2] - o[2]
            for k in 0..<3 where cell.periodic[k] {
                let s = d0 * m[k] + d1 * m[3 + k] + d2 * m[6 + k]
                images[3 * i + k] = Int(s.rounded(.down))
            }
            let t = cell.latticeShift(images[3 * i], images[3 * i + 1], images[3 * i + 2])
            x[3 * i] -= t.0; x[3 * i + 1] -= t.1; x[3 * i + 2] -= t.2
        }
        let h = cell.vectors
        let lo = cell.origin, hi = [lo[0] + h[0], lo[1] + h[4], lo[2] + h[8]]
        let xy = h[3], xz = h[6], yz = h[7]
        let bc = cell.periodic.map { $0 ? "pp" : "ff" }.joined(separator: " ")
        var out = "ITEM: TIMESTEP\n\(step)\nITEM: NUMBER OF ATOMS\n\(n)\n"
        if xy == 0 && xz == 0 && yz == 0 {
            out += "ITEM: BOX BOUNDS \(bc)\n\(lo[0]) \(hi[0])\n\(lo[1]) \(hi[1])\n\(lo[2]) \(hi[2])\n"
        } else {
            let xlo = lo[0] + min(0, xy, xz, xy + xz), xhi = hi[0] + max(0, xy, xz, xy + xz)
            let ylo = lo[1] + min(0, yz), yhi = hi[1] + max(0, yz)
            out += "ITEM: BOX BOUNDS xy xz yz \(bc)\n\(xlo) \(xhi) \(xy)\n\(ylo) \(yhi) \(xz)\n\(lo[2]) \(hi[2]) \(yz)\n"
        }
        out += typeMasses == nil ? "ITEM: ATOMS id type element x y z ix iy iz" : "ITEM: ATOMS id type element mass x y z ix iy iz"
        if v != nil { out += " vx vy vz" }
        if f != nil { out += " fx fy fz" }
        if atomEnergies != nil { out += " c_pe" }
        if atomStress != nil { out += " c_stress[1] c_stress[2] c_stress[3] c_stress[4] c_stress[5] c_stress[6]" }
        out += "\n"
        out.reserveCapacity(out.utf8.count + n * 160)
        for i in 0..<n {
            out += "\(i + 1) \(types[i] + 1) \(typeNames[types[i]])"
            if let typeMasses { out += " \(typeMasses[types[i]])" }
            out += " \(x[3 * i]) \(x[3 * i + 1]) \(x[3 * i + 2]) \(images[3 * i]) \(images[3 * i + 1]) \(images[3 * i + 2])"
            if let v { out += " \(v[3 * i]) \(v[3 * i + 1]) \(v[3 * i + 2])" }
            if let f { out += " \(f[3 * i]) \(f[3 * i + 1]) \(f[3 * i + 2])" }
            if let atomEnergies { out += " \(atomEnergies[i])" }
            if let atomStress { for c in 0..<6 { out += " \(atomStress[6 * i + c])" } }
            out += "\n"
        }
        return out
    }

    /// Reads every frame of a `dump custom` (or `dump atom`) text file: atoms sorted by id, species
    /// from an `element` column (else the type numbers "1", "2", …), positions from `x y z` plus image
    /// flags `ix iy iz` when present, else `xu yu zu`, else scaled `xs ys zs`; velocities and forces
    /// when present; time from `ITEM: TIME`, else the timestep times `timestep` (ps) when given.
    ///
    /// - Throws: `TrajectoryIOError` naming the file and line: a missing item, a bad number, a frame
    ///   whose atom count or species differ from the first, duplicate ids.
    public static func read(_ url: URL, timestep: Double? = nil) throws -> Trajectory {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw TrajectoryIOError(file: url.path, line: 0, kind: .unreadable(reason: "\(error)"))
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var k = 0
        func fail(_ kind: TrajectoryIOError.Kind) -> TrajectoryIOError { TrajectoryIOError(file: url.path, line: k + 1, kind: kind) }
        func next(_ what: String) throws -> Substring {
            guard k < lines.count else { throw fail(.truncated(expected: what)) }
            defer { k += 1 }
            return lines[k]
        }
        func number<T: LosslessStringConvertible>(_ s: Substring, _ what: String) throws -> T {
            // Always a token of the line `next()` just consumed: line k (1-based).
            guard let v = T(String(s)) else { throw TrajectoryIOError(file: url.path, line: k, kind: .badNumber(expected: what, found: String(s))) }
            return v
        }
        var frames = [AmberFrame]()
        var species: [String]? = nil
        var hasTimes = false
        while k < lines.count {
            if lines[k].allSatisfy(\.isWhitespace) { k += 1; continue }
            guard lines[k].hasPrefix("ITEM: TIMESTEP") else {
                throw fail(.unexpected(expected: "ITEM: TIMESTEP", found: String(lines[k].prefix(40))))
            }
            k += 1
            let step: Int = try number(try next("the timestep").split(separator: " ").first ?? "", "an integer timestep")
            var time: Double? = nil
            var item = try next("ITEM: NUMBER OF ATOMS")
            if item.hasPrefix("ITEM: TIME") {
                time = try number(try next("the time").split(separator: " ").first ?? "", "a time")
                item = try next("ITEM: NUMBER OF ATOMS")
            }
            guard item.hasPrefix("ITEM: NUMBER OF ATOMS") else { k -= 1; throw fail(.unexpected(expected: "ITEM: NUMBER OF ATOMS", found: String(item.prefix(40)))) }
            let n: Int = try number(try next("the atom count").split(separator: " ").first ?? "", "an atom count")
            guard n >= 0, n < 1 << 28 else { k -= 1; throw fail(.badNumber(expected: "an atom count ≥ 0", found: "\(n)")) }
            let boxItem = try next("ITEM: BOX BOUNDS")
            guard boxItem.hasPrefix("ITEM: BOX BOUNDS") else { k -= 1; throw fail(.unexpected(expected: "ITEM: BOX BOUNDS", found: String(boxItem.prefix(40)))) }
            let flags = boxItem.split(separator: " ").dropFirst(3)
            let tilted = flags.first == "xy"
            let bcs = Array(flags.drop { ["xy", "xz", "yz"].contains($0) })
            var b = [[Double]]()
            for _ in 0..<3 {
                let parts = try next("a box-bounds line").split(separator: " ")
                guard parts.count >= (tilted ? 3 : 2) else { k -= 1; throw fail(.unexpected(expected: tilted ? "lo hi tilt" : "lo hi", found: parts.joined(separator: " "))) }
                b.append(try parts.prefix(tilted ? 3 : 2).map { try number($0, "a box bound") as Double })
            }
            var xy = 0.0, xz = 0.0, yz = 0.0
            var lo = [b[0][0], b[1][0], b[2][0]], hi = [b[0][1], b[1][1], b[2][1]]
            if tilted {
                xy = b[0][2]; xz = b[1][2]; yz = b[2][2]
                lo[0] -= min(0, xy, xz, xy + xz); hi[0] -= max(0, xy, xz, xy + xz)
                lo[1] -= min(0, yz); hi[1] -= max(0, yz)
            }
            let periodic = (0..<3).map { $0 < bcs.count ? bcs[$0].hasPrefix("p") : true }
            let box: Box
            do { box = try Box(lammpsLow: lo, high: hi, xy: xy, xz: xz, yz: yz, periodic: periodic) } catch {
                k -= 1
                throw fail(.unexpected(expected: "the bounds of a real cell", found: "\(error)"))
            }
            let atomsItem = try next("ITEM: ATOMS")
            guard atomsItem.hasPrefix("ITEM: ATOMS") else { k -= 1; throw fail(.unexpected(expected: "ITEM: ATOMS", found: String(atomsItem.prefix(40)))) }
            let columns = atomsItem.split(separator: " ").dropFirst(2).map(String.init)
            func col(_ name: String) -> Int? { columns.firstIndex(of: name) }
            guard let idCol = col("id") else { k -= 1; throw fail(.unexpected(expected: "an 'id' column", found: columns.joined(separator: " "))) }
            let typeCol = col("type"), elementCol = col("element")
            guard typeCol != nil || elementCol != nil else { k -= 1; throw fail(.unexpected(expected: "a 'type' or 'element' column", found: columns.joined(separator: " "))) }
            let position: (cols: [Int], kind: Int)
            if let a = col("x"), let b2 = col("y"), let c = col("z") { position = ([a, b2, c], 0) }
            else if let a = col("xu"), let b2 = col("yu"), let c = col("zu") { position = ([a, b2, c], 1) }
            else if let a = col("xs"), let b2 = col("ys"), let c = col("zs") { position = ([a, b2, c], 2) }
            else if let a = col("xsu"), let b2 = col("ysu"), let c = col("zsu") { position = ([a, b2, c], 2) }
            else { k -= 1; throw fail(.unexpected(expected: "position columns x y z (or xu yu zu, xs ys zs)", found: columns.joined(separator: " "))) }
            let imageCols = [col("ix"), col("iy"), col("iz")]
            let velocityCols = [col("vx"), col("vy"), col("vz")]
            let forceCols = [col("fx"), col("fy"), col("fz")]
            let hasV = velocityCols.allSatisfy { $0 != nil }, hasF = forceCols.allSatisfy { $0 != nil }
            var rows = [(id: Int, name: String, x: [Double], v: [Double], f: [Double])]()
            rows.reserveCapacity(n)
            for _ in 0..<n {
                let p = try next("\(n) atom lines").split(separator: " ", omittingEmptySubsequences: true)
                guard p.count >= columns.count else { k -= 1; throw fail(.unexpected(expected: "\(columns.count) columns", found: "\(p.count)")) }
                let id: Int = try number(p[idCol], "an integer atom id")
                let name = elementCol.map { String(p[$0]) } ?? String(p[typeCol!])
                var x = try position.cols.map { try number(p[$0], "a coordinate") as Double }
                if position.kind == 2 {
                    x = box.cartesian(fromFractional: x)
                }
                if position.kind != 1, imageCols.allSatisfy({ $0 != nil }) {
                    let img = try imageCols.map { try number(p[$0!], "an integer image flag") as Int }
                    let t = box.latticeShift(img[0], img[1], img[2])
                    x[0] += t.0; x[1] += t.1; x[2] += t.2
                }
                let v = hasV ? try velocityCols.map { try number(p[$0!], "a velocity") as Double } : []
                let f = hasF ? try forceCols.map { try number(p[$0!], "a force") as Double } : []
                rows.append((id, name, x, v, f))
            }
            rows.sort { $0.id < $1.id }
            for r in 1..<max(1, rows.count) where rows[r].id == rows[r - 1].id {
                throw fail(.duplicate("atom id \(rows[r].id) in the frame of timestep \(step)"))
            }
            let names = rows.map(\.name)
            if let species, species != names {
                throw fail(.unexpected(expected: "the same atoms (count and species by id) as the first frame", found: "\(names.count) atoms, species differing"))
            }
            species = names
            if time != nil { hasTimes = true }
            frames.append(AmberFrame(positions: rows.flatMap(\.x), velocities: hasV ? rows.flatMap(\.v) : nil,
                                     forces: hasF ? rows.flatMap(\.f) : nil, box: box,
                                     time: time ?? timestep.map { Double(step) * $0 } ?? 0))
            if timestep != nil { hasTimes = true }
        }
        guard let species else { throw fail(.truncated(expected: "at least one frame (ITEM: TIMESTEP)")) }
        return Trajectory(species: species, frames: frames, hasTimes: hasTimes)
    }
}

extension Trajectory {
    /// Writes every frame as LAMMPS `dump custom` text (``LAMMPSDump``), timestep = frame index
    /// unless times and `timestep` say otherwise.
    ///
    /// - Throws: `TrajectoryIOError` naming the file.
    func writeLAMMPSDump(_ url: URL) throws {
        var text = ""
        let names = typeNames, ty = types
        for (k, f) in frames.enumerated() {
            guard let box = f.box else {
                throw TrajectoryIOError(file: url.path, line: 1, kind: .unsupported("a cell in every frame for a LAMMPS dump; found frame \(k) without one"))
            }
            text += try LAMMPSDump.frame(step: k, time: f.time, box: box, positions: f.positions, types: ty, typeNames: names,
                                         velocities: f.velocities, forces: f.forces, file: url.path)
        }
        do { try text.write(to: url, atomically: true, encoding: .utf8) } catch {
            throw TrajectoryIOError(file: url.path, line: 0, kind: .unreadable(reason: "\(error)"))
        }
    }
}
