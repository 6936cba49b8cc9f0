import Atomistics
import NeuralPotentials
import Foundation
import TOMLKit
import TrajectoryIO

/// Where the starting structure comes from.
public enum StructureSource: Sendable {
    /// A structure file (extxyz or LAMMPS data, by extension) and the 0-based frame to use.
    case file(URL, frame: Int)
    /// A perfect lattice of `cells` conventional cells with lattice constant `a` (length units).
    case lattice(Lattice, a: Double, cells: [Int])
}

/// The `[system]` table: the structure, the species name and mass, the initial temperature.
public struct SystemSpec: Sendable {
    /// File or lattice.
    public var source: StructureSource
    /// Element or type name for lattice atoms (e.g. "Cu"; "1" in lj units when absent).
    public var element: String?
    /// Mass of lattice atoms (amu in metal, m in lj); the element's mass when nil.
    public var mass: Double?
    /// Initial temperature (K in metal, ε/k_B in lj) over 3N − 3 degrees of freedom, zero total
    /// momentum, seeded by the deck's seed; nil keeps the file's velocities (or zero).
    public var temperature: Double?
}

/// The `[neighbors]` table (LAMMPS `neighbor`/`neigh_modify` semantics).
public struct NeighborSpec: Sendable {
    /// Verlet skin (length units: Å in metal, σ in lj).
    public var skin: Double
    /// Consider a rebuild only every this many steps.
    public var every: Int
    /// Never rebuild sooner than this many steps after the last build.
    public var delay: Int
    /// Rebuild only when an atom moved more than skin/2.
    public var check: Bool
}

/// One `[[run]]` stage.
public struct StageSpec: Sendable {
    /// The integrator's deck name.
    public enum Kind: String, Sendable, CaseIterable {
        /// Velocity Verlet (NVE).
        case verlet
        /// Langevin BAOAB.
        case langevin
        /// Bussi's CSVR.
        case csvr
        /// Nosé–Hoover chain.
        case noseHoover = "nose-hoover"
        /// Berendsen (equilibration only).
        case berendsen
    }
    /// Which integrator.
    public var kind: Kind
    /// Timestep (ps in metal, τ in lj).
    public var timestep: Double
    /// Number of steps in this stage.
    public var steps: Int
    /// Target temperature (K in metal) for thermostats.
    public var temperature: Double?
    /// Relaxation time τ (ps in metal): 1/γ for Langevin, τ for CSVR/Berendsen, Tdamp for Nosé–Hoover.
    public var damping: Double?
    /// Nosé–Hoover chain length (3 by default).
    public var chain: Int
    /// The stage's barostat (`barostat = { kind = …, … }`), nil for constant volume.
    public var barostat: BarostatSpec? = nil

    /// A fresh integrator for this stage; `seed` feeds stochastic thermostats and barostats.
    public func makeIntegrator(seed: UInt64) throws -> StageIntegrator {
        let thermostat = try makeThermostat(seed: seed)
        guard let b = barostat else { return thermostat }
        switch b.kind {
        case .mttk:
            return .mttk(try MTTK(timestep: timestep, temperature: temperature ?? 0, temperatureDamping: damping ?? 1, chain: chain,
                                  pressure: b.pressure, pressureDamping: b.tau, coupling: b.coupling))
        case .cRescale, .berendsen:
            let method: CellBarostat.Method = b.kind == .cRescale ? .stochastic : .berendsen
            let cell = try CellBarostat(method: method, pressure: b.pressure, relaxationTime: b.tau, compressibility: b.compressibility ?? 0,
                                        coupling: b.coupling, temperature: temperature ?? 0, seed: seed &+ 0x5851_F42D_4C95_7F2D)
            return .cellBarostat(CellBarostatted(thermostat, barostat: cell))
        }
    }

    /// The stage's particle integrator without a barostat.
    func makeThermostat(seed: UInt64) throws -> StageIntegrator {
        switch kind {
        case .verlet: return .verlet(try VelocityVerlet(timestep: timestep))
        case .langevin:
            return .langevin(try Langevin(timestep: timestep, temperature: temperature ?? 0, friction: 1 / (damping ?? 1), seed: seed))
        case .csvr:
            return .csvr(try CSVR(timestep: timestep, temperature: temperature ?? 0, relaxationTime: damping ?? 1, seed: seed))
        case .noseHoover:
            return .noseHoover(try NoseHooverChain(timestep: timestep, temperature: temperature ?? 0, relaxationTime: damping ?? 1, length: chain))
        case .berendsen:
            return .berendsen(try Berendsen(timestep: timestep, temperature: temperature ?? 0, relaxationTime: damping ?? 1))
        }
    }
}

