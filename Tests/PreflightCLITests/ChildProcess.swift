import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process run to its end, with what `wait4` says about it.
struct ChildRun {
    /// The exit code, when it exited.
    var exitCode: Int32?
    /// The signal that ended it, when one did.
    var signal: Int32?
    /// True when it ran past the time limit and was killed.
    var hung: Bool
    /// Its peak resident memory in MiB (`ru_maxrss`).
    var peakMiB: Int

    /// Runs `executable` with `arguments`, standard output and error into the file `output`,
    /// and kills it after `limit` seconds. Unlike `Process`, it reaps the child with `wait4`,
    /// so the child's own peak memory is known (a test's other children do not count).
    static func run(_ executable: URL, _ arguments: [String], output: URL, limit: TimeInterval)
        throws -> ChildRun
    {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(
            &actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, executable.path, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(spawned))
        }
        var status: Int32 = 0
        var usage = rusage()
        let started = Date()
        var hung = false
        while wait4(pid, &status, WNOHANG, &usage) == 0 {
            if Date().timeIntervalSince(started) > limit {
                hung = true
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                break
            }
            usleep(20_000)
        }
        // WIFEXITED / WTERMSIG are macros Swift does not import.
        let low = status & 0x7F
        return ChildRun(
            exitCode: low == 0 ? (status >> 8) & 0xFF : nil,
            signal: low != 0 && low != 0x7F ? low : nil, hung: hung,
            peakMiB: Int(usage.ru_maxrss) / 1024)
    }
}
