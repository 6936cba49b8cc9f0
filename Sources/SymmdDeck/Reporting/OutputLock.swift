import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Exclusive advisory locks (`flock`) on a run's output files, taken before any of them is opened,
/// so a second run writing the same files is refused instead of interleaving with the first. The
/// lock of `thermo.csv` is the empty file `.thermo.csv.lock` beside it; the kernel releases it when
/// the process ends, however it ends, so a crashed run never leaves a stale lock.
final class OutputLock {
    private var descriptors: [Int32] = []

    /// Locks every file in `urls`.
    ///
    /// - Throws: `DeckError` naming `deckFile` and the output's key when another process (or
    ///   another run in this one) holds a lock, or the lock file cannot be created.
    init(_ outputs: [(url: URL, key: String)], deckFile: String) throws {
        for (url, key) in outputs {
            let dir = url.deletingLastPathComponent()
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let path = dir.appendingPathComponent(".\(url.lastPathComponent).lock").path
            let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else {
                release()
                throw DeckError(.badFile, file: deckFile, key: key, expected: "a writable output folder", found: "cannot create \(path): \(String(cString: strerror(errno)))")
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                release()
                throw DeckError(.badFile, file: deckFile, key: key, expected: "an output file no other run is writing",
                                found: "\(url.path) is being written by another symmd run (lock \(path)); wait for it, or point this run's outputs elsewhere")
            }
            descriptors.append(fd)
        }
    }

    /// Releases every lock (idempotent).
    func release() {
        for fd in descriptors { flock(fd, LOCK_UN); close(fd) }
        descriptors = []
    }

    deinit { release() }
}