/// A `[[run]]` stage's `barostat = { kind, pressure, tau, coupling, compressibility }`.
public struct BarostatSpec: Sendable, Equatable {
    /// The deck's barostat kinds.
    public enum Kind: String, Sendable, CaseIterable {
        /// Martyna–Tobias–Klein with Nosé–Hoover chains (LAMMPS `fix npt`); needs integrator "nose-hoover".
        case mttk
        /// Stochastic cell rescaling (Bernetti & Bussi 2020), with any thermostat.
        case cRescale = "c-rescale"
        /// Berendsen pressure coupling, for equilibration only (does not sample NPT).
        case berendsen
    }
    /// Which barostat.
    public var kind: Kind
    /// Target pressure (bar in metal, ε/σ³ in lj).
    public var pressure: Double
    /// Barostat relaxation time τ_P (ps in metal, τ in lj): LAMMPS's Pdamp for mttk.
    public var tau: Double
    /// Which cell degrees of freedom move.
    public var coupling: PressureCoupling
    /// Isothermal compressibility β_T (1/bar in metal) for c-rescale and berendsen.
    public var compressibility: Double?
}

/// One output stream: a file (relative to the deck's folder) written every N steps.
public struct OutputSpec: Sendable {
    /// The file (nil: stdout only, for thermo).
    public var file: URL?
    /// Interval in steps (≥ 1).
    public var every: Int
    /// Trajectory only: store velocities (Å/ps in metal): the NetCDF `velocities` variable, or an
    /// extxyz `vel:R:3` column (`velocities = true`).
    public var velocities: Bool = false
    /// Trajectory only: store forces (kcal/mol/Å in the file) in a NetCDF trajectory (`forces = true`);
    /// extxyz frames always carry forces.
    public var forces: Bool = false
    /// Trajectory and dump: store each atom's potential energy (eV in metal) — an extxyz
    /// `energies` column (ASE's name), a dump `c_pe` column (`per_atom_energy = true`).
    public var atomEnergies: Bool = false
    /// Dump only: write each atom's virial as LAMMPS's `compute stress/atom NULL virial` columns
    /// `c_stress[1..6]` (bar·Å³ in metal; `per_atom_virial = true`).
    public var atomVirials: Bool = false

    /// The per-atom quantities a frame of this output carries (``ReportNeeds``).
    var perAtomNeeds: ReportNeeds {
        var n: ReportNeeds = []
        if atomEnergies { n.insert(.atomEnergies) }
        if atomVirials { n.insert(.atomVirials) }
        return n
    }

    /// Whether the file is an AMBER NetCDF trajectory (extension `.nc`); otherwise extxyz.
    public var isNetCDF: Bool { file?.pathExtension.lowercased() == "nc" }
}

/// A parsed run deck: every table turned into values and objects, paths resolved against the
/// deck's folder, every value checked.
public struct RunDeck: @unchecked Sendable {
    /// The deck file.
    public var url: URL
    /// Unit style of everything in the deck.
    public var units: UnitStyle
    /// Seed of the initial velocities and of the stochastic thermostats.
    public var seed: UInt64
    /// `[system]`.
    public var system: SystemSpec
    /// The potential `[potential]` describes (energy eV/ε, forces, virial).
    public var potential: any Potential
    /// Type names the potential expects, in type order (EAM elements), when it cares.
    public var potentialTypeNames: [String]?
    /// `[neighbors]`.
    public var neighbors: NeighborSpec
    /// `[minimize]`, when present.
    public var minimize: FIRE?
    /// The `[[run]]` stages in order.
    public var stages: [StageSpec]
    /// Thermo rows (stdout always, CSV when `file` is set).
    public var thermo: OutputSpec
    /// Thermo columns after the agreed ones: the deck's `extra` list, with `volume` first whenever
    /// a stage has a barostat.
    public var thermoColumns: [ThermoColumn] = []
    /// Where warnings about what the deck builds or starts from go (the CLI prints them).
    public var warn: @Sendable (String) -> Void = { _ in }
    /// Trajectory frames (AMBER NetCDF for `.nc`, extxyz otherwise), when asked for.
    public var trajectory: OutputSpec?
    /// The LAMMPS dump (`[output] dump = { file = "….lammpstrj", every, velocities, forces,
    /// per_atom_energy }`).
    public var dump: OutputSpec?
    /// The committee's model deviation (`[output] model_devi = { file, every }`).
    public var modelDevi: OutputSpec?
    /// Checkpoints, when asked for.
    public var checkpoint: OutputSpec?
    /// `[output] walltime = "HH:MM:SS"`: the run stops cleanly (checkpoint, flushed outputs) before
    /// this much wall time has passed, as a batch queue's limit needs (seconds).
    public var walltime: Double?

