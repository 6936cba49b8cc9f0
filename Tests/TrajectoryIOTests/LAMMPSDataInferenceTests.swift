import Foundation
import Testing
@testable import TrajectoryIO

/// LAMMPS data files as LAMMPS users have them: no `# style` comment, numeric types named only by
/// their masses, image flags.
@Suite("LAMMPS data: what the file does not say")
struct LAMMPSDataInferenceTests {
    static let text = """
        LAMMPS data file via write_data, no style comment

        3 atoms
        2 atom types

        0 4 xlo xhi
        0 4 ylo yhi
        0 4 zlo zhi

        Masses

        1 63.546
        2 196.97

        Atoms

        1 1 0.5 0.5 0.5 1 0 -1
        2 2 1.5 0.5 0.5 0 0 0
        3 1 2.5 3.5 0.5 0 2 0

        """

    @Test func speciesFromMassesImagesKeptAndTheStyleNoted() throws {
        let dir = try ncTempDir("data-infer")
        let url = dir.appendingPathComponent("x.data")
        try Self.text.write(to: url, atomically: true, encoding: .utf8)
        let t = try Trajectory(contentsOf: url)
        #expect(t.species == ["Cu", "Au", "Cu"])
        // Image flags applied: unwrapped positions.
        #expect(t.frames[0].positions == [4.5, 0.5, -3.5, 1.5, 0.5, 0.5, 2.5, 11.5, 0.5])
        #expect(t.notes.contains { $0.contains("does not say its style") && $0.contains("'atomic'") })
        #expect(t.notes.contains { $0.contains("1=Cu") && $0.contains("2=Au") })
        // --species overrides; a mass no element has stays a number, said so.
        let named = try Trajectory(contentsOf: url, options: ReadOptions(species: [1: "Ni", 2: "Pt"]))
        #expect(named.species == ["Ni", "Pt", "Ni"])
        try Self.text.replacingOccurrences(of: "2 196.97", with: "2 50.0").write(to: url, atomically: true, encoding: .utf8)
        let unknown = try Trajectory(contentsOf: url)
        #expect(unknown.species == ["Cu", "2", "Cu"])
        #expect(unknown.notes.contains { $0.contains("--species 2=El") })
        #expect(ReadOptions.species("1=Cu, 2=Au") == [1: "Cu", 2: "Au"] && ReadOptions.species("Cu") == nil)
    }

    /// A round trip keeps the unwrapped positions (the images survive as the positions themselves).
    @Test func roundTripKeepsImages() throws {
        let dir = try ncTempDir("data-images")
        let url = dir.appendingPathComponent("x.data"), back = dir.appendingPathComponent("y.data")
        try Self.text.write(to: url, atomically: true, encoding: .utf8)
        let t = try Trajectory(contentsOf: url)
        try t.write(to: back)
        #expect(try Trajectory(contentsOf: back).frames[0].positions == t.frames[0].positions)
    }
}
