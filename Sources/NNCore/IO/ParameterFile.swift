import Foundation

/// What can go wrong reading a parameter file; each case names the file.
public enum ParameterFileError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read or written.
    case io(path: String, reason: String)
    /// The first bytes are not the symmd parameter-file magic.
    case notAParameterFile(path: String)
    /// A format version this build does not read.
    case unsupportedVersion(path: String, found: UInt32, supported: UInt32)
    /// The file ends before the header says it should.
    case truncated(path: String, expectedBytes: Int, foundBytes: Int)
    /// The stored checksum does not match the contents.
    case checksumMismatch(path: String)
    /// The JSON header is not what the format says.
    case malformedHeader(path: String, reason: String)
    /// A parameter the model needs is not in the file.
    case missingParameter(path: String, name: String)
    /// A parameter in the file has another shape than the model's.
    case shapeMismatch(path: String, name: String, expected: [Int], found: [Int])

    /// A one-line message naming the file and what was expected and found.
    public var description: String {
        switch self {
        case .io(let p, let r): "\(p): \(r)"
        case .notAParameterFile(let p): "\(p): not a symmd parameter file (bad magic bytes)"
        case .unsupportedVersion(let p, let f, let s): "\(p): format version \(f), this build reads version \(s)"
        case .truncated(let p, let e, let f): "\(p): truncated: expected \(e) bytes, found \(f)"
        case .checksumMismatch(let p): "\(p): checksum mismatch: the file is corrupted"
        case .malformedHeader(let p, let r): "\(p): malformed header: \(r)"
        case .missingParameter(let p, let n): "\(p): parameter '\(n)' is missing"
        case .shapeMismatch(let p, let n, let e, let f): "\(p): parameter '\(n)' has shape \(f), expected \(e)"
        }
    }
}

/// A self-describing binary file of named tensors plus string metadata.
///
/// Layout (little-endian): magic `SYMMDNN1` (8 bytes), format version UInt32, header length
/// UInt64, the JSON header (`metadata`, and per tensor `name`, `shape`, `offset`), the tensor
/// payload as IEEE-754 float64, then an FNV-1a 64-bit checksum of everything before it. Values
/// round-trip bit for bit.
public struct ParameterFile: Equatable {
    /// Free-form string metadata (architecture, units, type map, …).
    public var metadata: [String: String]
    /// The tensors, in order.
    public var tensors: [(name: String, tensor: Tensor)]

    /// The format version written by this build.
    public static let formatVersion: UInt32 = 1
    static let magic = Array("SYMMDNN1".utf8)

    /// A file's contents.
    public init(metadata: [String: String] = [:], tensors: [(name: String, tensor: Tensor)]) {
        self.metadata = metadata
        self.tensors = tensors
    }

    /// The parameters of a layer, under their reflected names.
    public init(layer: some Layer, metadata: [String: String] = [:]) {
        self.init(metadata: metadata, tensors: layer.namedParameters.map { ($0.name, $0.parameter.value.detached()) })
    }

    /// Equality of metadata, names, shapes and bits.
    public static func == (a: ParameterFile, b: ParameterFile) -> Bool {
        a.metadata == b.metadata && a.tensors.count == b.tensors.count
            && zip(a.tensors, b.tensors).allSatisfy {
                $0.name == $1.name && $0.tensor.shape == $1.tensor.shape
                    && zip($0.tensor.scalars, $1.tensor.scalars).allSatisfy { $0.bitPattern == $1.bitPattern }
            }
    }

    private struct Header: Codable {
        struct Entry: Codable {
            var name: String
            var shape: [Int]
            var offset: Int
        }
        var metadata: [String: String]
        var tensors: [Entry]
    }