    /// Deck lines of keys whose problems show up only later (a structure file's contents).
    var keyLines: [String: Int] = [:]

    /// Total steps over all stages.
    public var totalSteps: Int { stages.reduce(0) { $0 + $1.steps } }

    /// Reads and checks the deck at `url`; `warn` receives warnings from what the deck builds
    /// (e.g. a deep potential's sel overflows), one line each.
    ///
    /// - Throws: `DeckError` naming the file, the key, its line and what was expected vs found.
    public init(contentsOf url: URL, warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        try self.init(contentsOf: url, warn: warn, potentialKinds: PotentialKinds.registered)
    }

    /// As the public reader, with the potential kinds the deck may name.
    init(contentsOf url: URL, warn: @escaping @Sendable (String) -> Void = { _ in },
         potentialKinds: [any PotentialKind.Type]) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DeckError(.missingFile, file: url.path, key: "", expected: "a readable TOML run deck", found: "no such file or unreadable")
        }
        try self.init(parsing: text, url: url, warn: warn, potentialKinds: potentialKinds)
    }

    /// Parses deck `text` as if read from `url` (paths are relative to `url`'s folder).
    ///
    /// - Throws: `DeckError`.
    public init(parsing text: String, url: URL, warn: @escaping @Sendable (String) -> Void = { _ in }) throws {
        try self.init(parsing: text, url: url, warn: warn, potentialKinds: PotentialKinds.registered)
    }

    /// As the public parser, with the potential kinds the deck may name.
    init(parsing text: String, url: URL, warn: @escaping @Sendable (String) -> Void,
         potentialKinds: [any PotentialKind.Type]) throws {
        self.url = url
        var context = DeckContext(file: url.path, directory: url.deletingLastPathComponent(), text: DeckText(text))
        context.warn = warn
        self.warn = warn
        let top = try DeckTable.top(parsing: text, context: context)

        units = UnitStyle(rawValue: try top.choice("units", ["metal", "lj"]) ?? "metal")!
        let seedInt = try top.int("seed", "random seed", minimum: 0) ?? 12345
        seed = UInt64(seedInt)

        // [system]
        guard let sys = try top.table("system") else {
            throw top.error(.missingKey, "system", expected: "a [system] table (file = … or lattice = …)", found: "nothing")
        }
        let file = try sys.string("file", "structure file relative to the deck")
        let frame = try sys.int("frame", "0-based frame", minimum: 0) ?? 0
        let latticeName = try sys.choice("lattice", Lattice.allCases.map(\.rawValue))
        let a = try sys.positive("a", "lattice constant (\(units.names.length))")
        let density = try sys.positive("density", "number density (atoms/\(units.names.length)³)")
        let cells = try sys.ints("cells", count: 3, "conventional cells along x, y, z", minimum: 1)
        if let c = cells, Double(c[0]) * Double(c[1]) * Double(c[2]) > 25_000_000 {
            throw sys.error(.nonPhysical, "cells", expected: "at most 2.5·10⁷ cells (10⁸ atoms) in all", found: "\(c)")
        }
        let element = try sys.string("element", "element symbol or type name")
        let mass = try sys.positive("mass", "mass (\(units == .metal ? "amu" : "m"))")
        var temperature = try sys.positive("temperature", "initial temperature (\(units.names.temperature))", allowZero: true)
        // The initial temperature may also stand at the top level of the deck (not both).
        if let t = try top.positive("temperature", "initial temperature (\(units.names.temperature))", allowZero: true) {
            if temperature != nil {
                throw top.error(.unknownKey, "temperature", expected: "the initial temperature once: at the top level or in [system], not both", found: "both")
            }
            temperature = t
        }
        if let element, mass == nil, units == .metal, Element(symbol: element) == nil {
            throw sys.error(.nonPhysical, "element", expected: "a chemical symbol such as Cu (or give mass =)", found: "\"\(element)\"")
        }
        let source: StructureSource
        if let file {
            if latticeName != nil {
                throw sys.error(.unknownKey, "lattice", expected: "either file = … or lattice = …, not both", found: "both")
            }
            let fileURL = URL(fileURLWithPath: file, relativeTo: context.directory).standardizedFileURL
            guard FileManager.default.fileExists(atPath: fileURL.path) else {
                throw sys.error(.missingFile, "file", expected: "an existing structure file (relative to \(context.directory.path))", found: "no file at \(fileURL.path)")
            }
            source = .file(fileURL, frame: frame)
        } else if let latticeName {
            let lattice = Lattice(rawValue: latticeName)!
            guard let cells else {
                throw sys.error(.missingKey, "cells", expected: "cells = [nx, ny, nz]", found: "nothing")
            }
            let constant: Double
            switch (a, density) {
            case let (a?, nil): constant = a
            case let (nil, rho?): constant = lattice.latticeConstant(density: rho)
            case (nil, nil): throw sys.error(.missingKey, "a", expected: "a = lattice constant or density = number density", found: "neither")
            default: throw sys.error(.unknownKey, "density", expected: "either a = … or density = …, not both", found: "both")
            }
            source = .lattice(lattice, a: constant, cells: cells)
        } else {
            throw sys.error(.missingKey, "lattice", expected: "file = \"structure\" or lattice = \"fcc\"|\"bcc\"|\"sc\"|\"diamond\"", found: "neither")
        }
        try sys.finish()
        keyLines["system.file"] = sys.line("file")
        keyLines["system.frame"] = sys.line("frame") ?? sys.line("file")
        system = SystemSpec(source: source, element: element, mass: mass, temperature: temperature)

        // [potential]
        guard let pot = try top.table("potential") else {
            throw top.error(.missingKey, "potential", expected: "a [potential] table with kind = \(PotentialKinds.choices(potentialKinds))", found: "nothing")
        }
        (potential, potentialTypeNames) = try PotentialKinds.read(pot, units: units, context: context, kinds: potentialKinds)
        try pot.finish()

        // [neighbors]
        if let nb = try top.table("neighbors") {
            neighbors = NeighborSpec(
                skin: try nb.positive("skin", "skin (\(units.names.length))", allowZero: true) ?? units.defaultSkin,
                every: try nb.int("every", "steps between rebuild checks", minimum: 1) ?? 1,
                delay: try nb.int("delay", "steps before a rebuild may happen", minimum: 0) ?? 0,
                check: try nb.bool("check", "rebuild only when an atom moved more than skin/2") ?? true)
            try nb.finish()
        } else {
            neighbors = NeighborSpec(skin: units.defaultSkin, every: 1, delay: 0, check: true)
        }

        // [minimize]
        if let mn = try top.table("minimize") {
            let ftol = try mn.positive("ftol", "force tolerance (max |F_i|, \(units.names.energy)/\(units.names.length))") ?? 1e-3
            let maxSteps = try mn.int("max_steps", "FIRE iterations", minimum: 0) ?? 1000
            let dt = try mn.positive("timestep", "FIRE initial timestep (\(units.names.time))")
            let maxStep = try mn.positive("max_step", "largest displacement per iteration (\(units.names.length))")
            let relax = try mn.choice("relax_cell", PressureCoupling.allCases.map(\.rawValue))
            let target = try mn.double("pressure", "target pressure of the cell relaxation (\(units.names.pressure))")
            if target != nil && relax == nil {
                throw mn.error(.unknownKey, "pressure", expected: "pressure only with relax_cell = \"iso\" | \"aniso\" | \"tri\"", found: "pressure without relax_cell")
            }
            try mn.finish()
            var fire = try FIRE(forceTolerance: ftol, maxSteps: maxSteps, timestep: dt, maxStep: maxStep, units: units)
            fire.cellRelaxation = relax.map { CellRelaxation(coupling: PressureCoupling(rawValue: $0)!, pressure: target ?? 0) }
            minimize = fire
        } else {
            minimize = nil
        }

        // [[run]]
        guard let runs = try top.tables("run"), !runs.isEmpty else {
            throw top.error(.missingKey, "run", expected: "one or more [[run]] stages", found: "none")
        }
        var stages = [StageSpec]()
        for r in runs {
            let kind = StageSpec.Kind(rawValue: try r.choice("integrator", StageSpec.Kind.allCases.map(\.rawValue)) ?? "verlet")!
            let dt = try r.positive("timestep", "timestep (\(units.names.time))") ?? units.defaultTimestep
            guard let steps = try r.int("steps", "number of steps", minimum: 0) else {
                throw r.error(.missingKey, "steps", expected: "steps = number of steps", found: "nothing")
            }
            let t = try r.positive("temperature", "target temperature (\(units.names.temperature))", allowZero: true)
            let damping = try r.positive("damping", "relaxation time (\(units.names.time))")
            let tau = try r.positive("tau", "relaxation time (\(units.names.time))")
            let chain = try r.int("chain", "Nosé–Hoover chain length", minimum: 1) ?? 3
            if damping != nil && tau != nil {
                throw r.error(.unknownKey, "tau", expected: "either damping = … or tau = … (the same relaxation time), not both", found: "both")
            }
            if kind != .verlet {
                guard t != nil else {
                    throw r.error(.missingKey, "temperature", expected: "a target temperature for integrator \"\(kind.rawValue)\"", found: "nothing")
                }
                guard damping != nil || tau != nil else {
                    throw r.error(.missingKey, "damping", expected: "damping = (or tau =) relaxation time (\(units.names.time)) for \"\(kind.rawValue)\"", found: "nothing")
                }
                if kind == .noseHoover && t == 0 {
                    throw r.error(.nonPhysical, "temperature", expected: "a positive temperature for Nosé–Hoover", found: "0")
                }
            }
            var barostat: BarostatSpec? = nil
            if let b = try r.table("barostat") { barostat = try RunDeck.barostat(b, integrator: kind, units: units) }
            try r.finish()
            stages.append(StageSpec(kind: kind, timestep: dt, steps: steps, temperature: t, damping: damping ?? tau, chain: chain,
                                    barostat: barostat))
        }
        self.stages = stages

        // [output]
        var thermo = OutputSpec(file: nil, every: 100)
        var columns: [ThermoColumn] = []
        var trajectory: OutputSpec?, checkpoint: OutputSpec?, dump: OutputSpec?, modelDevi: OutputSpec?
        if let out = try top.table("output") {
            func stream(_ key: String, needsFile: Bool) throws -> OutputSpec? {
                guard let t = try out.table(key) else { return nil }
                let f = try t.string("file", "output file relative to the deck")
                let every = try t.int("every", "interval in steps", minimum: 1) ?? 100
                var velocities = false, forces = false
                if key == "thermo", let names = try t.strings("extra", "extra thermo columns") {
                    for name in names {
                        guard let c = ThermoColumn.named(name) else {
                            throw t.error(.nonPhysical, "extra", expected: "column names among \(ThermoColumn.allCases.map(\.csvName).joined(separator: ", "))", found: "\"\(name)\"")
                        }
                        if !columns.contains(c) { columns.append(c) }
                    }
                }
                var atomEnergies = false, atomVirials = false
                if key == "trajectory" {
                    velocities = try t.bool("velocities", "store velocities (a .nc variable, an extxyz 'vel' column)") ?? false
                    forces = try t.bool("forces", "store forces in a .nc trajectory (extxyz frames always carry them)") ?? false
                    atomEnergies = try t.bool("per_atom_energy", "store per-atom energies (an extxyz 'energies' column, a .nc 'atom_energies' variable)") ?? false
                }
                if key == "dump" {
                    velocities = try t.bool("velocities", "write vx vy vz") ?? true
                    forces = try t.bool("forces", "write fx fy fz") ?? true
                    atomEnergies = try t.bool("per_atom_energy", "write per-atom energies (c_pe)") ?? false
                    atomVirials = try t.bool("per_atom_virial", "write per-atom virials as c_stress[1..6] (LAMMPS compute stress/atom NULL virial)") ?? false
                }
                try t.finish()
                if needsFile && f == nil {
                    throw t.error(.missingKey, "file", expected: "file = \"…\"", found: "nothing")
                }
                return OutputSpec(file: f.map { URL(fileURLWithPath: $0, relativeTo: context.directory).standardizedFileURL }, every: every,
                                  velocities: velocities, forces: forces, atomEnergies: atomEnergies, atomVirials: atomVirials)
            }
            thermo = try stream("thermo", needsFile: false) ?? thermo
            trajectory = try stream("trajectory", needsFile: true)
            dump = try stream("dump", needsFile: true)
            modelDevi = try stream("model_devi", needsFile: true)
            if let d = dump?.file, !["lammpstrj", "dump"].contains(d.pathExtension.lowercased()) {
                throw out.error(.nonPhysical, "dump", expected: "a LAMMPS dump file ending in .lammpstrj or .dump", found: d.lastPathComponent)
            }
            checkpoint = try stream("checkpoint", needsFile: true)
            if let text = try out.string("walltime", "wall-time limit \"HH:MM:SS\"") {
                guard let seconds = Walltime.seconds(text) else {
                    throw out.error(.nonPhysical, "walltime", expected: "\"HH:MM:SS\" (e.g. \"11:55:00\")", found: "\"\(text)\"")
                }
                walltime = seconds
            }
            try out.finish()
        }
        self.thermo = thermo
        if stages.contains(where: { $0.barostat != nil }) && !columns.contains(.volume) { columns.insert(.volume, at: 0) }
        thermoColumns = columns
        self.trajectory = trajectory
        self.dump = dump
        self.modelDevi = modelDevi
        // Checked here, before any output file is opened (a reporter that failed later would
        // leave the earlier outputs truncated).
        if modelDevi != nil && !(potential is CommitteePotential) {
            throw DeckError(.missingKey, file: url.path, key: "output.model_devi",
                            expected: "a [potential] kind = \"deep\" with committee = [\"b.sdp\", …] (the models to compare)", found: "no committee")
        }
        self.checkpoint = checkpoint
        try top.finish()
    }
}

