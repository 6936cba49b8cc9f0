import Atomistics
import Foundation
import TrajectoryIO

/// Everything a run needs to continue bit-identically: the system (positions, velocities, forces,
/// box, step, time), the neighbor list (its reference positions and schedule decide the next
/// rebuilds, its entry order the summation order), the stage index, the step within the stage,
/// and the stage's integrator with its thermostat and random-generator state.
public struct RunState: Sendable {
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
    /// Neighbor builds and dangerous builds of the whole run up to this state (for the report).
    public var buildCount = 0, dangerousBuildCount = 0

    /// A state from its parts.
    public init(system: System, neighbors: NeighborList, stageIndex: Int, stepInStage: Int, integrator: StageIntegrator?) {
        self.system = system
        self.neighbors = neighbors
        self.stageIndex = stageIndex
        self.stepInStage = stepInStage
        self.integrator = integrator
        buildCount = neighbors.buildCount
        dangerousBuildCount = neighbors.dangerousBuildCount
    }
}

/// The small part of a checkpoint (a binary property list); the per-atom arrays follow it as
/// raw little-endian doubles, so a 32 000-atom checkpoint writes in milliseconds, bit for bit.
struct CheckpointHeader: Codable {
    var version = 1
    var units: UnitStyle
    var types: [Int]
    var masses: [Double]
    var typeNames: [String]
    var box: Box
    var time: Double
    var step: Int
    var stageIndex: Int
    var stepInStage: Int
    var integrator: StageIntegrator?
    var buildCount: Int
    var dangerousBuildCount: Int
    // The neighbor list: its settings, its schedule position and the box of its last build; the
    // list itself is rebuilt from its reference positions (the same positions give the same
    // entries in the same order).
    var cutoff: Double
    var skin: Double
    var kind: NeighborList.Kind
    var minimumDistance: Double
    var every: Int
    var delay: Int
    var check: Bool
    var stepsSinceBuild: Int
    var referenceBox: Box
}

extension RunState {
    /// Magic first line of a checkpoint file.
    static let magic = Data("SYMMD-CHECKPOINT 1\n".utf8)