    /// The file's bytes.
    public func encoded() -> [UInt8] {
        var entries: [Header.Entry] = []
        var offset = 0
        for (name, t) in tensors {
            entries.append(.init(name: name, shape: t.shape, offset: offset))
            offset += t.count
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = (try? encoder.encode(Header(metadata: metadata, tensors: entries))) ?? Data("{}".utf8)
        var bytes = Self.magic
        appendLE(&bytes, Self.formatVersion)
        appendLE(&bytes, UInt64(header.count))
        bytes.append(contentsOf: header)
        bytes.reserveCapacity(bytes.count + 8 * offset + 8)
        for (_, t) in tensors {
            for v in t.scalars { appendLE(&bytes, v.bitPattern) }
        }
        appendLE(&bytes, fnv1a64(bytes[...]))
        return bytes
    }

    /// Writes the file atomically (a temporary file renamed into place).
    public func write(to path: String) throws(ParameterFileError) {
        do {
            try Data(encoded()).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .io(path: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads and verifies a file.
    public static func read(from path: String) throws(ParameterFileError) -> ParameterFile {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .io(path: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try decode([UInt8](data), path: path)
    }

    /// Parses and verifies a file's bytes; `path` is used in error messages.
    public static func decode(_ bytes: [UInt8], path: String = "<memory>") throws(ParameterFileError) -> ParameterFile {
        guard bytes.count >= 8, Array(bytes[0..<8]) == magic else { throw .notAParameterFile(path: path) }
        guard bytes.count >= 20 else { throw .truncated(path: path, expectedBytes: 20, foundBytes: bytes.count) }
        let version = UInt32(readLE(bytes, at: 8, size: 4))
        guard version == formatVersion else {
            throw .unsupportedVersion(path: path, found: version, supported: formatVersion)
        }
        let headerLength = Int(clamping: readLE(bytes, at: 12, size: 8))
        guard headerLength <= bytes.count - 20 else {
            // saturate: a corrupted length field can be close to Int.max
            let needed = headerLength > Int.max - 28 ? Int.max : 20 + headerLength + 8
            throw .truncated(path: path, expectedBytes: needed, foundBytes: bytes.count)
        }
        let headerData = Data(bytes[20..<(20 + headerLength)])
        let header: Header
        do { header = try JSONDecoder().decode(Header.self, from: headerData) } catch {
            // a damaged header is reported as corruption when the checksum also fails
            if bytes.count >= 28, fnv1a64(bytes[0..<(bytes.count - 8)]) != readLE(bytes, at: bytes.count - 8, size: 8) {
                throw .checksumMismatch(path: path)
            }
            throw .malformedHeader(path: path, reason: "header is not valid JSON")
        }
        // element counts, checked: negative extents and overflowing products are malformed, not traps
        var total = 0
        for e in header.tensors {
            var n = 1, overflow = !e.shape.allSatisfy { $0 >= 0 }
            for d in e.shape where !overflow { (n, overflow) = n.multipliedReportingOverflow(by: d) }
            if !overflow { (total, overflow) = total.addingReportingOverflow(n) }
            guard !overflow else {
                throw .malformedHeader(path: path, reason: "tensor '\(e.name)' has impossible shape \(e.shape)")
            }
        }
        // headerLength ≤ bytes.count − 20, so only the payload term can overflow (saturate it)
        let expected = total > (Int.max - 28 - headerLength) / 8 ? Int.max : 20 + headerLength + 8 * total + 8
        guard bytes.count >= expected else {
            throw .truncated(path: path, expectedBytes: expected, foundBytes: bytes.count)
        }
        guard bytes.count == expected else {
            throw .malformedHeader(path: path, reason: "\(bytes.count - expected) unexpected trailing bytes")
        }
        guard fnv1a64(bytes[0..<(expected - 8)]) == readLE(bytes, at: expected - 8, size: 8) else {
            throw .checksumMismatch(path: path)
        }
        var tensors: [(name: String, tensor: Tensor)] = []
        let payload = 20 + headerLength
        for e in header.tensors {
            guard e.offset >= 0, e.offset <= total - e.shape.reduce(1, *) else {
                throw .malformedHeader(path: path, reason: "tensor '\(e.name)' has shape \(e.shape) at offset \(e.offset)")
            }
            let n = e.shape.reduce(1, *)
            let values = (0..<n).map { Double(bitPattern: readLE(bytes, at: payload + 8 * (e.offset + $0), size: 8)) }
            tensors.append((e.name, Tensor(shape: e.shape, scalars: values)))
        }
        return ParameterFile(metadata: header.metadata, tensors: tensors)
    }

    /// Copies the file's tensors into a layer's parameters, matching by name and shape.
    public func load(into layer: some Layer, path: String = "<memory>") throws(ParameterFileError) {
        let table = Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let named = layer.namedParameters
        for (name, p) in named {
            guard let t = table[name] else { throw .missingParameter(path: path, name: name) }
            guard t.shape == p.shape else {
                throw .shapeMismatch(path: path, name: name, expected: p.shape, found: t.shape)
            }
        }
        for (name, p) in named { p.value.scalars = table[name]!.scalars }
    }
}

private func appendLE<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ v: T) {
    var x = v.littleEndian
    withUnsafeBytes(of: &x) { bytes.append(contentsOf: $0) }
}

private func readLE(_ bytes: [UInt8], at offset: Int, size: Int) -> UInt64 {
    var v: UInt64 = 0
    for k in 0..<size { v |= UInt64(bytes[offset + k]) << (8 * UInt64(k)) }
    return v
}

/// The 64-bit FNV-1a hash of some bytes.
func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h &*= 0x0000_0100_0000_01b3
    }
    return h
}
