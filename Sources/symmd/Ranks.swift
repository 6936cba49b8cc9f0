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

extension Ranks {
    /// For commands that do not split work over ranks (`run`): several ranks would be copies writing
    /// the same files, so that start is refused with what to use instead.
    static func refuseSeveral(_ command: String, instead: String) throws {
        let env = ProcessInfo.processInfo.environment
        if let n = (env["OMPI_COMM_WORLD_SIZE"] ?? env["PMI_SIZE"]).flatMap({ Int($0) }), n > 1 {
            throw ValidationError("symmd \(command) does not split its work over MPI ranks (started as \(n) ranks); \(instead)")
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
