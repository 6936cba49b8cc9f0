import Foundation
import SymmdDeck
import Testing
import TrajectoryIO

/// The `symmd` executable of this build (`.build/debug/symmd`), when it has been built.
let symmdBinary: URL? = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.appendingPathComponent(".build/debug/symmd")
    return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
}()

@Suite("NetCDF trajectory crash safety")
struct CrashSafetyTests {
    @Test("SIGKILL mid-run leaves only complete frames; --restart then continues the same file",
          .enabled(if: symmdBinary != nil), .timeLimit(.minutes(2)))
    func sigkill() throws {
        let dir = try tempDir("sigkill")
        let output = """
            [output]
            thermo = { every = 1000000 }
            trajectory = { file = "traj.nc", every = 2, velocities = true }
            checkpoint = { file = "run.ckpt", every = 10 }
            """
        let run = "[[run]]\nintegrator = \"verlet\"\ntimestep = 0.002\nsteps = 1000000\n"
        let deck = try writeDeck(ljDeck(cells: 2, run: run, output: output), in: dir)
        let traj = dir.appendingPathComponent("traj.nc")

        let p = Process()
        p.executableURL = symmdBinary
        p.arguments = ["run", deck.path]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait until a checkpoint and several frames exist, then kill without warning.
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("run.ckpt").path),
               let r = try? AmberNetCDFReader(traj), r.frameCount >= 8 { break }
            usleep(20_000)
        }
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)

        let r = try AmberNetCDFReader(traj)
        #expect(r.frameCount >= 8)
        for k in 0..<r.frameCount {
            let f = try r.frame(k)
            #expect(f.positions.allSatisfy(\.isFinite) && f.velocities!.allSatisfy(\.isFinite))
            #expect(abs(f.time - Double(k) * 2 * 0.002) < 1e-6, "frame \(k) time \(f.time)")
        }
        r.close()

        // --restart (in-process, 10 more steps): the frames after the checkpoint go, new ones append.
        let resumed = try RunDriver(deck: try RunDeck(contentsOf: deck), restart: dir.appendingPathComponent("run.ckpt"))
        let start = resumed.state.system.step
        #expect(start % 10 == 0 && start >= 10)
        try resumed.run(stopAtStep: start + 10)
        let after = try AmberNetCDFReader(traj)
        #expect(after.frameCount == start / 2 + 1 + 5)
        for k in 0..<after.frameCount {
            #expect(abs(try after.frame(k).time - Double(k) * 2 * 0.002) < 1e-6, "frame \(k) after restart")
        }
    }
}
