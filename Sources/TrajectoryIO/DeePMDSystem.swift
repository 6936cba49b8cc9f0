import Foundation

/// One frame of a DeePMD-kit `deepmd/npy` system: coordinates, cell and labels as stored.
public struct DeePMDFrame: Sendable, Equatable {
    /// Positions, flat 3N (Å).
    public var positions: [Double]
    /// Cell vectors a, b, c as rows of a row-major 3×3 (Å); nil when the system has a `nopbc` file.
    public var box: [Double]?
    /// Total energy (eV), nil when the set has no `energy.npy`.
    public var energy: Double?
    /// Forces, flat 3N (eV/Å), nil when the set has no `force.npy`.
    public var forces: [Double]?
    /// Virial, row-major 3×3 (eV), nil when the set has no `virial.npy`.
    public var virial: [Double]?
    /// The set folder the frame is in, e.g. `/data/Cu32/set.000`.
    public var set: String
    /// The 0-based index of the frame within its set.
    public var index: Int

    /// A frame from its parts.
    public init(positions: [Double], box: [Double]?, energy: Double? = nil, forces: [Double]? = nil,
                virial: [Double]? = nil, set: String, index: Int) {
        self.positions = positions
        self.box = box
        self.energy = energy
        self.forces = forces
        self.virial = virial
        self.set = set
        self.index = index
    }
}

/// A DeePMD-kit `deepmd/npy` system folder: `type.raw` (a type index per atom), optional
/// `type_map.raw` (a name per type), optional `nopbc`, and `set.*` folders (read in sorted order)
/// holding `coord.npy` (frames, 3N) Å, `box.npy` (frames, 9) Å, and optionally `energy.npy`
/// (frames) eV, `force.npy` (frames, 3N) eV/Å and `virial.npy` (frames, 9) eV.
public struct DeePMDSystem: Sendable {
    /// The system folder.
    public var url: URL
    /// The type index of each atom (from `type.raw`).
    public var types: [Int]
    /// The name of each type (from `type_map.raw`), when the folder has one.
    public var typeMap: [String]?
    /// Every frame of every set, sets in sorted order.
    public var frames: [DeePMDFrame]

    /// Number of atoms per frame.
    public var atomCount: Int { types.count }

    /// The species name of each atom, when the folder has a `type_map.raw`.
    public var species: [String]? { typeMap.map { names in types.map { names[$0] } } }

    /// Whether `url` is a system folder (holds a `type.raw`).
    public static func isSystem(_ url: URL) -> Bool {
        FileManager.default.fileExists(atPath: url.appendingPathComponent("type.raw").path)
    }

