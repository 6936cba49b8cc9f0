import ArgumentParser
import Foundation
import SymmdBase
import SymmdMPI

/// The ranks a command runs on: MPI's when `mpirun.openmpi` (or `srun --mpi=pmix`) started symmd,
/// this process alone otherwise (MPI is then never initialised).
enum Ranks {
    /// Starts MPI if a launcher asked for it; a launch that cannot work (another MPI's `mpirun`)
    /// is an error that says which launcher to use.
    static func start() throws -> any ProcessGroup {
        do { return try MPIProcessGroup.launched() ?? SingleProcess.shared } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Like `userFacing`, for a command running on `group`: a failure on any rank prints that rank's
/// message (prefixed with the rank when there are several) and stops every rank (MPI_Abort) instead
/// of leaving the others waiting in a collective. Ranks other than 0 wait a moment first, so an
/// error every rank meets (a bad deck) is printed once, by rank 0.
func userFacing(on group: any ProcessGroup, _ body: () throws -> Void) throws {
    guard group.size > 1 else { return try userFacing(body) }
    do {
        try body()
    } catch let e as ExitCode {
        throw e
    } catch {
        if !group.isRoot { usleep(500_000) }
        printError("error (rank \(group.rank) of \(group.size)): \(error)")
        group.abort(code: 1)
    }
}
