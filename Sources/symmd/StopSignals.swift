import Foundation
import Synchronization

/// SIGINT (Ctrl-C) and SIGTERM (a batch scheduler) as a clean-stop request for `run` and `fit`: the
/// loop finishes the step under way, writes a checkpoint and flushes its outputs; the command then
/// exits with 128 + the signal (130, 143).
enum StopSignals {
    /// The signal that asked to stop (0: none yet).
    private static let received = Atomic<Int32>(0)

    /// Catches both signals (unblocking them: a parent may start us with them blocked, and the
    /// mask is inherited).
    static func install() {
        signal(SIGINT) { s in StopSignals.received.store(s, ordering: .relaxed) }
        signal(SIGTERM) { s in StopSignals.received.store(s, ordering: .relaxed) }
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &set, nil)
    }

    /// Restores the default actions.
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// The signal received, 0 when none.
    static var number: Int32 { received.load(ordering: .relaxed) }

    /// "SIGINT" or "SIGTERM".
    static var name: String { number == SIGTERM ? "SIGTERM" : "SIGINT" }
}
