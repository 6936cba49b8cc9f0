import Foundation
import NNCore
import SymmdTestSupport
import Testing

/// A fresh path in a fresh temporary directory (removed by `cleanup`).
private func temporaryPath(_ name: String = "params.symmdnn") -> (path: String, cleanup: () -> Void) {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-pf-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return (dir.appendingPathComponent(name).path, { try? FileManager.default.removeItem(at: dir) })
}

/// The error `decode` throws, or nil when it succeeds.
private func decodeError(_ bytes: [UInt8], path: String = "<memory>") -> ParameterFileError? {
    do {
        _ = try ParameterFile.decode(bytes, path: path)
        return nil
    } catch {
        return error
    }
}

/// The error `load(into:)` throws, or nil when it succeeds.
private func loadError(_ file: ParameterFile, into layer: some Layer, path: String = "<memory>") -> ParameterFileError? {
    do {
        try file.load(into: layer, path: path)
        return nil
    } catch {
        return error
    }
}

/// Byte offset where the payload starts (after magic, version, header length and header).
private func payloadStart(_ bytes: [UInt8]) -> Int {
    var h = 0
    for k in 0..<8 { h |= Int(bytes[12 + k]) << (8 * k) }
    return 20 + h
}

/// The 64-bit FNV-1a hash the format uses as its checksum (reimplemented to craft files).
private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h &*= 0x0000_0100_0000_01b3
    }
    return h
}

private func littleEndian<T: FixedWidthInteger>(_ v: T) -> [UInt8] {
    withUnsafeBytes(of: v.littleEndian) { Array($0) }
}

/// A file with the given JSON header and payload doubles and a correct checksum.
private func craftedFile(header: String, payload: [Double]) -> [UInt8] {
    let json = Array(header.utf8)
    var bytes = Array("SYMMDNN1".utf8) + littleEndian(UInt32(1)) + littleEndian(UInt64(json.count)) + json
    for v in payload { bytes += littleEndian(v.bitPattern) }
    return bytes + littleEndian(fnv1a(bytes))
}

private func makeMLP(seed: UInt64, widths: [Int] = [3, 8, 8, 1], timestep: Bool = true) -> MLP {
    var rng = RandomGenerator(seed: seed)
    return MLP(widths: widths, activation: .tanh, skip: true, timestep: timestep, using: &rng)
}

@Suite struct ParameterFileTests {
    let metadata = ["architecture": "mlp 3-8-8-1 tanh skip timestep", "units": "eV/Å", "type_map": "O H"]

    // MARK: Round trips