    /// The system folders at or below `url`, sorted by path (DeePMD-kit searches the same way).
    public static func systems(under url: URL) -> [URL] {
        if isSystem(url) { return [url] }
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: url.path) else { return [] }
        // fileExists(atPath:isDirectory:) follows symbolic links to folders.
        return names.sorted().map { url.appendingPathComponent($0) }.filter { u in
            var isDirectory: ObjCBool = false
            return fm.fileExists(atPath: u.path, isDirectory: &isDirectory) && isDirectory.boolValue
        }.flatMap { systems(under: $0) }
    }

    /// Reads the system folder at `url`.
    ///
    /// - Throws: `TrajectoryIOError` naming the file: a missing `type.raw`, `coord.npy` or
    ///   `box.npy`, no `set.*` folder, a type without a name in `type_map.raw`, or an array
    ///   whose shape does not fit (frames differ between files, not 3N or 9 values per frame).
    public init(contentsOf url: URL) throws {
        self.url = url
        let typeFile = url.appendingPathComponent("type.raw")
        let typeWords = try DeePMDSystem.words(of: typeFile)
        types = try typeWords.map { (line, word) in
            guard let t = Int(word), t >= 0 else {
                throw TrajectoryIOError(file: typeFile.path, line: line, kind: .badNumber(expected: "a type index ≥ 0", found: word))
            }
            return t
        }
        guard !types.isEmpty else {
            throw TrajectoryIOError(file: typeFile.path, line: 1, kind: .unexpected(expected: "a type index per atom", found: "none"))
        }
        let mapFile = url.appendingPathComponent("type_map.raw")
        if FileManager.default.fileExists(atPath: mapFile.path) {
            let names = try DeePMDSystem.words(of: mapFile).map(\.1)
            if let bad = types.firstIndex(where: { $0 >= names.count }) {
                throw TrajectoryIOError(file: typeFile.path, line: typeWords[bad].0,
                                        kind: .unexpected(expected: "a type below \(names.count) (type_map.raw names \(names))",
                                                          found: "type \(types[bad]) for atom \(bad)"))
            }
            typeMap = names
        } else {
            typeMap = nil
        }
        let periodic = !FileManager.default.fileExists(atPath: url.appendingPathComponent("nopbc").path)

        let children = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        let sets = children.filter { $0.hasPrefix("set.") }.sorted()
        guard !sets.isEmpty else {
            throw TrajectoryIOError(file: url.path, line: 0, kind: .unexpected(expected: "set.* folders in the deepmd/npy system", found: "none"))
        }
        frames = []
        for name in sets {
            frames += try DeePMDSystem.readSet(url.appendingPathComponent(name), atoms: types.count, periodic: periodic)
        }
    }

    /// The frames of one `set.*` folder.
    static func readSet(_ set: URL, atoms n: Int, periodic: Bool) throws -> [DeePMDFrame] {
        let coordURL = set.appendingPathComponent("coord.npy")
        let coord = try NumpyArray.read(coordURL)
        let frameCount = coord.shape.first ?? 0
        try check(coord, coordURL, frames: frameCount, perFrame: 3 * n, what: "3N = \(3 * n) coordinates")

        // An optional per-frame array, checked against the frame count of coord.npy.
        func optional(_ file: String, perFrame: Int, what: String) throws -> NumpyArray? {
            let u = set.appendingPathComponent(file)
            guard FileManager.default.fileExists(atPath: u.path) else { return nil }
            let a = try NumpyArray.read(u)
            try check(a, u, frames: frameCount, perFrame: perFrame, what: what)
            return a
        }
        let box = try optional("box.npy", perFrame: 9, what: "9 cell components")
        if periodic && box == nil {
            throw TrajectoryIOError(file: set.appendingPathComponent("box.npy").path, line: 0,
                                    kind: .unreadable(reason: "no such file (a periodic system needs box.npy; add a 'nopbc' file otherwise)"))
        }
        let energy = try optional("energy.npy", perFrame: 1, what: "1 energy")
        let force = try optional("force.npy", perFrame: 3 * n, what: "3N = \(3 * n) force components")
        let virial = try optional("virial.npy", perFrame: 9, what: "9 virial components")

        func rows(_ a: NumpyArray?, _ width: Int, _ f: Int) -> [Double]? {
            a.map { Array($0.values[(f * width)..<((f + 1) * width)]) }
        }
        return (0..<frameCount).map { f in
            DeePMDFrame(positions: rows(coord, 3 * n, f) ?? [], box: periodic ? rows(box, 9, f) : nil,
                        energy: energy.map { $0.values[f] }, forces: rows(force, 3 * n, f),
                        virial: rows(virial, 9, f), set: set.path, index: f)
        }
    }

    /// Checks that `a` holds `frames` rows of `perFrame` values (shape (frames, …)).
    static func check(_ a: NumpyArray, _ url: URL, frames: Int, perFrame: Int, what: String) throws {
        let rows = a.shape.first ?? 1
        guard !a.shape.isEmpty, rows == frames, a.count == frames * perFrame else {
            let found = "shape (" + a.shape.map(String.init).joined(separator: ", ") + ")"
            throw TrajectoryIOError(file: url.path, line: 0,
                                    kind: .unexpected(expected: "shape (\(frames), \(perFrame)): \(frames) frames (as coord.npy) of \(what)",
                                                      found: found))
        }
    }

    /// The whitespace-separated words of a text file with their 1-based line numbers.
    static func words(of url: URL) throws -> [(Int, String)] {
        let text = try readText(url)
        return text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().flatMap { (k, line) in
            line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map { (k + 1, String($0)) }
        }
    }
}
