import Foundation

/// An array read from (or to be written as) a NumPy `.npy` file: its shape and its values in C
/// (row-major) order.
///
/// Reads format versions 1.0, 2.0 and 3.0 with the little-endian dtypes `<f4`, `<f8`, `<i4`,
/// `<i8` (what NumPy writes on x86 and ARM); writes version 1.0.
public struct NumpyArray: Sendable, Equatable {
    /// The element type of an `.npy` file (its `descr`).
    public enum DType: String, Sendable, Equatable, CaseIterable {
        /// 32-bit IEEE float, little-endian.
        case float32 = "<f4"
        /// 64-bit IEEE float, little-endian.
        case float64 = "<f8"
        /// 32-bit signed integer, little-endian.
        case int32 = "<i4"
        /// 64-bit signed integer, little-endian.
        case int64 = "<i8"

        /// Bytes per element.
        public var size: Int {
            switch self {
            case .float32, .int32: 4
            case .float64, .int64: 8
            }
        }

        /// Whether the elements are integers.
        public var isInteger: Bool { self == .int32 || self == .int64 }
    }

    /// The element type (as read, or as it will be written).
    public var dtype: DType
    /// The dimensions (empty for a 0-d scalar array).
    public var shape: [Int]
    /// Every element as a Double, C order (64-bit integers beyond 2⁵³ are rounded).
    public var values: [Double]
    /// The elements exactly, C order, when the dtype is an integer type (nil for floats).
    public var integers: [Int]?

    /// Number of elements: the product of `shape`.
    public var count: Int { shape.reduce(1, *) }

    /// A float array (`.float32` or `.float64`) with `shape` and `values` in C order
    /// (`values.count` must be the product of `shape`; float32 rounds them when written).
    public init(dtype: DType = .float64, shape: [Int], values: [Double]) {
        self.dtype = dtype.isInteger ? .float64 : dtype
        self.shape = shape
        self.values = values
    }

    /// An integer array (`.int32` or `.int64`) with `shape` and `integers` in C order.
    public init(dtype: DType = .int64, shape: [Int], integers: [Int]) {
        self.dtype = dtype.isInteger ? dtype : .int64
        self.shape = shape
        self.integers = integers
        self.values = integers.map(Double.init)
    }

    /// Reads the `.npy` file at `url`.
    ///
    /// - Throws: `TrajectoryIOError` naming the file: unreadable, not an npy file, an
    ///   unsupported dtype or Fortran order, a malformed header, or too few data bytes.
    public static func read(_ url: URL) throws -> NumpyArray {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TrajectoryIOError(file: url.path, line: 0, kind: .unreadable(reason: error.localizedDescription))
        }
        return try NumpyArray(npy: data, file: url.path)
    }

    /// Parses the bytes of an `.npy` file; `file` names it in errors.
    ///
    /// - Throws: `TrajectoryIOError` as `read(_:)` does.
    public init(npy data: Data, file: String) throws {
        let bytes = [UInt8](data)
        func fail(_ kind: TrajectoryIOError.Kind) -> TrajectoryIOError { TrajectoryIOError(file: file, line: 0, kind: kind) }
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw fail(.unexpected(expected: "an .npy file (starting with \\x93NUMPY)",
                                   found: bytes.count < 10 ? "\(bytes.count) bytes" : "other bytes"))
        }
        let major = bytes[6]
        let headerStart: Int, headerLength: Int
        switch major {
        case 1:
            headerStart = 10
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
        case 2, 3:
            guard bytes.count >= 12 else { throw fail(.truncated(expected: "the 4-byte header length of npy v\(major).0")) }
            headerStart = 12
            headerLength = (0..<4).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        default:
            throw fail(.unsupported("npy format version \(major).\(bytes[7]) (1.0, 2.0 and 3.0 are read)"))
        }
        guard headerStart + headerLength <= bytes.count else {
            throw fail(.truncated(expected: "a header of \(headerLength) bytes, found \(bytes.count - headerStart)"))
        }
        guard let header = String(bytes: bytes[headerStart..<(headerStart + headerLength)], encoding: .utf8) else {
            throw fail(.unexpected(expected: "a text header", found: "bytes that are not text"))
        }
        let (dtype, fortran, shape) = try NumpyHeader.parse(header, file: file)
        guard !fortran else {
            throw fail(.unsupported("Fortran-order arrays (fortran_order: True); save them in C order"))
        }
        let count = shape.reduce(1, *)
        let offset = headerStart + headerLength
        let needed = count * dtype.size
        guard bytes.count - offset >= needed else {
            throw fail(.truncated(expected: "\(needed) data bytes for shape \(shape) of \(dtype.rawValue), found \(bytes.count - offset)"))
        }
        var values = [Double](repeating: 0, count: dtype.isInteger ? 0 : count)
        var integers = [Int](repeating: 0, count: dtype.isInteger ? count : 0)
        bytes.withUnsafeBytes { raw in
            for i in 0..<count {
                let at = offset + i * dtype.size
                switch dtype {
                case .float32: values[i] = Double(Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self))))
                case .float64: values[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt64.self)))
                case .int32: integers[i] = Int(Int32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int32.self)))
                case .int64: integers[i] = Int(Int64(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: Int64.self)))
                }
            }
        }
        if dtype.isInteger {
            self.init(dtype: dtype, shape: shape, integers: integers)
        } else {
            self.init(dtype: dtype, shape: shape, values: values)
        }
    }

    /// The array as the bytes of an `.npy` file (format 1.0, C order, header padded to 64 bytes).
    public func npyData() -> Data {
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(dtype.rawValue)', 'fortran_order': False, 'shape': \(shapeText), }"
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0]
        let length = header.utf8.count
        out += [UInt8(length & 0xFF), UInt8(length >> 8)]
        out += Array(header.utf8)
        out.reserveCapacity(out.count + values.count * dtype.size)
        switch dtype {
        case .float32: for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out += $0 } }
        case .float64: for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out += $0 } }
        case .int32: for i in integers ?? [] { withUnsafeBytes(of: Int32(clamping: i).littleEndian) { out += $0 } }
        case .int64: for i in integers ?? [] { withUnsafeBytes(of: Int64(i).littleEndian) { out += $0 } }
        }
        return Data(out)
    }

    /// Writes the array to `url` as an `.npy` file (replacing it).
    ///
    /// - Throws: `TrajectoryIOError` naming the file when it cannot be written.
    public func write(to url: URL) throws {
        do { try npyData().write(to: url) } catch {
            throw TrajectoryIOError(file: url.path, line: 0, kind: .unreadable(reason: error.localizedDescription))
        }
    }
}