    @Test func mlpRoundTripThroughAFileIsBitIdentical() throws {
        let (path, cleanup) = temporaryPath()
        defer { cleanup() }
        let source = makeMLP(seed: 1)
        // make the biases nonzero so that they are really checked
        for p in source.parameters { p.value.scalars = p.value.scalars.map { $0 + 0.0123 } }
        let file = ParameterFile(layer: source, metadata: metadata)
        #expect(file.tensors.map(\.name) == source.namedParameters.map(\.name))
        try file.write(to: path)

        let read = try ParameterFile.read(from: path)
        #expect(read == file)
        #expect(read.metadata == metadata)
        #expect(read.tensors.map(\.name) == ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias",
                                             "layers.2.weight", "layers.2.bias", "timesteps.0", "timesteps.1"])

        let target = makeMLP(seed: 2)
        #expect(target.parameters[0].value.scalars != source.parameters[0].value.scalars)
        try read.load(into: target, path: path)
        for ((name, a), (_, b)) in zip(source.namedParameters, target.namedParameters) {
            #expect(a.shape == b.shape, "\(name)")
            #expect(a.value.scalars.map(\.bitPattern) == b.value.scalars.map(\.bitPattern), "\(name)")
            #expect(b.value.requiresGrad, "\(name) must stay trainable after loading")
        }
        // the loaded network computes the same function, bit for bit
        let x = randomTensor([5, 3], seed: 9)
        #expect(source(x).scalars.map(\.bitPattern) == target(x).scalars.map(\.bitPattern))
        // and it is still trainable: gradients reach the loaded parameters
        let g = grad(of: target(x).sum(), wrt: target.parameters[0].value)
        #expect(g.scalars.contains { $0 != 0 })
    }

    @Test func specialValuesRoundTripBitForBit() throws {
        let values: [Double] = [
            -0.0, 0.0, .infinity, -.infinity,
            .nan, -Double.nan,
            Double(nan: 0x1234, signaling: false), Double(nan: 0x5_5555, signaling: true),
            Double(bitPattern: 0x7FF0_0000_0000_0001),  // smallest-payload signalling NaN
            Double(bitPattern: 0xFFFF_FFFF_FFFF_FFFF),  // all-ones NaN
            .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude.nextDown,
            Double(bitPattern: 0x0008_0000_0000_0000),  // a mid subnormal
            .leastNormalMagnitude, .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
            .pi, 1.0 / 3.0, 1e-300, -1e300,
        ]
        let file = ParameterFile(metadata: ["note": "special values ∞ NaN -0", "": "empty key"], tensors: [
            ("special", Tensor(values)),
            ("matrix", Tensor(shape: [3, 7], scalars: values)),
            ("scalar", Tensor(-0.0)),
            ("empty", Tensor(shape: [0, 4], scalars: [])),
        ])
        let (path, cleanup) = temporaryPath()
        defer { cleanup() }
        try file.write(to: path)
        let read = try ParameterFile.read(from: path)
        #expect(read == file)
        #expect(read.metadata == file.metadata)
        #expect(read.tensors.map(\.name) == ["special", "matrix", "scalar", "empty"])
        #expect(read.tensors.map(\.tensor.shape) == [[21], [3, 7], [], [0, 4]])
        #expect(read.tensors[0].tensor.scalars.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(read.tensors[1].tensor.scalars.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(read.tensors[2].tensor.scalars[0].bitPattern == (-0.0).bitPattern)
        // in-memory round trip too
        #expect(try ParameterFile.decode(file.encoded()) == file)
    }

    @Test func equalityComparesBits() {
        let a = ParameterFile(tensors: [("x", Tensor([0.0]))])
        let b = ParameterFile(tensors: [("x", Tensor([-0.0]))])
        #expect(a != b)
        let n = ParameterFile(tensors: [("x", Tensor([.nan]))])
        #expect(n == n)
    }

    // MARK: Damaged files

    private func sampleBytes() -> [UInt8] {
        ParameterFile(layer: makeMLP(seed: 3, widths: [2, 4, 1]), metadata: metadata).encoded()
    }

    @Test func truncatedFilesThrowAtEveryLength() {
        let bytes = sampleBytes()
        let payload = payloadStart(bytes)
        #expect(payload > 20 && payload < bytes.count - 8)
        for cut in 0..<bytes.count {
            let error = decodeError(Array(bytes[0..<cut]), path: "cut.bin")
            if cut < 8 {
                // too short to even hold the magic bytes
                #expect(error == .notAParameterFile(path: "cut.bin"), "cut at \(cut): \(String(describing: error))")
            } else if case .truncated(let p, let expected, let found)? = error {
                #expect(p == "cut.bin")
                #expect(found == cut, "cut at \(cut)")
                #expect(expected > cut, "cut at \(cut): expected \(expected)")
                if cut >= payload { #expect(expected == bytes.count, "cut at \(cut): the header is intact") }
            } else {
                Issue.record("cut at \(cut) of \(bytes.count): \(String(describing: error)), expected .truncated")
            }
        }
    }

    @Test func truncatedFileOnDisk() throws {
        let (path, cleanup) = temporaryPath()
        defer { cleanup() }
        let bytes = sampleBytes()
        try Data(bytes.dropLast(100)).write(to: URL(fileURLWithPath: path))
        #expect(throws: ParameterFileError.truncated(path: path, expectedBytes: bytes.count, foundBytes: bytes.count - 100)) {
            try ParameterFile.read(from: path)
        }
        try Data().write(to: URL(fileURLWithPath: path))
        #expect(throws: ParameterFileError.self) { try ParameterFile.read(from: path) }
    }

    @Test func flippedPayloadByteIsAChecksumMismatch() {
        let bytes = sampleBytes()
        let payload = payloadStart(bytes)
        for k in payload..<bytes.count {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = bytes
                damaged[k] ^= mask
                let error = decodeError(damaged, path: "flip.bin")
                #expect(error == .checksumMismatch(path: "flip.bin"), "byte \(k) ^ \(mask): \(String(describing: error))")
            }
        }
    }

    @Test func anySingleByteFlipIsRejectedWithoutCrashing() {
        let bytes = sampleBytes()
        for k in 0..<bytes.count {
            for mask: UInt8 in [0x01, 0x04, 0x80, 0xFF] {
                var damaged = bytes
                damaged[k] ^= mask
                #expect(decodeError(damaged) != nil, "flipping byte \(k) by \(mask) went unnoticed")
            }
        }
    }

    @Test func badMagicIsNotAParameterFile() throws {
        var bytes = sampleBytes()
        bytes[0] = UInt8(ascii: "X")
        #expect(decodeError(bytes, path: "m.bin") == .notAParameterFile(path: "m.bin"))
        var last = sampleBytes()
        last[7] = UInt8(ascii: "2")  // "SYMMDNN2"
        #expect(decodeError(last) == .notAParameterFile(path: "<memory>"))

        let (path, cleanup) = temporaryPath("notes.txt")
        defer { cleanup() }
        try Data("just some text, long enough to be more than twenty bytes\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ParameterFileError.notAParameterFile(path: path)) { try ParameterFile.read(from: path) }
    }

    @Test func otherVersionIsUnsupported() {
        var bytes = sampleBytes()
        bytes[8] = 2
        #expect(decodeError(bytes) == .unsupportedVersion(path: "<memory>", found: 2, supported: ParameterFile.formatVersion))
    }

    @Test func trailingBytesAreRejected() {
        let bytes = sampleBytes() + [0]
        guard case .malformedHeader? = decodeError(bytes) else {
            Issue.record("expected .malformedHeader, got \(String(describing: decodeError(bytes)))")
            return
        }
    }

    @Test func craftedFileMatchesTheDocumentedLayout() throws {
        // The layout in ParameterFile's documentation, built by hand, decodes.
        let bytes = craftedFile(header: #"{"metadata":{"k":"v"},"tensors":[{"name":"a","offset":0,"shape":[2]},{"name":"b","offset":2,"shape":[1,1]}]}"#,
                                payload: [1.5, -2.5, 4])
        let file = try ParameterFile.decode(bytes)
        #expect(file.metadata == ["k": "v"])
        #expect(file.tensors.map(\.name) == ["a", "b"])
        #expect(file.tensors[0].tensor.scalars == [1.5, -2.5] && file.tensors[1].tensor.shape == [1, 1])
        #expect(file.tensors[1].tensor.scalars == [4])
        // and what this build writes is byte-identical to the hand-made layout
        let written = ParameterFile(metadata: ["k": "v"], tensors: [("a", Tensor([1.5, -2.5])), ("b", Tensor([[4.0]]))]).encoded()
        #expect(written == bytes)
    }

    @Test func hostileHeadersAreRejectedWithoutCrashing() {
        // Headers with a valid checksum but impossible contents must throw, not trap.
        let big = "4611686018427387904"  // 2^62
        let cases: [(String, [Double])] = [
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[\#(big),4]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[\#(big),-4]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[-1]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[-1,-1]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":-1,"shape":[1]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":9223372036854775807,"shape":[1]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":1,"shape":[1]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[1]},{"name":"v","offset":0,"shape":[\#(big),2]}]}"#, [1]),
            (#"{"metadata":{},"tensors":[{"name":"w","offset":0,"shape":[3037000500,3037000500]}]}"#, [1]),
            (#"{"metadata":{}}"#, []),
            (#"[1,2,3]"#, []),
        ]
        for (header, payload) in cases {
            let error = decodeError(craftedFile(header: header, payload: payload))
            #expect(error != nil, "accepted \(header)")
        }
        // a header length near 2^64 (a corrupted length field)
        for length in [UInt64.max, UInt64(Int.max), UInt64(Int.max) - 10, 1 << 62] {
            var bytes = sampleBytes()
            bytes.replaceSubrange(12..<20, with: littleEndian(length))
            guard case .truncated(_, let expected, let found)? = decodeError(bytes) else {
                Issue.record("header length \(length): \(String(describing: decodeError(bytes)))")
                continue
            }
            #expect(found == bytes.count && expected > found)
        }
    }

    // MARK: Loading into a model

    @Test func differentShapeIsAShapeMismatchNamingTheParameter() throws {
        let file = ParameterFile(layer: makeMLP(seed: 1, widths: [3, 8, 8, 1]))
        let other = makeMLP(seed: 2, widths: [3, 8, 9, 1])
        let before = other.parameters.map(\.value.scalars)
        let error = loadError(file, into: other, path: "model.bin")
        #expect(error == .shapeMismatch(path: "model.bin", name: "layers.1.weight", expected: [8, 9], found: [8, 8]))
        #expect(error.map(String.init(describing:))?.contains("layers.1.weight") == true)
        // nothing was half-loaded
        #expect(other.parameters.map(\.value.scalars) == before)

        let wider = makeMLP(seed: 2, widths: [4, 8, 8, 1])
        #expect(loadError(file, into: wider) == .shapeMismatch(path: "<memory>", name: "layers.0.weight",
                                                               expected: [4, 8], found: [3, 8]))
    }

    @Test func missingParameterIsReported() {
        let file = ParameterFile(layer: makeMLP(seed: 1, timestep: false))
        let withTimesteps = makeMLP(seed: 2, timestep: true)
        let before = withTimesteps.parameters.map(\.value.scalars)
        let error = loadError(file, into: withTimesteps, path: "model.bin")
        #expect(error == .missingParameter(path: "model.bin", name: "timesteps.0"))
        #expect(withTimesteps.parameters.map(\.value.scalars) == before)
        // extra tensors in the file are fine: a timestep file loads into a plain model
        let plain = makeMLP(seed: 4, timestep: false)
        #expect(loadError(ParameterFile(layer: withTimesteps), into: plain) == nil)
        #expect(plain.parameters[0].value.scalars == withTimesteps.parameters[0].value.scalars)
    }

    @Test func nonexistentPathIsAnIOError() {
        let path = "/nonexistent-symmd-dir/\(UUID().uuidString)/params.bin"
        #expect(throws: ParameterFileError.self) { try ParameterFile.read(from: path) }
        do {
            _ = try ParameterFile.read(from: path)
        } catch {
            guard case .io(let p, _) = error else { Issue.record("expected .io, got \(error)"); return }
            #expect(p == path)
            #expect(error.description.hasPrefix(path))
        }
        do {
            try ParameterFile(tensors: []).write(to: path)
            Issue.record("writing into a nonexistent directory succeeded")
        } catch {
            guard case .io(let p, _) = error else { Issue.record("expected .io, got \(error)"); return }
            #expect(p == path)
        }
    }
}
