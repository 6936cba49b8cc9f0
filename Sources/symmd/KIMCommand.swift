import ArgumentParser
import Foundation
import SymmdDeck

/// `symmd kim export`: OpenKIM portable models for LAMMPS, ASE and other KIM simulators.
struct KIMCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kim",
        abstract: "Export a model as an OpenKIM portable model (LAMMPS `kim init`, ASE's KIM calculator).",
        subcommands: [KIMExportCommand.self])
}

/// `symmd kim export MODEL --name NAME [--out DIR]`.
struct KIMExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write an OpenKIM portable-model source folder for a symmd model file.",
        discussion: prose("""
            The folder (default ./NAME) holds CMakeLists.txt, a byte copy of the model as model.sdp
            and a README. It needs the symmd KIM model driver installed first (`make kim` installs
            the driver and a portable model for every potentials/*.sdp). Then:
              kim-api-collections-management install user DIR
            and in LAMMPS `kim init NAME metal` … `kim interactions Cu`, in ASE KIM("NAME").
            Example:
              symmd kim export potentials/cu-emt-se.sdp --name symmd_cu_emt_se --out out/kim/symmd_cu_emt_se
            """))

    @Argument(help: "The model file (.sdp).") var model: String
    @Option(help: "The portable model's KIM name (letters, digits, '_').") var name: String
    @Option(help: "Output folder (must be new or empty; default ./NAME).") var out: String?

    func run() throws {
        try userFacing {
            let item = try KIMPortableModel(model: model, name: name)
            let dir = out ?? name
            try item.write(to: dir)
            print("wrote \(dir)/ (CMakeLists.txt, model.sdp, README.md): portable model \(name), species \(item.species.joined(separator: " ")), cutoff \(item.cutoff) Å")
            print("install: kim-api-collections-management install user \(dir)")
        }
    }
}
