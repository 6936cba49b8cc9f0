import Atomistics
import CSymmdAPI
import NeuralPotentials

// The evaluation entries of include/symmd.h: explicit particles with the caller's neighbor list,
// and a cell with the library's own list.

/// `symmd_model_compute`: energy, forces and virials of explicit particles.
@_cdecl("symmd_model_compute")
public func symmdModelCompute(_ model: OpaquePointer?, _ particleCount: Int64, _ positions: UnsafePointer<Double>?,
                              _ types: UnsafePointer<Int32>?, _ contributing: UnsafePointer<Int32>?,
                              _ neighborFn: symmd_neighbor_fn?, _ context: UnsafeMutableRawPointer?,
                              _ outputs: UnsafeMutablePointer<symmd_outputs>?,
                              _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> symmd_status {
    let fail = MessageSink(entry: "symmd_model_compute", buffer: message, size: messageSize).fail
    guard let model else { return fail(SYMMD_ERROR_ARGUMENT, "model is NULL") }
    guard let neighborFn else { return fail(SYMMD_ERROR_ARGUMENT, "neighbor function is NULL") }
    guard particleCount >= 0, particleCount < Int64(Int32.max) else {
        return fail(SYMMD_ERROR_ARGUMENT, "particle count \(particleCount) out of range")
    }
    let n = Int(particleCount)
    guard n == 0 || (positions != nil && types != nil) else {
        return fail(SYMMD_ERROR_ARGUMENT, "positions and types must not be NULL")
    }
    let x = n == 0 ? [] : Array(UnsafeBufferPointer(start: positions, count: 3 * n))
    let ty = n == 0 ? [] : UnsafeBufferPointer(start: types, count: n).map { Int($0) }
    var flags: [Bool]? = nil
    if let contributing { flags = (0..<n).map { contributing[$0] != 0 } }
    // The caller's lists, copied once into CSR over the contributing particles.
    var offsets = [0]
    var list: [Int32] = []
    for p in 0..<n where flags?[p] ?? true {
        var count: Int64 = 0
        var entries: UnsafePointer<Int32>? = nil
        guard neighborFn(context, Int64(p), &count, &entries) == 0 else {
            return fail(SYMMD_ERROR_ARGUMENT, "the neighbor function failed for particle \(p)")
        }
        guard count >= 0, count <= Int64(n), count == 0 || entries != nil else {
            return fail(SYMMD_ERROR_ARGUMENT, "particle \(p): neighbor count \(count) (of \(n) particles) or list NULL")
        }
        if count > 0 { list.append(contentsOf: UnsafeBufferPointer(start: entries, count: Int(count))) }
        offsets.append(list.count)
    }
    return evaluate(ModelHandle.from(model), outputs: outputs, fail: fail) { m, perAtomVirial throws(NeuralPotentialError) in
        try m.evaluateParticles(positions: x, types: ty, contributing: flags, offsets: offsets, neighbors: list,
                                particleVirials: perAtomVirial)
    }
}

/// `symmd_model_compute_cell`: energy, forces and virials of a (partly) periodic cell.
@_cdecl("symmd_model_compute_cell")
public func symmdModelComputeCell(_ model: OpaquePointer?, _ particleCount: Int64, _ positions: UnsafePointer<Double>?,
                                  _ types: UnsafePointer<Int32>?, _ cell: UnsafePointer<Double>?,
                                  _ periodic: UnsafePointer<Int32>?, _ outputs: UnsafeMutablePointer<symmd_outputs>?,
                                  _ message: UnsafeMutablePointer<CChar>?, _ messageSize: Int) -> symmd_status {
    let fail = MessageSink(entry: "symmd_model_compute_cell", buffer: message, size: messageSize).fail
    guard let model else { return fail(SYMMD_ERROR_ARGUMENT, "model is NULL") }
    guard let cell else { return fail(SYMMD_ERROR_ARGUMENT, "cell is NULL") }
    guard particleCount > 0, particleCount < Int64(Int32.max), let positions, let types else {
        return fail(SYMMD_ERROR_ARGUMENT, "need at least one particle with positions and types (count \(particleCount))")
    }
    let n = Int(particleCount)
    let x = Array(UnsafeBufferPointer(start: positions, count: 3 * n))
    let ty = UnsafeBufferPointer(start: types, count: n).map { Int($0) }
    let vectors = Array(UnsafeBufferPointer(start: cell, count: 9))
    var pbc = [true, true, true]
    if let periodic { pbc = (0..<3).map { periodic[$0] != 0 } }
    return evaluate(ModelHandle.from(model), outputs: outputs, fail: fail) { m, perAtomVirial throws(NeuralPotentialError) in
        try m.evaluateCell(positions: x, types: ty, cell: vectors, periodic: pbc, particleVirials: perAtomVirial)
    }
}

/// Runs one evaluation under the handle's lock, counts sel overflows, checks the result is
/// finite and copies what `outputs` asks for.
private func evaluate(_ handle: ModelHandle, outputs: UnsafeMutablePointer<symmd_outputs>?,
                      fail: (symmd_status, String) -> symmd_status,
                      _ body: (DeepPotentialModel, Bool) throws(NeuralPotentialError) -> ParticleEvaluation) -> symmd_status {
    let o = outputs?.pointee ?? symmd_outputs()
    let result: ParticleEvaluation
    do {
        result = try handle.state.withLock { overflowCount throws(NeuralPotentialError) -> ParticleEvaluation in
            let r = try body(handle.model, o.particle_virial != nil)
            overflowCount += Int64(r.overflows.count)
            return r
        }
    } catch {
        if case .invalidInput = error { return fail(SYMMD_ERROR_ARGUMENT, error.description) }
        return fail(SYMMD_ERROR_EVALUATION, error.description)
    }
    guard result.energy.isFinite, result.forces.allSatisfy(\.isFinite) else {
        return fail(SYMMD_ERROR_EVALUATION, "the result is not finite (two particles at the same place?)")
    }
    func copy(_ values: [Double], to p: UnsafeMutablePointer<Double>?) {
        guard let p else { return }
        values.withUnsafeBufferPointer { if let b = $0.baseAddress { p.update(from: b, count: $0.count) } }
    }
    o.energy?.pointee = result.energy
    copy(result.particleEnergies, to: o.particle_energy)
    copy(result.forces, to: o.forces)
    copy(result.virial, to: o.virial)
    if let v = result.particleVirials { copy(v, to: o.particle_virial) }
    return SYMMD_OK
}
