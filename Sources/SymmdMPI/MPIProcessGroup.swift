import CMPI
import Foundation
import SymmdBase

/// Why MPI could not start the way the launcher asked.
public struct MPILaunchError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    public let description: String
}

/// The ranks of an `mpirun` job (OpenMPI, `MPI_COMM_WORLD`), started only when a launcher started
/// this process: without one, symmd never initialises MPI and runs as one process.
public final class MPIProcessGroup: ProcessGroup, @unchecked Sendable {
    /// This rank.
    public let rank: Int
    /// The number of ranks.
    public let size: Int
    private let comm = symmd_mpi_comm_world()
    /// The all-reduce's receive buffer, kept between calls (only the main thread calls MPI).
    private var incoming: [Double] = []

    private init(rank: Int, size: Int) {
        self.rank = rank
        self.size = size
    }

    /// The job's ranks when an OpenMPI launcher (`mpirun.openmpi`, `srun --mpi=pmix`) started this
    /// process, `nil` when none did. A job started by another MPI's launcher (MPICH's hydra sets
    /// `PMI_SIZE`) would run as N unconnected copies: that is an error naming the launcher to use;
    /// so is an MPI world whose size differs from what the launcher announced.
    public static func launched(environment env: [String: String] = ProcessInfo.processInfo.environment) throws(MPILaunchError)
        -> MPIProcessGroup? {
        let announced = env["OMPI_COMM_WORLD_SIZE"].flatMap { Int($0) }
        guard announced != nil || env["PMIX_RANK"] != nil else {
            if let pmi = env["PMI_SIZE"].flatMap({ Int($0) }), pmi > 1 {
                throw MPILaunchError(description: """
                    started by an MPI launcher that is not OpenMPI's (PMI_SIZE=\(pmi), MPICH's mpirun/hydra?): \
                    this symmd uses Debian's OpenMPI, so its \(pmi) copies would not see each other; start it with \
                    mpirun.openmpi -np \(pmi) (as root add --allow-run-as-root)
                    """)
            }
            return nil
        }
        var provided: Int32 = 0
        guard MPI_Init_thread(nil, nil, Int32(MPI_THREAD_FUNNELED), &provided) == symmd_mpi_success() else {
            throw MPILaunchError(description: "MPI_Init_thread failed (see OpenMPI's message above)")
        }
        var r: Int32 = 0, n: Int32 = 0
        MPI_Comm_rank(symmd_mpi_comm_world(), &r)
        MPI_Comm_size(symmd_mpi_comm_world(), &n)
        atexit { var done: Int32 = 0; MPI_Finalized(&done); if done == 0 { MPI_Finalize() } }
        if let announced, announced != Int(n) {
            throw MPILaunchError(description: """
                the launcher announced \(announced) ranks (OMPI_COMM_WORLD_SIZE) but MPI_COMM_WORLD has \(n): \
                the ranks do not see each other (a different MPI's mpirun?); use mpirun.openmpi
                """)
        }
        return MPIProcessGroup(rank: Int(r), size: Int(n))
    }

    /// A ring all-reduce over MPI_Sendrecv: the vector is cut into `size` chunks; in `size − 1`
    /// steps each rank adds the chunk arriving from its left neighbour to its own (reduce-scatter),
    /// so each chunk is summed once, in a fixed order, on one rank; `size − 1` more steps pass the
    /// finished chunks round (all-gather). Every rank ends with the same bits; each sends and
    /// receives 2(size − 1)/size of the vector.
    public func allReduceSum(_ values: inout [Double]) {
        let n = size
        guard n > 1 else { return }
        let count = values.count
        func chunk(_ c: Int) -> Range<Int> {
            let k = ((c % n) + n) % n
            return (count * k / n)..<(count * (k + 1) / n)
        }
        let right = Int32((rank + 1) % n), left = Int32((rank - 1 + n) % n)
        if incoming.count < count / n + 1 { incoming = [Double](repeating: 0, count: count / n + 1) }
        values.withUnsafeMutableBufferPointer { v in
            incoming.withUnsafeMutableBufferPointer { buf in
                for s in 0..<(n - 1) {
                    let out = chunk(rank - s), into = chunk(rank - s - 1)
                    MPI_Sendrecv(v.baseAddress! + out.lowerBound, Int32(out.count), symmd_mpi_double(), right, 17,
                                 buf.baseAddress!, Int32(into.count), symmd_mpi_double(), left, 17, comm, symmd_mpi_status_ignore())
                    for (j, i) in into.enumerated() { v[i] += buf[j] }
                }
                for s in 0..<(n - 1) {
                    let out = chunk(rank + 1 - s), into = chunk(rank - s)
                    MPI_Sendrecv(v.baseAddress! + out.lowerBound, Int32(out.count), symmd_mpi_double(), right, 18,
                                 v.baseAddress! + into.lowerBound, Int32(into.count), symmd_mpi_double(), left, 18,
                                 comm, symmd_mpi_status_ignore())
                }
            }
        }
    }

    /// MPI_Gather of the lengths, then MPI_Gatherv of the bytes to rank 0.
    public func gather(_ bytes: [UInt8]) -> [[UInt8]] {
        var mine = Int32(bytes.count)
        var counts = [Int32](repeating: 0, count: isRoot ? size : 1)
        MPI_Gather(&mine, 1, symmd_mpi_int(), &counts, 1, symmd_mpi_int(), 0, comm)
        var displacements = [Int32](repeating: 0, count: counts.count)
        for k in counts.indices.dropFirst() { displacements[k] = displacements[k - 1] + counts[k - 1] }
        let total = isRoot ? Int(counts.reduce(0, +)) : 0
        var all = [UInt8](repeating: 0, count: max(total, 1))
        bytes.withUnsafeBufferPointer { b in
            _ = MPI_Gatherv(b.baseAddress, mine, symmd_mpi_byte(), &all, &counts, &displacements, symmd_mpi_byte(), 0, comm)
        }
        guard isRoot else { return [] }
        return counts.indices.map { k in Array(all[Int(displacements[k])..<Int(displacements[k] + counts[k])]) }
    }

    /// MPI_Abort on `MPI_COMM_WORLD`: OpenMPI stops every rank.
    public func abort(code: Int32) -> Never {
        fflush(nil)
        MPI_Abort(comm, code)
        exit(code)
    }
}
