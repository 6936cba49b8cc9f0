import Atomistics
import Foundation

/// Everything a run needs to continue bit-identically: the system (positions, velocities, forces,
/// box, step, time), the neighbor list (its reference positions and schedule decide the next
/// rebuilds, its entry order the summation order), the stage index, the step within the stage,
/// and the stage's integrator with its thermostat and random-generator state.
public struct RunState: Codable, Sendable {
    /// The system at the checkpoint's step.
    public var system: System
    /// The neighbor list as it was after that step.
    public var neighbors: NeighborList
    /// 0-based index of the current `[[run]]` stage.
    public var stageIndex: Int
    /// Steps already done in that stage.
    public var stepInStage: Int
    /// The stage's integrator (nil between stages).
    public var integrator: StageIntegrator?
    /// Neighbor builds and dangerous builds before this run segment (for the final report).
    public var buildCount = 0, dangerousBuildCount = 0

    /// Magic first line of a checkpoint file.
    static let magic = Data("SYMMD-CHECKPOINT 1\n".utf8)

    /// Writes the state as a binary property list after a magic line (doubles stored as their 8
    /// bytes, so they read back bit for bit); written to a temporary file, then moved into place.
    ///
    /// - Throws: the encoder's or the file system's error.
    public func write(to url: URL) throws {
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        var data = RunState.magic
        data.append(try encoder.encode(self))
        let tmp = url.appendingPathExtension("tmp")
        try data.write(to: tmp)
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: tmp, to: url)
    }

    /// Reads a checkpoint written by `write(to:)`.
    ///
    /// - Throws: `DeckError` (missing file, or not a symmd checkpoint).
    public init(contentsOf url: URL) throws {
        guard let data = try? Data(contentsOf: url) else {
            throw DeckError(.missingFile, file: url.path, key: "--restart", expected: "a readable checkpoint file", found: "no such file or unreadable")
        }
        guard data.starts(with: RunState.magic) else {
            throw DeckError(.badFile, file: url.path, key: "--restart", expected: "a symmd checkpoint (first line SYMMD-CHECKPOINT 1)", found: "another kind of file")
        }
        do {
            self = try PropertyListDecoder().decode(RunState.self, from: data.dropFirst(RunState.magic.count))
        } catch {
            throw DeckError(.badFile, file: url.path, key: "--restart", expected: "a complete symmd checkpoint", found: "a truncated or corrupted one (\(error))")
        }
    }

    /// A state from its parts.
    public init(system: System, neighbors: NeighborList, stageIndex: Int, stepInStage: Int, integrator: StageIntegrator?) {
        self.system = system
        self.neighbors = neighbors
        self.stageIndex = stageIndex
        self.stepInStage = stepInStage
        self.integrator = integrator
    }
}
