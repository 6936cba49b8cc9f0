import Foundation
import Testing
import TrajectoryIO

/// The bytes of an `.npy` file built by hand: magic, version, header length, the header dict
/// padded with spaces to a multiple of 64 and ended by a newline, then `payload`.
func npyBytes(descr: String, shape: String, fortran: Bool = false, version: UInt8 = 1, payload: [UInt8]) -> Data {
    var header = "{'descr': '\(descr)', 'fortran_order': \(fortran ? "True" : "False"), 'shape': \(shape), }"
    let prefix = version == 1 ? 10 : 12
    header += String(repeating: " ", count: (64 - (prefix + header.utf8.count + 1) % 64) % 64) + "\n"
    var bytes: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, version, 0]
    let n = header.utf8.count
    bytes += version == 1 ? [UInt8(n & 0xFF), UInt8(n >> 8)] : [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), 0, 0]
    return Data(bytes + Array(header.utf8) + payload)
}

/// Little-endian bytes of float64 values.
func f8(_ v: [Double]) -> [UInt8] { v.flatMap { x in withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) } } }
/// Little-endian bytes of float32 values.
func f4(_ v: [Float]) -> [UInt8] { v.flatMap { x in withUnsafeBytes(of: x.bitPattern.littleEndian) { Array($0) } } }

/// The `TrajectoryIOError` `body` throws (an issue is recorded when it throws none).
func npyError(_ body: () throws -> Void) -> TrajectoryIOError {
    do { try body() } catch let e as TrajectoryIOError { return e } catch { Issue.record("unexpected error \(error)") }
    Issue.record("expected a TrajectoryIOError")
    return TrajectoryIOError(file: "", line: 0, kind: .duplicate("no error thrown"))
}

@Suite("npy arrays")
struct NumpyArrayTests {
    @Test("float64 v1.0, C order, shape (2, 3)")
    func float64() throws {
        let v = [1.5, -2.25, 3e-300, 0.1, 7, -0.0]
        let a = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "(2, 3)", payload: f8(v)), file: "a.npy")
        #expect(a.dtype == .float64 && a.shape == [2, 3] && a.count == 6)
        #expect(a.values == v && a.integers == nil)
    }

    @Test("float32 v1.0 values widen exactly")
    func float32() throws {
        let v: [Float] = [0.1, -1e-7, 3.25, 1e30]
        let a = try NumpyArray(npy: npyBytes(descr: "<f4", shape: "(4,)", payload: f4(v)), file: "b.npy")
        #expect(a.dtype == .float32 && a.shape == [4])
        #expect(a.values == v.map(Double.init))
    }

    @Test("int32 and int64 type files")
    func integers() throws {
        let i4 = [Int32(0), 1, -5, 2].flatMap { x in withUnsafeBytes(of: x.littleEndian) { Array($0) } }
        let a = try NumpyArray(npy: npyBytes(descr: "<i4", shape: "(2, 2)", payload: i4), file: "t.npy")
        #expect(a.integers == [0, 1, -5, 2] && a.values == [0, 1, -5, 2] && a.shape == [2, 2])
        let i8 = [Int64.max, -3].flatMap { x in withUnsafeBytes(of: x.littleEndian) { Array($0) } }
        let b = try NumpyArray(npy: npyBytes(descr: "<i8", shape: "(2,)", payload: i8), file: "t.npy")
        #expect(b.integers == [Int.max, -3] && b.dtype == .int64)
    }

    @Test("v2.0 header, 0-d and empty arrays")
    func headers() throws {
        let a = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "(3,)", version: 2, payload: f8([1, 2, 3])), file: "v2.npy")
        #expect(a.values == [1, 2, 3] && a.shape == [3])
        let s = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "()", payload: f8([4.5])), file: "s.npy")
        #expect(s.shape == [] && s.values == [4.5])
        let e = try NumpyArray(npy: npyBytes(descr: "<f4", shape: "(0, 9)", payload: []), file: "e.npy")
        #expect(e.shape == [0, 9] && e.values.isEmpty)
    }

    @Test("written files match hand-made bytes and read back through a file")
    func writeRead() throws {
        let a = NumpyArray(dtype: .float64, shape: [2, 2], values: [1, 2, 3, 4.5])
        #expect(a.npyData() == npyBytes(descr: "<f8", shape: "(2, 2)", payload: f8([1, 2, 3, 4.5])))
        #expect(a.npyData().count % 64 == 32)  // header block 64 bytes, then 32 data bytes
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("symmd-npy-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        for dtype in NumpyArray.DType.allCases {
            let b = dtype.isInteger ? NumpyArray(dtype: dtype, shape: [3], integers: [1, -2, 3])
                                    : NumpyArray(dtype: dtype, shape: [1, 3], values: [0.5, -2, 1e3])
            try b.write(to: url)
            #expect(try NumpyArray.read(url) == b)
        }
    }

    @Test("errors name the file and the problem")
    func errors() throws {
        let good = f8([1, 2])
        let notNpy = npyError { _ = try NumpyArray(npy: Data("hello, world".utf8), file: "x.npy") }
        #expect("\(notNpy)" == "x.npy: expected an .npy file (starting with \\x93NUMPY), found other bytes")
        let big = npyError { _ = try NumpyArray(npy: npyBytes(descr: ">f8", shape: "(2,)", payload: good), file: "big.npy") }
        #expect(big.kind == .unsupported("npy dtype '>f8' (only '<f4', '<f8', '<i4', '<i8')"))
        let complex = npyError { _ = try NumpyArray(npy: npyBytes(descr: "<c16", shape: "(1,)", payload: good), file: "c.npy") }
        #expect("\(complex)" == "c.npy: not supported: npy dtype '<c16' (only '<f4', '<f8', '<i4', '<i8')")
        let fortran = npyError { _ = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "(1, 2)", fortran: true, payload: good), file: "f.npy") }
        #expect("\(fortran)".hasPrefix("f.npy: not supported: Fortran-order"))
        let short = npyError { _ = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "(3,)", payload: good), file: "short.npy") }
        #expect("\(short)" == "short.npy: the file ends too early: expected 24 data bytes for shape [3] of <f8, found 16")
        let cut = npyBytes(descr: "<f8", shape: "(2,)", payload: good).prefix(40)
        let header = npyError { _ = try NumpyArray(npy: cut, file: "h.npy") }
        #expect(header.file == "h.npy" && "\(header)".contains("header of 118 bytes"))
        let negative = npyError { _ = try NumpyArray(npy: npyBytes(descr: "<f8", shape: "(-1,)", payload: good), file: "n.npy") }
        #expect(negative.kind == .badNumber(expected: "a non-negative dimension in the npy shape", found: "-1"))
        let missing = npyError { _ = try NumpyArray.read(URL(fileURLWithPath: "/nonexistent/coord.npy")) }
        #expect(missing.file == "/nonexistent/coord.npy")
    }
}
