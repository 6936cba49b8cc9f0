import Foundation
import Testing
import TrajectoryIO

/// Runs the built `symmd` with `arguments`: (exit status, stdout, stderr).
func runSymmd(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    let bin = try #require(symmdBinary, "build the symmd executable first (swift build --build-tests)")
    let p = Process()
    p.executableURL = bin
    p.arguments = arguments
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
}

/// Bad trajectory files given to `symmd analyze rdf` and `symmd convert`: each a one-line error
/// naming the file and the problem, and a non-zero exit status.
@Suite("CLI bad input")
struct CLIBadInputTests {
    /// The four bad files and the words their errors must contain.
    static func badFiles() throws -> [(url: URL, problem: String)] {
        let dir = try tempDir("cli-bad")
        let missing = dir.appendingPathComponent("missing.nc")
        let text = dir.appendingPathComponent("text.nc")
        try "this is not NetCDF\n".write(to: text, atomically: true, encoding: .utf8)
        // A valid, empty classic NetCDF file (no dimensions, no attributes): not AMBER.
        let plain = dir.appendingPathComponent("plain.nc")
        try Data(Array("CDF".utf8) + [1] + [UInt8](repeating: 0, count: 28)).write(to: plain)
        // A good trajectory cut in the middle of its frames.
        let cut = dir.appendingPathComponent("cut.nc")
        let n = 50
        let w = try AmberNetCDFWriter(creating: cut, atomicNumbers: [Int](repeating: 29, count: n))
        for k in 0..<4 {
            try w.write(AmberFrame(positions: (0..<(3 * n)).map { Double($0 % 7) + Double(k) }, box: try .init(lengths: [9, 9, 9]), time: Double(k)))
        }
        w.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: cut.path)[.size] as? Int)
        let h = try FileHandle(forWritingTo: cut)
        try h.truncate(atOffset: UInt64(size - 700))
        try h.close()
        return [(missing, "no such file"), (text, "not a NetCDF file"), (plain, "not an AMBER NetCDF file"), (cut, "truncated")]
    }

    @Test("analyze rdf and convert: missing, not NetCDF, not AMBER, truncated", .timeLimit(.minutes(2)))
    func badInputs() throws {
        let out = try tempDir("cli-bad-out")
        for (url, problem) in try CLIBadInputTests.badFiles() {
            for args in [["analyze", "rdf", url.path, "--out", out.appendingPathComponent("rdf").path],
                         ["convert", url.path, out.appendingPathComponent("x.extxyz").path]] {
                let r = try runSymmd(args)
                let lines = r.err.split(separator: "\n")
                #expect(r.status != 0, "\(args): exit status 0")
                #expect(lines.count == 1, "\(args): expected one line, got \(r.err)")
                #expect(r.err.contains(url.path) && r.err.contains(problem), "\(args): \(r.err)")
            }
        }
        // An output in an unknown format is refused before reading anything.
        let r = try runSymmd(["convert", "/nonexistent/in.nc", out.appendingPathComponent("x.dcd").path])
        #expect(r.status != 0 && r.err.contains("x.dcd") && r.err.contains("unknown trajectory format"), "\(r.err)")
    }

    /// No command may overwrite its own input: `analyze thermo X.csv --out X` and `convert A A`
    /// (also through a symbolic link) are refused and the input is left as it was.
    @Test("analyze and convert never overwrite their input", .timeLimit(.minutes(2)))
    func outputsNeverReplaceInputs() throws {
        let dir = try tempDir("cli-overwrite")
        let csv = dir.appendingPathComponent("thermo.csv")
        let text = "step,time,temperature,potential_energy,kinetic_energy,total_energy,pressure,conserved\n"
            + (0..<20).map { "\($0),\(Double($0) * 0.1),300,-1,1,0,0,0\n" }.joined()
        try text.write(to: csv, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("link.csv"), withDestinationURL: csv)
        for prefix in ["thermo", "link", "./sub/../thermo"] {
            let r = try runSymmd(["analyze", "thermo", csv.path, "--out", dir.path + "/" + prefix])
            #expect(r.status != 0 && r.err.contains("would be overwritten"), "\(prefix): \(r.err)")
            #expect(try String(contentsOf: csv, encoding: .utf8) == text)
        }
        let xyz = dir.appendingPathComponent("a.extxyz")
        try "1\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3\nCu 0 0 0\n".write(to: xyz, atomically: true, encoding: .utf8)
        let before = try Data(contentsOf: xyz)
        let r = try runSymmd(["convert", xyz.path, xyz.path])
        #expect(r.status != 0 && r.err.contains("would be overwritten"), "\(r.err)")
        #expect(try Data(contentsOf: xyz) == before)
    }

    /// --threads 0 is refused with a message; model init takes --out like every other command.
    @Test("--threads must be ≥ 1; model init --out", .timeLimit(.minutes(2)))
    func threadsAndOut() throws {
        let r = try runSymmd(["eval", "--model", "/nonexistent.sdp", "--structure", "/nonexistent.extxyz", "--threads", "0"])
        #expect(r.status != 0 && r.err.contains("--threads") && r.err.contains("≥ 1"), "\(r.err)")
        let help = try runSymmd(["model", "init", "--help"])
        #expect(help.out.contains("--out"), "\(help.out)")
    }

    @Test("convert and analyze rdf work end to end on a good file", .timeLimit(.minutes(2)))
    func goodFile() throws {
        let dir = try tempDir("cli-good")
        let nc = dir.appendingPathComponent("t.nc")
        let n = 64
        let w = try AmberNetCDFWriter(creating: nc, atomicNumbers: [Int](repeating: 29, count: n), velocities: true)
        for k in 0..<3 {
            let x = (0..<(3 * n)).map { i in Double((i * 7919 + k * 31) % 1000) / 1000 * 12 }
            try w.write(AmberFrame(positions: x, velocities: x.map { $0 - 6 }, box: try .init(lengths: [12, 12, 12]), time: Double(k)))
        }
        w.close()
        let xyz = dir.appendingPathComponent("t.extxyz")
        let c = try runSymmd(["convert", nc.path, xyz.path])
        #expect(c.status == 0, "\(c.err)")
        #expect(try Trajectory(contentsOf: xyz).frames.map(\.positions) == (try Trajectory(contentsOf: nc)).frames.map(\.positions))
        let prefix = dir.appendingPathComponent("rdf").path
        let a = try runSymmd(["analyze", "rdf", nc.path, "--bins", "20", "--out", prefix])
        let b = try runSymmd(["analyze", "rdf", xyz.path, "--bins", "20", "--out", prefix + "-xyz"])
        #expect(a.status == 0 && b.status == 0, "\(a.err) \(b.err)")
        let ga = try String(contentsOfFile: prefix + ".csv", encoding: .utf8)
        #expect(ga == (try String(contentsOfFile: prefix + "-xyz.csv", encoding: .utf8)))
        #expect(ga.split(separator: "\n").count == 21)
        let v = try runSymmd(["analyze", "vacf", nc.path])
        #expect(v.status == 0 && v.out.contains("VACF over 3 frames"), "\(v.out) \(v.err)")
        for sub in ["msd", "vdos"] {
            let r = try runSymmd(["analyze", sub, nc.path, "--out", dir.appendingPathComponent(sub).path])
            #expect(r.status == 0 && r.out.contains("written:"), "\(sub): \(r.out) \(r.err)")
        }
    }
}
