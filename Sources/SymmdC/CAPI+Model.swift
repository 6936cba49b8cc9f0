import Atomistics
import CSymmdAPI
import Foundation
import NNCore
import NeuralPotentials

// The model entries of include/symmd.h: version, threads, load/free and the model's metadata.

/// `symmd_version`: the library's version string (static storage).
@_cdecl("symmd_version")
public func symmdVersion() -> UnsafePointer<CChar> { versionCString }

nonisolated(unsafe) private let versionCString: UnsafePointer<CChar> = UnsafePointer(strdup(SymmdVersion.string)!)

/// `symmd_set_threads`: threads one evaluation uses (process-wide, ≥ 1).
@_cdecl("symmd_set_threads")
public func symmdSetThreads(_ threads: Int32) {
    AtomisticsParallel.threads = max(1, Int(threads))
}

/// `symmd_model_load`: loads a model file into a new handle, or returns an error with a message.
@_cdecl("symmd_model_load")
public func symmdModelLoad(_ path: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                           _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> symmd_status {
    guard let path, let out else {
        writeMessage("symmd_model_load: path and model must not be NULL", to: message, size: messageSize)
        return SYMMD_ERROR_ARGUMENT
    }
    out.pointee = nil
    configureProcessOnce()
    do {
        let model = try DeepPotentialModel.load(from: String(cString: path))
        let handle = ModelHandle(model: model)
        out.pointee = OpaquePointer(Unmanaged.passRetained(handle).toOpaque())
        return SYMMD_OK
    } catch {
        writeMessage(error.description, to: message, size: messageSize)
        return SYMMD_ERROR_MODEL_FILE
    }
}

/// `symmd_model_free`: releases a handle (NULL allowed).
@_cdecl("symmd_model_free")
public func symmdModelFree(_ model: OpaquePointer?) {
    guard let model else { return }
    Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(model)).release()
}

/// `symmd_model_cutoff`: r_c (Å).
@_cdecl("symmd_model_cutoff")
public func symmdModelCutoff(_ model: OpaquePointer?) -> Double {
    guard let model else { return 0 }
    return ModelHandle.from(model).model.spec.descriptor.rcut
}

/// `symmd_model_type_count`: species in the type map.
@_cdecl("symmd_model_type_count")
public func symmdModelTypeCount(_ model: OpaquePointer?) -> Int32 {
    guard let model else { return 0 }
    return Int32(ModelHandle.from(model).model.spec.typeCount)
}

/// `symmd_model_type_name`: element name of a type, or NULL out of range.
@_cdecl("symmd_model_type_name")
public func symmdModelTypeName(_ model: OpaquePointer?, _ type: Int32) -> UnsafePointer<CChar>? {
    guard let model else { return nil }
    let names = ModelHandle.from(model).typeNames
    guard type >= 0, Int(type) < names.count else { return nil }
    return UnsafePointer(names[Int(type)])
}

/// `symmd_model_type_index`: type of an element name, −1 when absent.
@_cdecl("symmd_model_type_index")
public func symmdModelTypeIndex(_ model: OpaquePointer?, _ element: UnsafePointer<CChar>?) -> Int32 {
    guard let model, let element else { return -1 }
    let name = String(cString: element)
    return Int32(ModelHandle.from(model).model.spec.typeMap.firstIndex(of: name) ?? -1)
}

/// `symmd_model_file_version`: the model file's format version.
@_cdecl("symmd_model_file_version")
public func symmdModelFileVersion(_ model: OpaquePointer?) -> Int32 {
    Int32(DeepPotentialModel.fileVersion)
}

/// `symmd_model_compress`: tabulated embedding nets with interval `stride` (normalised s).
@_cdecl("symmd_model_compress")
public func symmdModelCompress(_ model: OpaquePointer?, _ stride: Double,
                               _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> symmd_status {
    let fail = MessageSink(entry: "symmd_model_compress", buffer: message, size: messageSize).fail
    guard let model else { return fail(SYMMD_ERROR_ARGUMENT, "model is NULL") }
    guard stride.isFinite, stride > 0, stride <= 1 else {
        return fail(SYMMD_ERROR_ARGUMENT, "stride \(stride): expected a number in (0, 1], e.g. 0.01")
    }
    let handle = ModelHandle.from(model)
    handle.state.withLock { _ in handle.model.compress(stride: stride) }
    return SYMMD_OK
}

/// `symmd_model_set_precision`: "float64", "mixed" or "float32" for later evaluations.
@_cdecl("symmd_model_set_precision")
public func symmdModelSetPrecision(_ model: OpaquePointer?, _ precision: UnsafePointer<CChar>?,
                                   _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> symmd_status {
    let fail = MessageSink(entry: "symmd_model_set_precision", buffer: message, size: messageSize).fail
    guard let model else { return fail(SYMMD_ERROR_ARGUMENT, "model is NULL") }
    guard let precision else { return fail(SYMMD_ERROR_ARGUMENT, "precision is NULL") }
    let text = String(cString: precision)
    guard let p = NetworkPrecision(rawValue: text) else {
        return fail(SYMMD_ERROR_ARGUMENT, "precision '\(text)': expected \(NetworkPrecision.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: " or "))")
    }
    let handle = ModelHandle.from(model)
    handle.state.withLock { _ in handle.model.precision = p }
    return SYMMD_OK
}

/// `symmd_model_sel_overflow_count`: atoms whose neighbors exceeded sel, over all evaluations.
@_cdecl("symmd_model_sel_overflow_count")
public func symmdModelSelOverflowCount(_ model: OpaquePointer?) -> Int64 {
    guard let model else { return 0 }
    return ModelHandle.from(model).state.withLock { $0 }
}

/// BLAS on the calling thread (its own threads spin against the host's ranks) unless
/// OPENBLAS_NUM_THREADS says otherwise; once per process.
private func configureProcessOnce() { _ = processConfigured }

private let processConfigured: Bool = {
    if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil { Parallel.setBLASThreads(1) }
    if let t = ProcessInfo.processInfo.environment["SYMMD_THREADS"].flatMap(Int.init), t > 0 {
        AtomisticsParallel.threads = t
    }
    return true
}()
