import Foundation
import Testing
import TrajectoryIO

/// A deepmd/npy system folder written byte by byte: 3 atoms (types 0 1 0, names Cu Au),
/// `set.000` with 2 float64 frames and `set.001` with 1 float32 frame (no virial).
struct DeePMDFolder {
    let url: URL
    static let coords: [[Double]] = [[0, 0, 0, 1.5, 0, 0, 0, 1.5, 0], [0.1, 0, 0, 1.6, 0, 0, 0, 1.4, 0.2],
                                     [0.5, 0.25, 0, 1, 0.5, 0, 0, 2, 0.25]]
    static let boxes: [[Double]] = [[5, 0, 0, 0, 5, 0, 0, 0, 5], [5, 0, 0, 0.5, 5, 0, 0, 0, 6], [4, 0, 0, 0, 4, 0, 0, 0, 4]]
    static let energies = [-1.25, -1.5, 2.75]
    static let forces: [[Double]] = [[1, 0, 0, -1, 0, 0, 0, 0.5, 0], [0.1, 0.2, 0.3, -0.1, -0.2, -0.3, 0, 0, 0],
                                     [0.5, 0, -0.5, 0, 0, 0, -0.5, 0, 0.5]]
    static let virials: [[Double]] = [[1, 2, 3, 2, 4, 5, 3, 5, 6], [0.5, 0, 0, 0, 0.5, 0, 0, 0, 0.5]]

    /// Writes the folder in a fresh temporary directory.
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-deepmd-\(UUID().uuidString)/sys")
        let s0 = url.appendingPathComponent("set.000"), s1 = url.appendingPathComponent("set.001")
        for d in [s0, s1] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "0\n1\n0\n".write(to: url.appendingPathComponent("type.raw"), atomically: true, encoding: .utf8)
        try "Cu\nAu\n".write(to: url.appendingPathComponent("type_map.raw"), atomically: true, encoding: .utf8)
        func put(_ dir: URL, _ name: String, _ descr: String, _ rows: [[Double]], shape: String) throws {
            let payload = descr == "<f8" ? f8(rows.flatMap { $0 }) : f4(rows.flatMap { $0 }.map(Float.init))
            try npyBytes(descr: descr, shape: shape, payload: payload).write(to: dir.appendingPathComponent(name))
        }
        let c = Self.self
        try put(s0, "coord.npy", "<f8", Array(c.coords[0...1]), shape: "(2, 9)")
        try put(s0, "box.npy", "<f8", Array(c.boxes[0...1]), shape: "(2, 9)")
        try put(s0, "energy.npy", "<f8", [Array(c.energies[0...1])], shape: "(2,)")
        try put(s0, "force.npy", "<f8", Array(c.forces[0...1]), shape: "(2, 9)")
        try put(s0, "virial.npy", "<f8", c.virials, shape: "(2, 9)")
        try put(s1, "coord.npy", "<f4", [c.coords[2]], shape: "(1, 9)")
        try put(s1, "box.npy", "<f4", [c.boxes[2]], shape: "(1, 9)")
        try put(s1, "energy.npy", "<f4", [[c.energies[2]]], shape: "(1, 1)")
        try put(s1, "force.npy", "<f4", [c.forces[2]], shape: "(1, 3, 3)")
    }

    /// Replaces `set/name` with an array of `shape` (`values` zeros when not given).
    func replace(_ set: String, _ name: String, shape: String, count: Int) throws {
        try npyBytes(descr: "<f8", shape: shape, payload: f8([Double](repeating: 0, count: count)))
            .write(to: url.appendingPathComponent(set).appendingPathComponent(name))
    }

    /// Removes the temporary directory.
    func remove() { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
}

