import Foundation
import SymmdDeck
import Testing

/// `symmd kim export`: the portable-model folder a KIM installer builds, and its refusals.
@Suite("kim export")
struct KIMExportTests {
    static let copper = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../potentials/cu-emt-se.sdp").standardized

    @Test("The folder: CMakeLists naming the model and the driver, a byte copy of the model, a README")
    func folder() throws {
        let dir = try tempDir("kim-export").appendingPathComponent("symmd_cu_emt_se")
        let r = try runSymmd(["kim", "export", Self.copper.path, "--name", "symmd_cu_emt_se", "--out", dir.path])
        #expect(r.status == 0, "\(r.err)")
        let cmake = try String(contentsOf: dir.appendingPathComponent("CMakeLists.txt"), encoding: .utf8)
        #expect(cmake.contains("project(symmd_cu_emt_se LANGUAGES C CXX)"))
        #expect(cmake.contains("DRIVER_NAME     \"\(KIMPortableModel.driverName)\""))
        #expect(cmake.contains("PARAMETER_FILES \"model.sdp\""))
        #expect(cmake.contains("ITEM_TYPE \"portableModel\""))
        #expect(try Data(contentsOf: dir.appendingPathComponent("model.sdp")) == Data(contentsOf: Self.copper))
        let readme = try String(contentsOf: dir.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("kim init symmd_cu_emt_se metal") && readme.contains("kim interactions Cu"))
    }

    @Test("Refused with one line and nothing written: a bad name, a corrupt model, a folder in use")
    func refusals() throws {
        let base = try tempDir("kim-export-bad")
        let bad = try runSymmd(["kim", "export", Self.copper.path, "--name", "cu-model", "--out", base.appendingPathComponent("a").path])
        #expect(bad.status == 1 && bad.err.contains("'cu-model'") && bad.err.contains("key 'name'"), "\(bad.err)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("a").path))

        let corrupt = base.appendingPathComponent("corrupt.sdp")
        var bytes = try Data(contentsOf: Self.copper)
        bytes[bytes.count / 2] ^= 0xFF
        try bytes.write(to: corrupt)
        let c = try runSymmd(["kim", "export", corrupt.path, "--name", "x", "--out", base.appendingPathComponent("b").path])
        #expect(c.status == 1 && c.err.contains(corrupt.path), "\(c.err)")
        #expect(!FileManager.default.fileExists(atPath: base.appendingPathComponent("b").path))

        // The model's own folder is never a target: it is not empty.
        let own = base.appendingPathComponent("model.sdp")
        try FileManager.default.copyItem(at: Self.copper, to: own)
        let inUse = try runSymmd(["kim", "export", own.path, "--name", "x", "--out", base.path])
        #expect(inUse.status == 1 && inUse.err.contains("new or empty folder"), "\(inUse.err)")
        #expect(try Data(contentsOf: own) == Data(contentsOf: Self.copper))
        #expect(lines(c.err) == 1 && lines(bad.err) == 1)
    }

    /// Lines in a message.
    func lines(_ s: String) -> Int { s.split(separator: "\n").count }
}
