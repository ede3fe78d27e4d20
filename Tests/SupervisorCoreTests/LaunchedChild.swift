import CSpawn
import Foundation
import Testing
@testable import SupervisorCore

/// A process started by a test through `AgentLauncher`: its pipes are read here, it is reaped
/// through its pidfd, and `cleanup()` kills its whole group and reaps it if the test did not.
///
/// The tests that launch are synchronous, so the thread that forks (which the child's
/// parent-death signal is tied to) stays alive for the whole test.
final class LaunchedChild {
    /// How the process ended.
    struct Exit: Equatable {
        var code: Int32
        var signal: Int32
    }

    let process: LaunchedProcess
    private(set) var exit: Exit?
    private var buffer = [UInt8](repeating: 0, count: 4096)
    private var closed = false

    init(_ process: LaunchedProcess) {
        self.process = process
    }

    var pid: Int32 { process.pid }

    /// Waits for the process to exit and reaps it; `group` > 0 also SIGKILLs that group first.
    @discardableResult
    func reap(group: Int32 = 0, timeout: TimeInterval = 20) -> Exit? {
        if let exit { return exit }
        waitUntil(timeout: timeout) {
            var code: Int32 = -1, signal: Int32 = -1, core: Int32 = 0
            let rc = cspawn_pidfd_reap(process.pidfd, group, &code, &signal, &core)
            if rc == 1 { exit = Exit(code: code, signal: signal) }
            return rc != 0
        }
        return exit
    }

    /// Whether the pidfd says the process has exited (without reaping it).
    func hasExited() -> Bool {
        var item = pollfd(fd: process.pidfd, events: Int16(POLLIN), revents: 0)
        return poll(&item, 1, 0) == 1
    }

    /// Everything written to `fd` until end of file (every writer gone) or the timeout.
    func readToEnd(_ fd: Int32, timeout: TimeInterval = 20) -> String {
        var bytes: [UInt8] = []
        waitUntil(timeout: timeout) {
            while true {
                guard let chunk = Descriptor.readAvailable(fd, into: &buffer) else { return true }
                if chunk.isEmpty { return false }
                bytes += chunk
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads `fd` until a whole line has arrived and returns it (without the newline).
    func readLine(_ fd: Int32, timeout: TimeInterval = 20) -> String? {
        var bytes: [UInt8] = []
        waitUntil(timeout: timeout) {
            // One byte at a time, so nothing after the line is consumed.
            var one = [UInt8](repeating: 0, count: 1)
            while true {
                guard let chunk = Descriptor.readAvailable(fd, into: &one) else { return true }
                guard let byte = chunk.first else { return false }
                if byte == UInt8(ascii: "\n") { return true }
                bytes.append(byte)
            }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// Kills the group if the process was not reaped, reaps it, and closes its descriptors.
    func cleanup() {
        guard !closed else { return }
        closed = true
        if exit == nil {
            // Not reaped yet, so the group id cannot have been reused.
            kill(-process.pid, SIGKILL)
            reap(group: process.pid)
        }
        close(process.pidfd)
        close(process.stdout)
        close(process.stderr)
    }
}
