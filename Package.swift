// swift-tools-version:6.0
// symmd: molecular modeling with symmetry-preserving neural-network potentials.
import PackageDescription

let package = Package(
    name: "symmd",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "NNCore", targets: ["NNCore"]),
        .library(name: "Atomistics", targets: ["Atomistics"]),
        .library(name: "TrajectoryIO", targets: ["TrajectoryIO"]),
        .library(name: "Analysis", targets: ["Analysis"]),
        .library(name: "NeuralPotentials", targets: ["NeuralPotentials"]),
        // The C API (include: Sources/CSymmdAPI/include/symmd.h): libSymmdC.so for simulators
        // (the KIM model driver in kim/driver) and any C, C++ or Fortran caller.
        .library(name: "SymmdC", type: .dynamic, targets: ["SymmdC"]),
        .executable(name: "symmd", targets: ["symmd"]),
        .executable(name: "symmd-bench", targets: ["symmd-bench"]),
        .executable(name: "two-layer", targets: ["two-layer"]),
        .executable(name: "dying-relu", targets: ["dying-relu"]),
        .executable(name: "lenet-digits", targets: ["lenet-digits"]),
        .executable(name: "sequence-memory", targets: ["sequence-memory"]),
        .executable(name: "seq2seq", targets: ["seq2seq"]),
        .executable(name: "resnet-depth", targets: ["resnet-depth"]),
        .executable(name: "deep-sets", targets: ["deep-sets"]),
        .executable(name: "cu-eos", targets: ["cu-eos"]),
        .executable(name: "symmetry-effect", targets: ["symmetry-effect"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-numerics", from: "1.0.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries (Debian: libopenblas-dev, libnetcdf-dev, libfftw3-dev, libopenmpi-dev).
        .systemLibrary(name: "CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CNetCDF", pkgConfig: "netcdf",
                       providers: [.apt(["libnetcdf-dev"])]),
        .systemLibrary(name: "CFFTW", pkgConfig: "fftw3",
                       providers: [.apt(["libfftw3-dev"])]),
        // OpenMPI (Debian libopenmpi-dev), the MPI Debian's LAMMPS uses; only the `symmd`
        // executable links it (through SymmdMPI), so the libraries and libSymmdC.so never do.
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c",
                       providers: [.apt(["libopenmpi-dev"])]),
        // MPIProcessGroup: SymmdBase's ProcessGroup over MPI_COMM_WORLD (ring all-reduce, gather).
        .target(name: "SymmdMPI", dependencies: ["SymmdBase", "CMPI"]),
        // Vectorised elementary functions from glibc's libmvec, with a scalar fallback.
        .target(name: "CVecMath", linkerSettings: [.linkedLibrary("mvec"), .linkedLibrary("m")]),

        // The small base several modules share: the seeded generator, the parallel-for, the
        // unchecked-Sendable wrapper. Depends on nothing.
        .target(name: "SymmdBase"),
        .target(
            name: "NNCore",
            dependencies: [
                "SymmdBase", "CBLAS", "CVecMath",
                .product(name: "RealModule", package: "swift-numerics"),
            ],
            // Optimised in debug builds too: the kernels are generic over the element type, and
            // -Onone calls every element's arithmetic through a witness table (the tests and the
            // debug `symmd` that make test's interop and MPI checks train with ran 2× slower).
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        // Units, boxes, systems, neighbor lists, classical potentials, integrators. Depends only on
        // SymmdBase: never NNCore, NetCDF or TOML.
        .target(name: "Atomistics", dependencies: ["SymmdBase"]),
        // Run decks (TOML) → Atomistics objects, the stage driver, thermo/trajectory/checkpoint
        // observers; the `symmd` CLI is a thin shell over it, so tests call it directly.
        .target(
            name: "SymmdDeck",
            dependencies: [
                "Atomistics", "TrajectoryIO", "NeuralPotentials",
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]),
        .testTarget(name: "SymmdDeckTests", dependencies: ["SymmdDeck", "Atomistics", "TrajectoryIO", "NeuralPotentials", "NNCore"],
                    exclude: ["Fixtures"]),
        .executableTarget(
            name: "symmd",
            dependencies: [
                "NNCore", "SymmdDeck", "Atomistics", "TrajectoryIO", "Analysis", "NeuralPotentials", "SymmdMPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(
            name: "symmd-bench",
            dependencies: [
                "NNCore", "CBLAS", "Atomistics", "NeuralPotentials", "TrajectoryIO", "Analysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .executableTarget(name: "two-layer", dependencies: ["NNCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/two-layer"),
        .executableTarget(name: "dying-relu", dependencies: ["NNCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/dying-relu"),
        .executableTarget(name: "lenet-digits", dependencies: ["NNCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/lenet-digits",
                          exclude: ["data"]),
        .executableTarget(name: "sequence-memory", dependencies: ["NNCore", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/sequence-memory",
                          exclude: ["README.md"]),
        .executableTarget(name: "seq2seq", dependencies: ["NNCore", "CBLAS", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/seq2seq",
                          exclude: ["README.md"]),
        .executableTarget(name: "resnet-depth", dependencies: ["NNCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/resnet-depth"),
        .executableTarget(name: "deep-sets",
                          dependencies: ["NNCore", "NeuralPotentials", .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/deep-sets",
                          exclude: ["README.md"]),
        .executableTarget(name: "cu-eos", dependencies: ["NeuralPotentials", "Atomistics", "Analysis",
                                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/cu-eos"),
        .executableTarget(name: "symmetry-effect",
                          dependencies: ["NNCore", "NeuralPotentials", "SymmdDeck", "Atomistics", "Analysis",
                                         .product(name: "ArgumentParser", package: "swift-argument-parser")],
                          path: "examples/symmetry-effect", exclude: ["README.md", "symmetry-effect.svg"]),

        // Symmetry-preserving neural potentials (environments, DeepPot-SE descriptors, the deep
        // potential model with autodiff and fused paths, model files); implements `Potential`.
        .target(name: "NeuralPotentials", dependencies: ["NNCore", "Atomistics", "CBLAS", "CVecMath"]),
        .testTarget(name: "NeuralPotentialsTests",
                    dependencies: ["NeuralPotentials", "NNCore", "Atomistics", "SymmdTestSupport"]),
        // The C API: the header (and its types) in a C target, implemented by @_cdecl Swift.
        .target(name: "CSymmdAPI"),
        .target(name: "SymmdC", dependencies: ["CSymmdAPI", "NeuralPotentials", "Atomistics", "NNCore"]),
        .testTarget(name: "SymmdCTests", dependencies: ["SymmdC", "CSymmdAPI", "NeuralPotentials", "Atomistics"]),
        .target(name: "SymmdTestSupport", dependencies: ["NNCore", "Atomistics"]),
        // One conformance driver over every potential (LJ, Morse, EAM, the deep potential).
        .testTarget(name: "ConformanceTests", dependencies: ["SymmdTestSupport", "Atomistics", "NeuralPotentials", "NNCore"]),
        .testTarget(name: "NNCoreTests", dependencies: ["NNCore", "SymmdTestSupport"]),
        .testTarget(name: "AtomisticsTests", dependencies: ["Atomistics"],
                    exclude: ["Fixtures"]),
        // Structure and trajectory files (extxyz, LAMMPS data, AMBER NetCDF); depends on Atomistics and libnetcdf.
        .target(name: "TrajectoryIO", dependencies: ["Atomistics", "CNetCDF"]),
        // Trajectory analysis (g(r), MSD, VACF/VDOS via FFTW, block averages, SVG plots).
        .target(name: "Analysis", dependencies: ["Atomistics", "CFFTW"]),
        .testTarget(name: "AnalysisTests", dependencies: ["Analysis", "Atomistics"]),
        .testTarget(name: "TrajectoryIOTests", dependencies: ["TrajectoryIO", "Atomistics", "CNetCDF"],
                    exclude: ["Fixtures"]),
    ]
)
