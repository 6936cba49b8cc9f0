import Foundation
import NeuralPotentials
import TrajectoryIO

extension FitDeck {
    /// The `[data] train` frames (bad frames skipped and listed when `skip_bad`).
    ///
    /// - Throws: `DeckError` naming the deck and `data.train`, with the data error (file and
    ///   frame) as what was found.
    public func loadTrainingData() throws -> (frames: [LabeledFrame], skipped: [String]) {
        try loadData(trainFiles, key: "data.train")
    }

    /// The `[data] valid` frames (none when the deck names no validation files).
    ///
    /// - Throws: `DeckError` as `loadTrainingData()` does, with key `data.valid`.
    public func loadValidationData() throws -> (frames: [LabeledFrame], skipped: [String]) {
        try loadData(validFiles, key: "data.valid")
    }

    /// Loads `files` with the deck's type map and `skip_bad`, errors as `DeckError`s at `key`.
    func loadData(_ files: [URL], key: String) throws -> (frames: [LabeledFrame], skipped: [String]) {
        do {
            return try TrainingData.load(files: files, typeMap: typeMap, skipBad: skipBad, keys: labelKeys)
        } catch let e as TrainingDataError where e.kind == .missingPath {
            throw DeckError(.missingFile, file: url.path, key: key, expected: "an extxyz file or deepmd/npy folder", found: "\(e)")
        } catch let e as TrainingDataError {
            throw DeckError(.badFile, file: url.path, key: key, expected: "good labelled frames (or skip_bad = true)", found: "\(e)")
        } catch let e as TrajectoryIOError {
            throw DeckError(.badFile, file: url.path, key: key, expected: "readable data files", found: "\(e)")
        }
    }
}