extension RunDeck {
    /// Reads a stage's `barostat = { … }` table.
    static func barostat(_ b: DeckTable, integrator: StageSpec.Kind, units: UnitStyle) throws -> BarostatSpec {
        let pressureUnit = units == .metal ? "bar" : "ε/σ³"
        guard let name = try b.choice("kind", BarostatSpec.Kind.allCases.map(\.rawValue)) else {
            throw b.error(.missingKey, "kind", expected: "kind = \"mttk\" | \"c-rescale\" | \"berendsen\"", found: "nothing")
        }
        let kind = BarostatSpec.Kind(rawValue: name)!
        guard let p = try b.double("pressure", "target pressure (\(pressureUnit))") else {
            throw b.error(.missingKey, "pressure", expected: "pressure = target pressure (\(pressureUnit))", found: "nothing")
        }
        guard let tau = try b.positive("tau", "barostat relaxation time (\(units.names.time))") else {
            throw b.error(.missingKey, "tau", expected: "tau = barostat relaxation time (\(units.names.time)), e.g. 1000 timesteps", found: "nothing")
        }
        let allowed: [String] = kind == .mttk ? ["iso", "aniso", "tri"] : ["iso", "aniso"]
        let coupling = PressureCoupling(rawValue: try b.choice("coupling", allowed) ?? "iso")!
        let beta = try b.positive("compressibility", "isothermal compressibility (1/\(pressureUnit))")
        switch kind {
        case .mttk:
            guard integrator == .noseHoover else {
                throw b.error(.nonPhysical, "kind", expected: "\"mttk\" with integrator = \"nose-hoover\" (its chains are part of the MTK equations); \"c-rescale\" works with every thermostat",
                              found: "integrator \"\(integrator.rawValue)\"")
            }
            if beta != nil {
                throw b.error(.unknownKey, "compressibility", expected: "no compressibility for mttk (its barostat mass comes from tau)", found: "compressibility")
            }
        case .cRescale, .berendsen:
            guard integrator != .verlet else {
                throw b.error(.nonPhysical, "kind", expected: "a thermostatted stage (langevin, csvr, nose-hoover, berendsen) under \"\(name)\"", found: "integrator \"verlet\"")
            }
            guard beta != nil else {
                let hint = units == .metal ? "e.g. 7.1e-7 for copper (B = 140 GPa), 4.5e-5 for water" : "e.g. 0.1 for the LJ liquid near the triple point"
                throw b.error(.missingKey, "compressibility", expected: "compressibility = β_T (1/\(pressureUnit)), \(hint); it sets only the relaxation speed", found: "nothing")
            }
        }
        try b.finish()
        return BarostatSpec(kind: kind, pressure: p, tau: tau, coupling: coupling, compressibility: beta)
    }
}
