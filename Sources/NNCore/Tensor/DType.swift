import CBLAS
import CVecMath

/// The element type a tensor stores: IEEE binary64 (`Double`) or binary32 (`Float`).
///
/// A tensor's dtype is chosen where it is made (``Tensor/cast(to:)``, ``Tensor/init(shape:floats:)``,
/// a layer's ``Layer/cast(to:)``) and kept by every operation on it. Operations on tensors of
/// both dtypes compute in float64 and give float64, as PyTorch promotes.
public enum DType: String, Sendable, CaseIterable, Codable {
    /// 64-bit floating point (the default).
    case float64
    /// 32-bit floating point: half the memory traffic, twice the SIMD lanes.
    case float32

    /// The dtype of an operation's result on inputs of these dtypes (float32 only if all are).
    @inlinable
    static func promoted(_ inputs: [Tensor]) -> DType {
        inputs.allSatisfy({ $0.dtype == .float32 }) && !inputs.isEmpty ? .float32 : .float64
    }
}

/// The element types a tensor can hold, with the BLAS and vector-math routines for each: the
/// one place NNCore (and the deep potential's fused path) chooses its element type.
public protocol TensorScalar: BinaryFloatingPoint, Sendable {
    /// The tensor dtype that stores this type.
    static var dtype: DType { get }
    /// C ← αAB + βC (`cblas_dgemm` or `cblas_sgemm`, row-major).
    static func gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int, _ alpha: Self,
                     _ a: UnsafePointer<Self>, _ lda: Int, _ b: UnsafePointer<Self>, _ ldb: Int, _ beta: Self,
                     _ c: UnsafeMutablePointer<Self>, _ ldc: Int)
    /// y = tanh(x) element-wise over n values (libmvec, AVX-512 or AVX2 chosen at run time); x and y may alias.
    static func tanh(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// y = exp(x) element-wise over n values (libmvec); x and y may alias.
    static func exp(_ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>, _ n: Int)
    /// The tensor's elements in this type (no copy when the dtype matches, else converted).
    static func elements(of tensor: Tensor) -> [Self]
    /// A tensor of this type's dtype holding `elements`.
    static func tensor(shape: [Int], _ elements: [Self]) -> Tensor
}

extension Double: TensorScalar {
    /// `.float64`.
    public static var dtype: DType { .float64 }
    /// `cblas_dgemm`, row-major.
    @inlinable @inline(__always)
    public static func gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int,
                            _ alpha: Double, _ a: UnsafePointer<Double>, _ lda: Int, _ b: UnsafePointer<Double>,
                            _ ldb: Int, _ beta: Double, _ c: UnsafeMutablePointer<Double>, _ ldc: Int) {
        cblas_dgemm(CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    /// `symmd_vtanh`.
    @inlinable @inline(__always)
    public static func tanh(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) { symmd_vtanh(x, y, n) }
    /// `symmd_vexp`.
    @inlinable @inline(__always)
    public static func exp(_ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>, _ n: Int) { symmd_vexp(x, y, n) }
    /// The float64 elements (converted from a float32 tensor).
    @inlinable public static func elements(of tensor: Tensor) -> [Double] { tensor.scalars }
    /// A float64 tensor.
    @inlinable public static func tensor(shape: [Int], _ elements: [Double]) -> Tensor {
        Tensor(shape: shape, scalars: elements)
    }
}

extension Float: TensorScalar {
    /// `.float32`.
    public static var dtype: DType { .float32 }
    /// `cblas_sgemm`, row-major.
    @inlinable @inline(__always)
    public static func gemm(_ transA: CBLAS_TRANSPOSE, _ transB: CBLAS_TRANSPOSE, _ m: Int, _ n: Int, _ k: Int,
                            _ alpha: Float, _ a: UnsafePointer<Float>, _ lda: Int, _ b: UnsafePointer<Float>,
                            _ ldb: Int, _ beta: Float, _ c: UnsafeMutablePointer<Float>, _ ldc: Int) {
        cblas_sgemm(CblasRowMajor, transA, transB, Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb),
                    beta, c, Int32(ldc))
    }
    /// `symmd_vtanhf`.
    @inlinable @inline(__always)
    public static func tanh(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { symmd_vtanhf(x, y, n) }
    /// `symmd_vexpf`.
    @inlinable @inline(__always)
    public static func exp(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) { symmd_vexpf(x, y, n) }
    /// The float32 elements (rounded from a float64 tensor).
    @inlinable public static func elements(of tensor: Tensor) -> [Float] { tensor.floats }
    /// A float32 tensor.
    @inlinable public static func tensor(shape: [Int], _ elements: [Float]) -> Tensor {
        Tensor(shape: shape, floats: elements)
    }
}
