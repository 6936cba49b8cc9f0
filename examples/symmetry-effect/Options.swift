import ArgumentParser
import Foundation

/// The command-line options of the `symmetry-effect` example, parsed by swift-argument-parser.
struct Options: ParsableCommand {
    /// The name shown in the usage and help text.
    static let configuration = CommandConfiguration(
        commandName: "symmetry-effect",
        abstract: "Test error vs training-set size for a plain MLP on Cartesian coordinates (with and without rotation augmentation), se_e2_r and se_e2_a on copper EMT data.")

    /// Folder with train.extxyz and valid.extxyz (`--data DIR`).
    @Option(help: ArgumentHelp("folder holding train.extxyz and valid.extxyz", valueName: "DIR"))
    var data = "systems/cu-emt"

    /// Training-set sizes (`--sizes 10,30,100,300`).
    @Option(help: ArgumentHelp("training-set sizes, comma-separated (nested subsets of one seeded shuffle)", valueName: "N,N,…"))
    var sizes = "10,30,100,300"

    /// Optimiser steps per model and size (`--steps N`); nil: 1500, or 150 with `--quick`.
    @Option(help: ArgumentHelp("optimiser steps per model and training size (default 1500; 150 with --quick)", valueName: "N"))
    var steps: Int?

    /// Seed of the subset shuffle, weights, batch order, augmentation and test transformations.
    @Option(help: ArgumentHelp("seed of subsets, initial weights, batch order, rotations and permutations", valueName: "N"))
    var seed: UInt64 = 1

    /// Learning rate at the first and the last step (`--lr`, `--stop-lr`).
    @Option(help: ArgumentHelp("learning rate at step 0", valueName: "LR"))
    var lr = 1e-2
    @Option(help: ArgumentHelp("learning rate reached at the last step (stepped exponential decay in 20 stairs)", valueName: "LR"))
    var stopLr = 1e-4

    var startLR: Double { lr }
    var stopLR: Double { stopLr }

    /// Which models to train (`--models`), by the names in the table.
    @Option(help: ArgumentHelp("models to train, comma-separated: mlp, mlp-rot, se_e2_r, se_e2_a", valueName: "M,M,…"))
    var models = "mlp,mlp-rot,se_e2_r,se_e2_a"

    /// The table names of the models asked for, in the fixed order.
    var modelList: [String] {
        let asked = Set(models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        return [("mlp", "MLP"), ("mlp-rot", "MLP + rotations"), ("se_e2_r", "se_e2_r"), ("se_e2_a", "se_e2_a")]
            .filter { asked.contains($0.0) }.map(\.1)
    }

    /// Output folder (`--out DIR`).
    @Option(name: .customLong("out"), help: ArgumentHelp("folder for symmetry-effect.csv and .svg (created if missing)", valueName: "DIR"))
    var outDirectory = "out/symmetry-effect"

    /// A fast smoke run: sizes 10 and 30 and 150 steps unless given.
    @Flag(help: "a fast smoke run: sizes 10,30 (unless --sizes is given) and 150 steps (unless --steps is given)")
    var quick = false

    /// The parsed sizes (with `--quick` and no explicit `--sizes`: 10 and 30).
    var sizeList: [Int] {
        let given = sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        return quick && sizes == "10,30,100,300" ? [10, 30] : given
    }

    /// The step budget.
    var stepBudget: Int { steps ?? (quick ? 150 : 1500) }

    /// Rejects empty or non-positive sizes and steps below 1.
    func validate() throws {
        let parts = sizes.split(separator: ",", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ Int($0.trimmingCharacters(in: .whitespaces)).map { $0 >= 1 } ?? false }) else {
            throw ValidationError("--sizes expects positive integers separated by commas, got '\(sizes)'")
        }
        if let s = steps, s < 1 { throw ValidationError("--steps expects an integer ≥ 1, got '\(s)'") }
        let known: Set<String> = ["mlp", "mlp-rot", "se_e2_r", "se_e2_a"]
        let asked = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !asked.isEmpty, asked.allSatisfy(known.contains) else {
            throw ValidationError("--models expects some of mlp, mlp-rot, se_e2_r, se_e2_a, got '\(models)'")
        }
        if outDirectory.isEmpty { throw ValidationError("--out needs a non-empty folder name") }
    }
}

/// Prints `message` to standard error and exits with status 1.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("symmetry-effect: error: \(message)\n".utf8))
    exit(1)
}
