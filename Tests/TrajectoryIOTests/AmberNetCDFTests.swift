import Atomistics
import CNetCDF
import Foundation
import Testing
import TrajectoryIO

/// A fresh temporary folder for one NetCDF test.
func ncTempDir(_ name: String) throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-nc-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
}

/// Three seeded frames of `n` atoms in a triclinic periodic cell (Å, Å/ps, eV/Å, ps).
func sampleFrames(n: Int = 5, count: Int = 3) throws -> [AmberFrame] {
    var frames = [AmberFrame]()
    let box = try Box(lengths: [10.5, 11.25, 12.125], anglesInDegrees: [90, 95.5, 100.25])
    for k in 0..<count {
        let x = (0..<(3 * n)).map { Double($0) * 0.731 + Double(k) * 0.1 - 3.3 }
        let v = (0..<(3 * n)).map { sin(Double($0 + k)) * 7.5 }
        let f = (0..<(3 * n)).map { cos(Double($0 * 3 + k)) * 0.9 }
        frames.append(AmberFrame(positions: x, velocities: v, forces: f, box: box, time: 0.5 * Double(k),
                                 potentialEnergy: -10.25 - Double(k), kineticEnergy: 1.5 + Double(k),
                                 temperature: 300 + Double(k), pressure: -12.5 * Double(k)))
    }
    return frames
}

