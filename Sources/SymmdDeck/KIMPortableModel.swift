import Foundation
import NeuralPotentials

/// An OpenKIM portable-model source folder for a symmd model: the model file as the one
/// parameter file of the symmd KIM model driver (`kim/driver`), ready for
/// `kim-api-collections-management install user DIR` (or `make kim`).
///
/// The folder holds `CMakeLists.txt` (the KIM API's item macros), `model.sdp` (a byte copy of the
/// model) and a `README.md` saying what the model is and how LAMMPS and ASE call it.
public struct KIMPortableModel: Sendable {
    /// The KIM name of the symmd model driver every portable model uses.
    public static let driverName = "symmd_driver"

    /// The portable model's KIM name (a C identifier).
    public let name: String
    /// The model file it wraps.
    public let modelPath: String
    /// The model's species (its type map).
    public let species: [String]
    /// The model's cutoff (Å).
    public let cutoff: Double

    /// Checks the name and loads the model (so a corrupt file is refused before anything is written).
    ///
    /// - Throws: `DeckError` naming the bad name or the model file's problem.
    public init(model path: String, name: String) throws {
        guard Self.isValidName(name) else {
            throw DeckError(.nonPhysical, file: path, key: "name",
                            expected: "a KIM item name: a letter, then letters, digits or '_' (e.g. symmd_cu_emt_se)",
                            found: "'\(name)'")
        }
        let model: DeepPotentialModel
        do { model = try DeepPotentialModel.load(from: path) } catch {
            throw DeckError(.badFile, file: path, key: "", expected: "a symmd model file (.sdp)", found: error.description)
        }
        self.name = name
        modelPath = path
        species = model.spec.typeMap
        cutoff = model.spec.descriptor.rcut
    }

    /// Whether `name` is a valid KIM item name (a C identifier).
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first.isASCII, first.properties.isAlphabetic else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_") }
    }

    /// The folder's `CMakeLists.txt`.
    public var cmakeLists: String {
        """
        # OpenKIM portable model \(name): a symmd deep potential (\(species.joined(separator: ", ")), r_c \(cutoff) Å)
        # run by the symmd model driver. Written by `symmd kim export`; install with
        #   kim-api-collections-management install user .
        cmake_minimum_required(VERSION 3.10)

        list(APPEND CMAKE_PREFIX_PATH $ENV{KIM_API_CMAKE_PREFIX_DIR})
        find_package(KIM-API-ITEMS 2.2 REQUIRED CONFIG)

        kim_api_items_setup_before_project(ITEM_TYPE "portableModel")
        project(\(name) LANGUAGES C CXX)
        kim_api_items_setup_after_project(ITEM_TYPE "portableModel")

        add_kim_api_model_library(
          NAME            ${PROJECT_NAME}
          DRIVER_NAME     "\(Self.driverName)"
          PARAMETER_FILES "model.sdp"
          )

        """
    }

    /// The folder's `README.md`.
    public var readme: String {
        let elements = species.joined(separator: " ")
        return """
        # \(name)

        A symmd deep potential as an OpenKIM portable model (driver `\(Self.driverName)`).
        Species: \(elements); cutoff \(cutoff) Å; metal units (eV, Å).
        Made by `symmd kim export \((modelPath as NSString).lastPathComponent) --name \(name)` from a byte copy of
        that model (`model.sdp`).

        Install (after the driver, `make kim` in the symmd repository does both):

            kim-api-collections-management install user .

        LAMMPS:

            kim init \(name) metal
            ...
            kim interactions \(elements)

        ASE:

            from ase.calculators.kim import KIM
            atoms.calc = KIM("\(name)")

        """
    }

    /// Writes the folder at `directory` (created; it must not exist or be empty). Never writes
    /// over the model file itself.
    ///
    /// - Throws: `DeckError` when the folder exists with files in it, or cannot be written.
    public func write(to directory: String) throws {
        let fm = FileManager.default
        let dir = URL(fileURLWithPath: directory).standardizedFileURL
        if let items = try? fm.contentsOfDirectory(atPath: dir.path), !items.isEmpty {
            throw DeckError(.nonPhysical, file: dir.path, key: "directory", expected: "a new or empty folder",
                            found: "a folder with \(items.count) entries (remove it or choose another --out)")
        }
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try fm.copyItem(at: URL(fileURLWithPath: modelPath), to: dir.appendingPathComponent("model.sdp"))
            try cmakeLists.write(to: dir.appendingPathComponent("CMakeLists.txt"), atomically: true, encoding: .utf8)
            try readme.write(to: dir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
        } catch {
            throw DeckError(.badFile, file: dir.path, key: "directory", expected: "a writable folder", found: "\(error.localizedDescription)")
        }
    }
}
