import Foundation
import ArgumentParser
import NeuralPotentials
import TrajectoryIO

/// `--atom-style` and `--species`: what a LAMMPS data file may not say, for every command that reads
/// trajectories.
struct ReadingOptions: ParsableArguments {
    @Option(help: "Atom style of a LAMMPS data file whose Atoms section has no '# style' comment (atomic, charge, full, molecular, bond, angle; default atomic, with a note).")
    var atomStyle: String?
    @Option(help: "Species of numeric LAMMPS types, e.g. 1=Cu,2=Au (default: type labels, else the element of each type's mass, else the number).")
    var species: String?

    /// The reader options.
    ///
    /// - Throws: `ValidationError` for a malformed --species.
    func readOptions() throws -> ReadOptions {
        var o = ReadOptions(atomStyle: atomStyle)
        if let species {
            guard let map = ReadOptions.species(species) else {
                throw ValidationError("--species: expected TYPE=NAME pairs such as 1=Cu,2=Au, found '\(species)'")
            }
            o.species = map
        }
        return o
    }

    /// Reads `path` with these options and prints what the reader assumed as notes on stderr.
    func read(_ path: String) throws -> Trajectory {
        try readTrajectory(path, options: try readOptions())
    }
}

/// Reads the trajectory at `path` and prints what the reader assumed as notes on stderr.
func readTrajectory(_ path: String, options: ReadOptions = ReadOptions()) throws -> Trajectory {
    let t = try Trajectory(contentsOf: URL(fileURLWithPath: path), options: options)
    for n in t.notes { printError("note: \(n)") }
    return t
}

/// `--precision float64|mixed` on the commands that evaluate a deep potential.
extension NetworkPrecision: ExpressibleByArgument {}
