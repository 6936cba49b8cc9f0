import CSymmdAPI
import Foundation
import NeuralPotentials
import Synchronization

/// What a `symmd_model *` points to: a loaded model, its type names as C strings (owned, freed
/// with the handle), a lock that serializes evaluations, and the sel-overflow count. Unchecked
/// Sendable: the C strings are written once in `init` and only read afterwards.
final class ModelHandle: @unchecked Sendable {
    /// The model (immutable after loading).
    let model: DeepPotentialModel
    /// NUL-terminated element names of the type map, owned by the handle.
    let typeNames: [UnsafeMutablePointer<CChar>]
    /// Serializes evaluations on this handle and counts sel overflows.
    let state = Mutex<Int64>(0)

    /// A handle over `model`.
    init(model: DeepPotentialModel) {
        self.model = model
        typeNames = model.spec.typeMap.map { strdup($0)! }
    }

    deinit { for p in typeNames { free(p) } }

    /// The handle behind an opaque pointer from C.
    static func from(_ p: OpaquePointer) -> ModelHandle {
        Unmanaged<ModelHandle>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
}

/// Writes `text` NUL-terminated into a caller's buffer of `size` bytes (truncated to fit;
/// nothing when the buffer is NULL or empty).
func writeMessage(_ text: String, to buffer: UnsafeMutablePointer<CChar>?, size: Int) {
    guard let buffer, size > 0 else { return }
    let bytes = Array(text.utf8.prefix(size - 1))
    for (k, b) in bytes.enumerated() { buffer[k] = CChar(bitPattern: b) }
    buffer[bytes.count] = 0
}

/// Where an entry's failure messages go: the caller's buffer, prefixed with the entry's name.
struct MessageSink {
    /// The C entry's name (e.g. `symmd_model_compute`).
    let entry: String
    /// The caller's message buffer (may be NULL).
    let buffer: UnsafeMutablePointer<CChar>?
    /// Its size in bytes.
    let size: Int

    /// Writes "entry: text" and returns `status`.
    func fail(_ status: symmd_status, _ text: String) -> symmd_status {
        writeMessage("\(entry): \(text)", to: buffer, size: size)
        return status
    }
}