/// Text attribute `name` of variable `varid` (NC_GLOBAL for the file) of the open file `ncid`.
func ncText(_ ncid: Int32, _ varid: Int32, _ name: String) -> String? {
    var len = 0
    guard nc_inq_attlen(ncid, varid, name, &len) == NC_NOERR else { return nil }
    var buf = [CChar](repeating: 0, count: len + 1)
    guard nc_get_att_text(ncid, varid, name, &buf) == NC_NOERR else { return nil }
    return String(decoding: buf.prefix(len).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Runs `body` on the file opened read-only with libnetcdf directly (under the library lock:
/// libnetcdf is not thread-safe and tests run in parallel).
func withNC<T>(_ url: URL, _ body: (Int32) throws -> T) throws -> T {
    try AmberNetCDF.withLibraryLock {
        var ncid: Int32 = 0
        try #require(nc_open(url.path, NC_NOWRITE, &ncid) == NC_NOERR)
        defer { nc_close(ncid) }
        return try body(ncid)
    }
}

@Suite("AMBER NetCDF")
struct AmberNetCDFTests {
    @Test("write → read: coordinates to float precision, cell exact, velocities and forces converted back")
    func roundTrip() throws {
        let dir = try ncTempDir("roundtrip")
        let url = dir.appendingPathComponent("t.nc")
        let frames = try sampleFrames()
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [29, 28, 29, 0, 1], velocities: true, forces: true)
        for f in frames { try w.write(f) }
        #expect(w.frameCount == 3)
        w.close()

        let r = try AmberNetCDFReader(url)
        #expect(r.frameCount == 3 && r.atomCount == 5 && r.hasVelocities && r.hasForces)
        #expect(r.atomicNumbers == [29, 28, 29, 0, 1])
        for (k, f) in frames.enumerated() {
            let g = try r.frame(k)
            for (a, b) in zip(f.positions, g.positions) { #expect(abs(a - b) <= 1e-6 * max(1, abs(a))) }
            for (a, b) in zip(f.velocities!, g.velocities!) { #expect(abs(a - b) <= 2e-6 * max(1, abs(a))) }
            for (a, b) in zip(f.forces!, g.forces!) { #expect(abs(a - b) <= 2e-6 * max(1, abs(a))) }
            #expect(g.time == Double(Float(f.time)))
            let lb = try #require(g.box)
            #expect(lb.lengths.enumerated().allSatisfy { abs($1 - f.box!.lengths[$0]) < 1e-12 })
            #expect(lb.anglesInDegrees.enumerated().allSatisfy { abs($1 - f.box!.anglesInDegrees[$0]) < 1e-9 })
            #expect(g.potentialEnergy == f.potentialEnergy && g.kineticEnergy == f.kineticEnergy)
            #expect(g.temperature == f.temperature && g.pressure == f.pressure)
        }
        // The cell as stored is exactly the lengths and angles of the box.
        try withNC(url) { ncid in
            var id: Int32 = 0
            #expect(nc_inq_varid(ncid, "cell_lengths", &id) == NC_NOERR)
            var l = [Double](repeating: 0, count: 3)
            #expect(nc_get_vara_double(ncid, id, [1, 0], [1, 3], &l) == NC_NOERR)
            #expect(l == frames[1].box!.lengths)
            // Velocities are stored divided by 20.455.
            #expect(nc_inq_varid(ncid, "velocities", &id) == NC_NOERR)
            var v: Float = 0
            #expect(nc_get_vara_float(ncid, id, [0, 0, 1], [1, 1, 1], &v) == NC_NOERR)
            #expect(v == Float(frames[0].velocities![1] / 20.455))
        }
    }

    @Test("64-bit offset format, global attributes and units exactly as the convention says")
    func formatAndAttributes() throws {
        let dir = try ncTempDir("attrs")
        let url = dir.appendingPathComponent("t.nc")
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [29, 29], velocities: true, forces: true, title: "two Cu")
        try w.write(AmberFrame(positions: [0, 0, 0, 1, 1, 1]))
        w.close()
        try withNC(url) { ncid in
            var format: Int32 = 0
            #expect(nc_inq_format(ncid, &format) == NC_NOERR)
            #expect(format == NC_FORMAT_64BIT_OFFSET)
            #expect(ncText(ncid, NC_GLOBAL, "Conventions") == "AMBER")
            #expect(ncText(ncid, NC_GLOBAL, "ConventionVersion") == "1.0")
            #expect(ncText(ncid, NC_GLOBAL, "program") == "symmd")
            #expect(ncText(ncid, NC_GLOBAL, "programVersion") == AmberNetCDF.programVersion)
            #expect(ncText(ncid, NC_GLOBAL, "title") == "two Cu")
            let units: [String: String] = [
                "time": "picosecond", "coordinates": "angstrom", "cell_lengths": "angstrom", "cell_angles": "degree",
                "velocities": "angstrom/picosecond", "forces": "kilocalorie/mole/angstrom",
                "potential_energy": "electronvolt", "kinetic_energy": "electronvolt", "temperature": "kelvin", "pressure": "bar",
            ]
            for (name, u) in units {
                var id: Int32 = 0
                #expect(nc_inq_varid(ncid, name, &id) == NC_NOERR, "no \(name)")
                #expect(ncText(ncid, id, "units") == u, "\(name) units")
            }
            var id: Int32 = 0, scale = 0.0
            #expect(nc_inq_varid(ncid, "velocities", &id) == NC_NOERR)
            #expect(nc_get_att_double(ncid, id, "scale_factor", &scale) == NC_NOERR && scale == 20.455)
            // No scale_factor on anything else.
            #expect(nc_inq_varid(ncid, "forces", &id) == NC_NOERR)
            var len = 0
            #expect(nc_inq_attlen(ncid, id, "scale_factor", &len) != NC_NOERR)
            // Dimensions and label variables.
            for (name, size) in [("spatial", 3), ("atom", 2), ("cell_spatial", 3), ("cell_angular", 3), ("label", 5), ("frame", 1)] {
                var d: Int32 = 0, n = 0
                #expect(nc_inq_dimid(ncid, name, &d) == NC_NOERR && nc_inq_dimlen(ncid, d, &n) == NC_NOERR && n == size, "\(name)")
            }
            var unlimited: Int32 = -1, frameDim: Int32 = -2
            nc_inq_unlimdim(ncid, &unlimited)
            nc_inq_dimid(ncid, "frame", &frameDim)
            #expect(unlimited == frameDim)
            var chars = [CChar](repeating: 0, count: 15)
            #expect(nc_inq_varid(ncid, "cell_angular", &id) == NC_NOERR)
            #expect(nc_get_vara_text(ncid, id, [0, 0], [3, 5], &chars) == NC_NOERR)
            #expect(String(decoding: chars.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "alphabeta gamma")
            #expect(nc_inq_varid(ncid, "spatial", &id) == NC_NOERR)
            var xyz = [CChar](repeating: 0, count: 3)
            #expect(nc_get_vara_text(ncid, id, [0], [3], &xyz) == NC_NOERR)
            #expect(String(decoding: xyz.map { UInt8(bitPattern: $0) }, as: UTF8.self) == "xyz")
        }
    }

    @Test("a non-periodic frame stores a zero cell and reads back without a box")
    func openBoxIsZeros() throws {
        let url = try ncTempDir("open").appendingPathComponent("t.nc")
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [1])
        try w.write(AmberFrame(positions: [1, 2, 3], box: try Box(lengths: [5, 5, 5], periodic: [false, false, false])))
        w.close()
        let r = try AmberNetCDFReader(url)
        #expect(try r.frame(0).box == nil && !r.hasVelocities && !r.hasForces)
    }

    @Test("append continues the frame numbering; a different atom count or convention is refused")
    func append() throws {
        let dir = try ncTempDir("append")
        let url = dir.appendingPathComponent("t.nc")
        let frames = try sampleFrames(count: 4)
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [1, 1, 1, 1, 1], velocities: true)
        try w.write(frames[0]); try w.write(frames[1])
        w.close()
        let a = try AmberNetCDFWriter(appendingTo: url, atomCount: 5)
        #expect(a.frameCount == 2 && a.hasVelocities && !a.hasForces)
        try a.write(frames[2]); try a.write(frames[3])
        #expect(a.frameCount == 4)
        a.close()
        let r = try AmberNetCDFReader(url)
        #expect(r.frameCount == 4)
        #expect(try r.frame(3).time == Double(Float(frames[3].time)))
        #expect(try r.frame(2).positions.map { Float($0) } == frames[2].positions.map { Float($0) })
        r.close()
        #expect(throws: AmberNetCDFError.self) { try AmberNetCDFWriter(appendingTo: url, atomCount: 6) }
        do {
            _ = try AmberNetCDFWriter(appendingTo: url, atomCount: 6)
        } catch let e as AmberNetCDFError {
            guard case .incompatible = e.kind else { Issue.record("\(e)"); return }
            #expect(e.description.hasPrefix(url.path + ": "))
        }
    }

    /// The error `body` throws, which must be an `AmberNetCDFError`.
    func error(_ body: () throws -> Void) -> AmberNetCDFError? {
        do { try body() } catch let e as AmberNetCDFError { return e } catch { Issue.record("\(error)") }
        Issue.record("no error thrown")
        return nil
    }

    @Test("bad input: missing, not NetCDF, not AMBER, truncated — each one line naming the file")
    func badInput() throws {
        let dir = try ncTempDir("bad")
        let missing = dir.appendingPathComponent("none.nc")
        let e1 = try #require(error { _ = try AmberNetCDFReader(missing) })
        #expect(e1.kind == .missingFile)

        let text = dir.appendingPathComponent("text.nc")
        try "hello, this is not NetCDF\n".write(to: text, atomically: true, encoding: .utf8)
        let e2 = try #require(error { _ = try AmberNetCDFReader(text) })
        #expect(e2.kind == .notNetCDF)

        // A NetCDF restart is NetCDF but not an AMBER trajectory, and vice versa.
        let rst = dir.appendingPathComponent("x.ncrst")
        try AmberRestart(positions: [0, 0, 0]).write(to: rst)
        let e3 = try #require(error { _ = try AmberNetCDFReader(rst) })
        #expect(e3.kind == .notAmber(expected: "AMBER", found: "'AMBERRESTART'"))

        let good = dir.appendingPathComponent("good.nc")
        let w = try AmberNetCDFWriter(creating: good, atomicNumbers: [Int](repeating: 29, count: 50), velocities: true)
        let frames = try sampleFrames(n: 50, count: 4)
        for f in frames { try w.write(f) }
        w.close()
        let e4 = try #require(error { _ = try AmberRestart(contentsOf: good) })
        #expect(e4.kind == .notAmber(expected: "AMBERRESTART", found: "'AMBER'"))

        let data = try Data(contentsOf: good)
        // Cut in the middle of the last frame, and inside the header.
        for (name, keep) in [("cut.nc", data.count - 700), ("head.nc", 100)] {
            let cut = dir.appendingPathComponent(name)
            try data.prefix(keep).write(to: cut)
            let e = try #require(error { _ = try AmberNetCDFReader(cut) })
            guard case .truncated = e.kind else { Issue.record("\(name): \(e)"); continue }
        }
        for e in [e1, e2, e3, e4] {
            #expect(e.description.contains(".nc") && !e.description.contains("\n"), "\(e)")
        }
        #expect(e1.description == "\(missing.path): no such file")
    }

    @Test("writer errors: libnetcdf's message naming the file; wrong array sizes; a closed writer")
    func writerErrors() throws {
        let dir = try ncTempDir("werr")
        let nowhere = dir.appendingPathComponent("no/such/dir/t.nc")
        let e1 = try #require(error { _ = try AmberNetCDFWriter(creating: nowhere, atomicNumbers: [1]) })
        guard case .netcdf(let call, let message) = e1.kind else { Issue.record("\(e1)"); return }
        #expect(call == "nc_create" && !message.isEmpty && e1.description.hasPrefix(nowhere.path + ": NetCDF error in nc_create: "))
        let url = dir.appendingPathComponent("t.nc")
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [1, 1], velocities: true)
        let e2 = try #require(error { try w.write(AmberFrame(positions: [0, 0, 0])) })
        #expect(e2.kind == .badArgument("3 position values, expected 6"))
        let e3 = try #require(error { try w.write(AmberFrame(positions: [0, 0, 0, 1, 1, 1], velocities: [1])) })
        #expect(e3.kind == .badArgument("1 velocity values, expected 6"))
        w.close()
        let e4 = try #require(error { try w.write(AmberFrame(positions: [0, 0, 0, 1, 1, 1])) })
        #expect(e4.kind == .badArgument("the writer is closed"))
        // Appending to something that is not an AMBER trajectory.
        let rst = dir.appendingPathComponent("r.ncrst")
        try AmberRestart(positions: [0, 0, 0, 1, 1, 1]).write(to: rst)
        let e5 = try #require(error { _ = try AmberNetCDFWriter(appendingTo: rst, atomCount: 2) })
        #expect(e5.kind == .notAmber(expected: "AMBER", found: "'AMBERRESTART'"))
        let e6 = try #require(error { _ = try AmberNetCDFReader(url).frame(5) })
        #expect(e6.kind == .badArgument("frame 5 of a file with 0 frames"))
    }

    @Test("PDB topology: CRYST1 and fixed-column ATOM lines with the element right-aligned")
    func pdb() throws {
        let text = PDB.string(positions: [0, 0, 0, 1.5, -2.25, 10], names: ["Cu", "O"], box: try Box(lengths: [10, 11, 12]))
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[1] == "CRYST1   10.000   11.000   12.000  90.00  90.00  90.00 P 1           1")
        #expect(lines[2] == "ATOM      1 Cu   MOL A   1       0.000   0.000   0.000  1.00  0.00          CU")
        #expect(lines[3] == "ATOM      2 O    MOL A   1       1.500  -2.250  10.000  1.00  0.00           O")
        #expect(lines.last == "END")
    }

    @Test("restart .ncrst: AMBERRESTART, no frame dimension, doubles, scalar time — round trip exact")
    func restart() throws {
        let url = try ncTempDir("rst").appendingPathComponent("s.ncrst")
        let f = try sampleFrames(n: 4, count: 1)[0]
        let r = AmberRestart(positions: f.positions, velocities: f.velocities, box: f.box, time: 12.345678901)
        try r.write(to: url)
        let back = try AmberRestart(contentsOf: url)
        #expect(back.positions == r.positions && back.time == r.time)
        for (a, b) in zip(back.velocities!, r.velocities!) { #expect(abs(a - b) <= 1e-14 * max(1, abs(a))) }
        #expect(back.box!.lengths.enumerated().allSatisfy { abs($1 - r.box!.lengths[$0]) < 1e-12 })
        try withNC(url) { ncid in
            #expect(ncText(ncid, NC_GLOBAL, "Conventions") == "AMBERRESTART")
            var format: Int32 = 0, d: Int32 = 0, id: Int32 = 0, ndims: Int32 = -1, type: nc_type = 0
            nc_inq_format(ncid, &format)
            #expect(format == NC_FORMAT_64BIT_OFFSET)
            #expect(nc_inq_dimid(ncid, "frame", &d) != NC_NOERR)
            #expect(nc_inq_varid(ncid, "time", &id) == NC_NOERR && nc_inq_varndims(ncid, id, &ndims) == NC_NOERR && ndims == 0)
            #expect(nc_inq_varid(ncid, "coordinates", &id) == NC_NOERR && nc_inq_vartype(ncid, id, &type) == NC_NOERR && type == NC_DOUBLE)
        }
    }

    @Test("scipy.io.netcdf_file (a third-party reader) opens the file", .enabled(if: AmberNetCDFTests.hasScipy))
    func scipyReads() throws {
        let url = try ncTempDir("scipy").appendingPathComponent("t.nc")
        let frames = try sampleFrames(count: 2)
        let w = try AmberNetCDFWriter(creating: url, atomicNumbers: [29, 29, 29, 29, 29], velocities: true, forces: true)
        for f in frames { try w.write(f) }
        w.close()
        let script = """
            import sys
            from scipy.io import netcdf_file
            f = netcdf_file(sys.argv[1], 'r', mmap=False)
            assert f.Conventions == b'AMBER', f.Conventions
            c = f.variables['coordinates']
            assert c.shape == (2, 5, 3), c.shape
            assert f.variables['velocities'].units == b'angstrom/picosecond'
            print(f.version_byte, float(c[1, 0, 0]), float(f.variables['time'][1]))
            """
        let out = try runPython(script, args: [url.path])
        let words = out.split(separator: " ").map { String($0) }
        #expect(words.count == 3)
        #expect(words.first == "2")
        #expect(abs((Double(words[1]) ?? .nan) - frames[1].positions[0]) < 1e-5)
        #expect(Double(words[2].trimmingCharacters(in: .whitespacesAndNewlines)) == 0.5)
    }

    @Test("a LAMMPS-style CDF-5 file with extra variables (type, id, cell_origin, thermo) reads; unscaled velocities")
    func lammpsCDF5() throws {
        let url = try ncTempDir("cdf5").appendingPathComponent("dump.nc")
        try AmberNetCDF.withLibraryLock {
            var ncid: Int32 = 0
            try #require(nc_create(url.path, NC_CLOBBER | NC_64BIT_DATA, &ncid) == NC_NOERR)
            defer { nc_close(ncid) }
            func text(_ v: Int32, _ n: String, _ t: String) { nc_put_att_text(ncid, v, n, t.utf8.count, t) }
            text(NC_GLOBAL, "Conventions", "AMBER")
            text(NC_GLOBAL, "ConventionVersion", "1.0")
            text(NC_GLOBAL, "program", "LAMMPS")
            var frame: Int32 = 0, spatial: Int32 = 0, atom: Int32 = 0, cs: Int32 = 0, ca: Int32 = 0
            nc_def_dim(ncid, "frame", NC_UNLIMITED, &frame)
            nc_def_dim(ncid, "spatial", 3, &spatial)
            nc_def_dim(ncid, "atom", 2, &atom)
            nc_def_dim(ncid, "cell_spatial", 3, &cs)
            nc_def_dim(ncid, "cell_angular", 3, &ca)
            var time: Int32 = 0, coord: Int32 = 0, vel: Int32 = 0, lengths: Int32 = 0, angles: Int32 = 0
            var origin: Int32 = 0, type: Int32 = 0, id: Int32 = 0, pe: Int32 = 0
            nc_def_var(ncid, "time", NC_DOUBLE, 1, [frame], &time)
            nc_def_var(ncid, "cell_origin", NC_DOUBLE, 2, [frame, cs], &origin)
            nc_def_var(ncid, "cell_lengths", NC_DOUBLE, 2, [frame, cs], &lengths)
            nc_def_var(ncid, "cell_angles", NC_DOUBLE, 2, [frame, ca], &angles)
            nc_def_var(ncid, "type", NC_INT, 2, [frame, atom], &type)
            nc_def_var(ncid, "id", NC_INT, 2, [frame, atom], &id)
            nc_def_var(ncid, "coordinates", NC_FLOAT, 3, [frame, atom, spatial], &coord)
            nc_def_var(ncid, "velocities", NC_FLOAT, 3, [frame, atom, spatial], &vel)
            nc_def_var(ncid, "pe", NC_DOUBLE, 1, [frame], &pe)
            try #require(nc_enddef(ncid) == NC_NOERR)
            for k in 0..<2 {
                nc_put_vara_double(ncid, time, [k], [1], [Double(k) * 0.25])
                nc_put_vara_double(ncid, origin, [k, 0], [1, 3], [0, 0, 0])
                nc_put_vara_double(ncid, lengths, [k, 0], [1, 3], [8, 9, 10])
                nc_put_vara_double(ncid, angles, [k, 0], [1, 3], [90, 90, 90])
                nc_put_vara_int(ncid, type, [k, 0], [1, 2], [1, 2])
                nc_put_vara_int(ncid, id, [k, 0], [1, 2], [1, 2])
                nc_put_vara_float(ncid, coord, [k, 0, 0], [1, 2, 3], [1, 2, 3, 4, 5, Float(6 + k)])
                nc_put_vara_float(ncid, vel, [k, 0, 0], [1, 2, 3], [0.5, 0, 0, 0, 0, -0.5])
                nc_put_vara_double(ncid, pe, [k], [1], [-3.5])
            }
        }
        let r = try AmberNetCDFReader(url)
        #expect(r.frameCount == 2 && r.atomCount == 2 && r.hasVelocities && !r.hasForces && r.atomicNumbers == nil)
        let f = try r.frame(1)
        #expect(f.positions == [1, 2, 3, 4, 5, 7] && f.time == 0.25 && f.velocities == [0.5, 0, 0, 0, 0, -0.5])
        #expect(f.box?.lengths == [8, 9, 10])
    }

    @Test("a file written by scipy.io.netcdf_file (MDAnalysis's fallback writer) reads", .enabled(if: AmberNetCDFTests.hasScipy))
    func scipyWritten() throws {
        let url = try ncTempDir("scipyw").appendingPathComponent("mda.nc")
        let script = """
            import sys
            import numpy as np
            from scipy.io import netcdf_file
            f = netcdf_file(sys.argv[1], 'w', version=2)
            f.Conventions = 'AMBER'; f.ConventionVersion = '1.0'; f.program = 'MDAnalysis'; f.programVersion = '2.7'
            f.createDimension('frame', None); f.createDimension('spatial', 3); f.createDimension('atom', 3)
            f.createDimension('cell_spatial', 3); f.createDimension('cell_angular', 3); f.createDimension('label', 5)
            t = f.createVariable('time', 'f', ('frame',)); t.units = 'picosecond'
            c = f.createVariable('coordinates', 'f', ('frame', 'atom', 'spatial')); c.units = 'angstrom'
            v = f.createVariable('velocities', 'f', ('frame', 'atom', 'spatial')); v.units = 'angstrom/picosecond'
            l = f.createVariable('cell_lengths', 'd', ('frame', 'cell_spatial')); l.units = 'angstrom'
            a = f.createVariable('cell_angles', 'd', ('frame', 'cell_angular')); a.units = 'degree'
            for k in range(2):
                t[k] = 2.0 * k
                c[k] = np.arange(9, dtype='f4').reshape(3, 3) + k
                v[k] = np.full((3, 3), 1.5, dtype='f4')
                l[k] = [20.0, 20.0, 20.0]; a[k] = [90.0, 90.0, 120.0]
            f.close()
            """
        _ = try runPython(script, args: [url.path])
        let r = try AmberNetCDFReader(url)
        #expect(r.frameCount == 2 && r.atomCount == 3 && r.attributes["program"] == "MDAnalysis")
        let f = try r.frame(1)
        #expect(f.positions == (0..<9).map { Double($0) + 1 } && f.time == 2 && f.velocities == [Double](repeating: 1.5, count: 9))
        #expect(abs((f.box?.anglesInDegrees[2] ?? 0) - 120) < 1e-9)
    }

    /// Whether `python3 -c "import scipy.io"` works here.
    static let hasScipy: Bool = (try? runPython("import scipy.io", args: [])) != nil

    /// Runs `python3 -c script args…`; returns stdout, throws when the exit status is not 0.
    static func runPython(_ script: String, args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", script] + args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw AmberNetCDFError(file: "python3", kind: .badArgument(String(decoding: errData, as: UTF8.self)))
        }
        return String(decoding: data, as: UTF8.self)
    }

    func runPython(_ script: String, args: [String]) throws -> String {
        try AmberNetCDFTests.runPython(script, args: args)
    }
}
