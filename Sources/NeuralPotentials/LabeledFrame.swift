import Atomistics

/// One reference configuration with its labels, as a training or test set holds it.
public struct LabeledFrame: Sendable {
    /// The structure (positions Å, cell, species named by the model's type map).
    public var system: System
    /// Reference total energy (eV).
    public var energy: Double
    /// Reference forces, 3N flat (eV/Å), when the data has them.
    public var forces: [Double]?
    /// Reference virial W, row-major 3×3 (eV), when the data has it (from stress: W = −V·σ).
    public var virial: [Double]?
    /// Where it came from, for messages: "file, frame k".
    public var source: String

    /// A labelled frame.
    public init(system: System, energy: Double, forces: [Double]? = nil, virial: [Double]? = nil, source: String) {
        self.system = system
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.source = source
    }
}
