import Foundation
import NeuralPotentials
import TrajectoryIO

/// Loads labelled frames for fitting and testing from extxyz files (`.xyz`, `.extxyz`, as ASE
/// writes them) and DeePMD-kit `deepmd/npy` system folders (or folders holding several).
public enum TrainingData {
    /// Every good frame of `files` in order, and the bad frames skipped (one line each, naming
    /// file and 0-based frame and the reason) when `skipBad`.
    ///
    /// A frame is bad when it has no energy, a force count that is not 3N, a NaN or infinity
    /// anywhere, or an element not in `typeMap`. Atom counts may differ between frames.
    ///
    /// - Throws: `TrainingDataError` for the first bad frame (unless `skipBad`) or a path that is
    ///   neither kind of data; `TrajectoryIOError` for a file that cannot be read or parsed.
    public static func load(files: [URL], typeMap: [String], skipBad: Bool, keys: LabelKeys = LabelKeys()) throws -> (frames: [LabeledFrame], skipped: [String]) {
        var frames = [LabeledFrame](), skipped = [String]()
        for url in files {
            for raw in try rawFrames(url, typeMap: typeMap, keys: keys) {
                switch raw.labeled(typeMap: typeMap) {
                case .success(let frame): frames.append(frame)
                case .failure(let error):
                    guard skipBad else { throw error }
                    skipped.append(error.description)
                }
            }
        }
        return (frames, skipped)
    }

    /// The unchecked frames of one extxyz file or deepmd/npy folder.
    static func rawFrames(_ url: URL, typeMap: [String], keys: LabelKeys = LabelKeys()) throws -> [RawFrame] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw TrainingDataError(.missingPath, file: url.path, frame: nil, problem: "no such file or folder")
        }
        if isDirectory.boolValue {
            let systems = DeePMDSystem.systems(under: url)
            guard !systems.isEmpty else {
                throw TrainingDataError(.notData, file: url.path, frame: nil, problem: "no deepmd/npy system (no type.raw at or below this folder)")
            }
            return try systems.flatMap { u in
                let system = try DeePMDSystem(contentsOf: u)
                return system.frames.map { RawFrame(deepmd: $0, of: system, typeMap: typeMap) }
            }
        }
        guard ["xyz", "extxyz"].contains(url.pathExtension.lowercased()) else {
            throw TrainingDataError(.notData, file: url.path, frame: nil,
                                    problem: "not training data: expected an extxyz file (.xyz, .extxyz) or a deepmd/npy folder")
        }
        return try ExtXYZ.read(url).enumerated().map { RawFrame(extxyz: $1, file: url.path, index: $0, keys: keys) }
    }
}
