import ArgumentParser
import Foundation
import NeuralPotentials
import SymmdDeck

/// `symmd model init|info|devi`: untrained models from a fit deck, what a model file holds, a committee's deviation.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Create an untrained deep-potential model from a fit deck, describe a model file, or compute a committee's model deviation.",
        subcommands: [ModelInitCommand.self, ModelInfoCommand.self, ModelDeviCommand.self, ModelDiffCommand.self])
}

/// `symmd model init FITDECK --seed S -o FILE`.
struct ModelInitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write an untrained model from a fit deck's [model] tables.",
        discussion: prose("""
            With training data in the deck's [data] table, sel = "auto" is resolved (largest neighbor
            count × 1.1) and the normalisation statistics and per-type energy bias come from a sample
            of up to 100 training frames; without data, sel must be given.
            Example:
              symmd model init examples/fit-cu.toml --seed 1 -o out/cu-untrained.sdp
            """))

    @Argument(help: "The fit deck (TOML).") var deck: String
    @Option(help: "Seed of the initial weights.") var seed: UInt64 = 1
    @Option(name: [.customLong("out"), .customShort("o"), .customLong("output")], help: "Output model file (--out, as every other command; -o and --output also work).") var output: String

    func run() throws {
        try userFacing {
            let d = try FitDeck(contentsOf: URL(fileURLWithPath: deck))
            let m = try d.initialModel(seed: seed)
            let dir = URL(fileURLWithPath: output).deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try m.write(to: output)
            print(m.summary)
            print("# wrote \(output)")
        }
    }
}

/// `symmd model info M`.
struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Print a model's architecture, type map, cutoffs and parameter count.",
        discussion: prose("""
            Example:
              symmd model info potentials/cu-emt-se.sdp
            """))

    @Argument(help: "The model file.") var model: String

    func run() throws {
        try userFacing {
            print(try DeepPotentialModel.load(from: model).summary)
        }
    }
}