    /// The checkpoint bytes: a magic line, the header's length (8 bytes) and header (binary
    /// property list), then positions, velocities, forces and the list's reference positions as
    /// raw doubles.
    ///
    /// - Throws: the encoder's error.
    func encoded() throws -> Data {
        let s = system, nl = neighbors
        let header = CheckpointHeader(
            units: s.units, types: s.types, masses: s.masses, typeNames: s.typeNames, box: s.box, time: s.time,
            step: s.step, stageIndex: stageIndex, stepInStage: stepInStage, integrator: integrator,
            buildCount: buildCount, dangerousBuildCount: dangerousBuildCount, cutoff: nl.cutoff, skin: nl.skin,
            kind: nl.kind, minimumDistance: nl.minimumDistance, every: nl.every, delay: nl.delay, check: nl.check,
            stepsSinceBuild: nl.stepsSinceBuild, referenceBox: nl.referenceBox ?? s.box)
        let encoder = PropertyListEncoder()
        encoder.outputFormat = .binary
        let head = try encoder.encode(header)
        var data = RunState.magic
        withUnsafeBytes(of: UInt64(head.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(head)
        for array in [s.positions, s.velocities, s.forces, nl.referencePositions] {
            array.withUnsafeBytes { data.append(contentsOf: $0) }
        }
        return data
    }

    /// Writes the state to `url`: symmd's own checkpoint (`encoded()`), or for a `.ncrst` file an
    /// AMBER restart (positions, velocities, cell, time in double precision, readable by cpptraj,
    /// ParmEd, mdtraj) that carries the same checkpoint bytes in its `symmd_state` variable.
    /// Written to a temporary file, then moved into place.
    ///
    /// - Throws: the encoder's, the file system's or `AmberNetCDFError`.
    public func write(to url: URL) throws {
        let data = try encoded()
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        if RunState.isAmberRestart(url) {
            let s = system
            try AmberRestart(positions: s.positions, velocities: s.velocities, box: s.box, time: s.time,
                             title: "symmd checkpoint at step \(s.step) (units \(s.units.rawValue))",
                             extraState: [UInt8](data)).write(to: tmp)
        } else {
            try data.write(to: tmp)
        }
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: tmp, to: url)
    }

    /// Whether `url` names an AMBER restart (`.ncrst`, `.rst7nc`) rather than a symmd checkpoint.
    static func isAmberRestart(_ url: URL) -> Bool { ["ncrst", "rst7nc"].contains(url.pathExtension.lowercased()) }

    /// Reads a checkpoint written by `write(to:)` (a `.ckpt`, or a `.ncrst` carrying symmd's
    /// state), rebuilding the neighbor list from its reference positions and advancing its
    /// schedule to where it was.
    ///
    /// - Throws: `DeckError` (missing file, not a symmd checkpoint, an AMBER restart without
    ///   symmd's state, truncated).
    public init(contentsOf url: URL) throws {
        guard var data = try? Data(contentsOf: url) else {
            throw DeckError(.missingFile, file: url.path, key: "restart", expected: "a readable checkpoint file", found: "no such file or unreadable")
        }
        if data.starts(with: Array("CDF".utf8)) {
            let restart: AmberRestart
            do { restart = try AmberRestart(contentsOf: url) } catch {
                throw DeckError(.badFile, file: url.path, key: "restart", expected: "a symmd checkpoint or .ncrst", found: "\(error)")
            }
            guard let state = restart.extraState else {
                throw DeckError(.badFile, file: url.path, key: "restart", expected: "an AMBER restart written by symmd (with its 'symmd_state' variable)",
                                found: "one without symmd's state (another program's restart cannot continue a symmd run bit-identically)")
            }
            data = Data(state)
        }
        guard data.starts(with: RunState.magic) else {
            throw DeckError(.badFile, file: url.path, key: "restart", expected: "a symmd checkpoint (first line SYMMD-CHECKPOINT 1)", found: "another kind of file")
        }
        func corrupt(_ why: String) -> DeckError {
            DeckError(.badFile, file: url.path, key: "restart", expected: "a complete symmd checkpoint", found: "a truncated or corrupted one (\(why))")
        }
        let bytes = [UInt8](data.dropFirst(RunState.magic.count))
        guard bytes.count >= 8 else { throw corrupt("no header") }
        let headLength = Int(bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) })
        guard headLength > 0, 8 + headLength <= bytes.count else { throw corrupt("header length \(headLength)") }
        let header: CheckpointHeader
        do {
            header = try PropertyListDecoder().decode(CheckpointHeader.self, from: Data(bytes[8..<(8 + headLength)]))
        } catch {
            throw corrupt("\(error)")
        }
        let n3 = 3 * header.types.count
        guard bytes.count == 8 + headLength + 4 * n3 * 8 else {
            throw corrupt("expected \(8 + headLength + 4 * n3 * 8) bytes after the magic line, found \(bytes.count)")
        }
        var offset = 8 + headLength
        func doubles() -> [Double] {
            defer { offset += n3 * 8 }
            return [Double](unsafeUninitializedCapacity: n3) { buffer, count in
                bytes.withUnsafeBytes { raw in
                    UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + n3 * 8)]))
                }
                count = n3
            }
        }
        let positions = doubles(), velocities = doubles(), forces = doubles(), reference = doubles()
        do {
            var s = try System(positions: positions, types: header.types, masses: header.masses, typeNames: header.typeNames,
                               box: header.box, units: header.units, velocities: velocities)
            s.forces = forces
            s.time = header.time
            s.step = header.step
            // The list as it was: built at the reference positions in the box of that build, then
            // the schedule advanced step by step without a rebuild (the reference system has not moved).
            var nl = try NeighborList(cutoff: header.cutoff, skin: header.skin, kind: header.kind, minimumDistance: header.minimumDistance)
            var atReference = s
            atReference.positions = reference
            atReference.box = header.referenceBox
            try nl.build(atReference)
            nl.every = header.every
            nl.delay = header.delay
            nl.check = true
            for _ in 0..<header.stepsSinceBuild { try nl.update(atReference) }
            nl.check = header.check
            system = s
            neighbors = nl
        } catch {
            throw corrupt("\(error)")
        }
        stageIndex = header.stageIndex
        stepInStage = header.stepInStage
        integrator = header.integrator
        buildCount = header.buildCount
        dangerousBuildCount = header.dangerousBuildCount
    }
}