@Suite("deepmd/npy systems")
struct DeePMDSystemTests {
    @Test("sets in order, float64 and float32, exact numbers")
    func readsFolder() throws {
        let folder = try DeePMDFolder()
        defer { folder.remove() }
        #expect(DeePMDSystem.isSystem(folder.url))
        #expect(DeePMDSystem.systems(under: folder.url.deletingLastPathComponent()).map(\.path) == [folder.url.path])
        // A symbolic link to a system folder is followed (sorted by name: "link" before "sys").
        let link = folder.url.deletingLastPathComponent().appendingPathComponent("link")
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: folder.url)
        #expect(DeePMDSystem.systems(under: folder.url.deletingLastPathComponent()).map(\.lastPathComponent) == ["link", "sys"])
        let s = try DeePMDSystem(contentsOf: folder.url)
        #expect(s.types == [0, 1, 0] && s.typeMap == ["Cu", "Au"] && s.species == ["Cu", "Au", "Cu"] && s.atomCount == 3)
        #expect(s.frames.count == 3)
        for f in 0..<2 {
            let fr = s.frames[f]
            #expect(fr.positions == DeePMDFolder.coords[f] && fr.box == DeePMDFolder.boxes[f])
            #expect(fr.energy == DeePMDFolder.energies[f] && fr.forces == DeePMDFolder.forces[f] && fr.virial == DeePMDFolder.virials[f])
            #expect(fr.set.hasSuffix("sys/set.000") && fr.index == f)
        }
        let last = s.frames[2]
        let widened = { (v: [Double]) in v.map { Double(Float($0)) } }
        #expect(last.positions == widened(DeePMDFolder.coords[2]) && last.box == widened(DeePMDFolder.boxes[2]))
        #expect(last.energy == 2.75 && last.forces == widened(DeePMDFolder.forces[2]) && last.virial == nil)
        #expect(last.set.hasSuffix("sys/set.001") && last.index == 0)
    }

    @Test("shape mismatches name the file")
    func shapeErrors() throws {
        let folder = try DeePMDFolder()
        defer { folder.remove() }
        func error() -> TrajectoryIOError { npyError { _ = try DeePMDSystem(contentsOf: folder.url) } }

        try folder.replace("set.000", "force.npy", shape: "(2, 6)", count: 12)
        var e = error()
        #expect(e.file.hasSuffix("set.000/force.npy"))
        #expect("\(e)".hasSuffix("expected shape (2, 9): 2 frames (as coord.npy) of 3N = 9 force components, found shape (2, 6)"))

        try folder.replace("set.000", "force.npy", shape: "(2, 9)", count: 18)
        try folder.replace("set.001", "energy.npy", shape: "(2,)", count: 2)
        e = error()
        #expect(e.file.hasSuffix("set.001/energy.npy") && "\(e)".contains("1 frames (as coord.npy)"))

        try folder.replace("set.001", "energy.npy", shape: "(1,)", count: 1)
        try folder.replace("set.000", "virial.npy", shape: "(2, 3)", count: 6)
        #expect(error().file.hasSuffix("set.000/virial.npy"))

        try folder.replace("set.000", "virial.npy", shape: "(2, 9)", count: 18)
        try folder.replace("set.000", "coord.npy", shape: "(2, 6)", count: 12)
        #expect(error().file.hasSuffix("set.000/coord.npy"))

        try folder.replace("set.000", "coord.npy", shape: "(2, 9)", count: 18)
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("set.001/box.npy"))
        e = error()
        #expect(e.file.hasSuffix("set.001/box.npy") && "\(e)".contains("nopbc"))
        try Data().write(to: folder.url.appendingPathComponent("nopbc"))
        let open = try DeePMDSystem(contentsOf: folder.url)
        #expect(open.frames.allSatisfy { $0.box == nil } && open.frames.count == 3)
    }

    @Test("types, type map and sets are checked")
    func folderErrors() throws {
        let folder = try DeePMDFolder()
        defer { folder.remove() }
        func error() -> TrajectoryIOError { npyError { _ = try DeePMDSystem(contentsOf: folder.url) } }
        try "0\n2\n0\n".write(to: folder.url.appendingPathComponent("type.raw"), atomically: true, encoding: .utf8)
        var e = error()
        #expect(e.file.hasSuffix("sys/type.raw") && e.line == 2 && "\(e)".contains("type 2 for atom 1"))
        try "0\nx\n0\n".write(to: folder.url.appendingPathComponent("type.raw"), atomically: true, encoding: .utf8)
        e = error()
        #expect(e.line == 2 && e.kind == .badNumber(expected: "a type index ≥ 0", found: "x"))
        try "0\n1\n0\n".write(to: folder.url.appendingPathComponent("type.raw"), atomically: true, encoding: .utf8)
        for set in ["set.000", "set.001"] { try FileManager.default.removeItem(at: folder.url.appendingPathComponent(set)) }
        e = error()
        #expect(e.file == folder.url.path && "\(e)".contains("set.* folders"))
        try FileManager.default.removeItem(at: folder.url.appendingPathComponent("type.raw"))
        #expect(!DeePMDSystem.isSystem(folder.url))
        #expect(error().file.hasSuffix("sys/type.raw"))
    }
}
