/// A bad training or test frame, or a data path that is neither an extxyz file nor a
/// deepmd/npy folder: the file (or set folder), the 0-based frame when it is about one, and
/// the problem.
public struct TrainingDataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Kind: Equatable, Sendable {
        /// The path does not exist.
        case missingPath
        /// The path is neither an extxyz file nor a folder holding deepmd/npy systems.
        case notData
        /// A frame that cannot be used (no energy, force count mismatch, NaN, unknown element).
        case badFrame
    }

    /// The kind of problem.
    public let kind: Kind
    /// The data file, or for deepmd/npy data the `set.*` folder.
    public let file: String
    /// The 0-based frame in `file` (within its set for deepmd/npy), nil when about the whole file.
    public let frame: Int?
    /// What is wrong, e.g. "no energy" or "element 'Au' is not in the type map [Cu]".
    public let problem: String

    /// An error of `kind` about `frame` of `file` (nil: the whole file).
    public init(_ kind: Kind, file: String, frame: Int?, problem: String) {
        self.kind = kind
        self.file = file
        self.frame = frame
        self.problem = problem
    }

    /// One line: `file, frame k: problem` (or `file: problem`).
    public var description: String {
        frame.map { "\(file), frame \($0): \(problem)" } ?? "\(file): \(problem)"
    }
}
