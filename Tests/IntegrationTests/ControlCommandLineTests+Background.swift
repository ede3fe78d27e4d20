import Foundation
import Testing

extension ControlCommandLineTests {
    /// A verb that keeps running (`logs -f`, `events`): its standard output and error are read
    /// from one pipe as they arrive, and it is killed by `terminate()`.
    final class BackgroundCommand: @unchecked Sendable {
        let process: Process
        private let pipe = Pipe()
        private let lock = NSLock()
        private var received = Data()

        init(_ arguments: [String], in directory: URL) throws {
            let pipe = self.pipe
            process = try ControlCommandLineTests.launch {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: SupervisorHarness.supervisorPath)
                process.arguments = arguments
                process.currentDirectoryURL = directory
                process.standardInput = FileHandle.nullDevice
                process.standardOutput = pipe
                process.standardError = pipe
                return process
            }
            pipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
                let chunk = handle.availableData
                guard !chunk.isEmpty else {
                    handle.readabilityHandler = nil
                    return
                }
                self?.append(chunk)
            }
        }

        private func append(_ chunk: Data) {
            lock.lock()
            received.append(chunk)
            lock.unlock()
        }

        /// Everything read so far.
        var text: String {
            lock.lock()
            defer { lock.unlock() }
            return String(decoding: received, as: UTF8.self)
        }

        /// The complete lines read so far.
        var lines: [String] {
            let text = self.text
            guard let end = text.lastIndex(of: "\n") else { return [] }
            return text[..<end].split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }

        /// Waits until at least `count` complete lines have arrived.
        func waitForLines(_ count: Int, timeout: TimeInterval = 60) -> Bool {
            eventually(timeout: timeout) { lines.count >= count }
        }

        /// Waits for the command to end by itself, then for its last output to be read.
        func waitForExit(timeout: TimeInterval = 60) -> Bool {
            guard eventually(timeout: timeout, { !process.isRunning }) else { return false }
            process.waitUntilExit()
            // The pipe may still hold what was written just before the exit.
            _ = eventually(timeout: 5) { pipe.fileHandleForReading.readabilityHandler == nil }
            return true
        }

        /// Kills it. SIGKILL, because a child of the test process starts with SIGTERM and
        /// SIGINT blocked (the mask is inherited), and these verbs do not unblock them.
        func terminate() {
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
            pipe.fileHandleForReading.readabilityHandler = nil
        }
    }

    /// True when process `pid` has an established TCP connection to `port` on loopback: what
    /// a subscriber needs before it can receive anything (ZeroMQ connects in the background).
    static func isConnected(pid: Int32, toPort port: Int) -> Bool {
        let fdDirectory = "/proc/\(pid)/fd"
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: fdDirectory)) ?? []
        let inodes = Set(descriptors.compactMap { fd -> Substring? in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(fdDirectory)/\(fd)"),
                  target.hasPrefix("socket:[") else { return nil }
            return target.dropFirst("socket:[".count).dropLast()
        })
        for table in ["/proc/\(pid)/net/tcp", "/proc/\(pid)/net/tcp6"] {
            let text = readWholeFile(table)
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
            for row in text.split(separator: "\n").dropFirst() {
                let fields = row.split(separator: " ")
                guard fields.count > 9, let remotePort = fields[2].split(separator: ":").last else { continue }
                if Int(remotePort, radix: 16) == port, fields[3] == "01", inodes.contains(fields[9]) { return true }
            }
        }
        return false
    }

    /// A /proc file read to its end. (Foundation stops after the first page of these files,
    /// which report a size of 0: /proc/net/tcp is longer once connections linger in TIME_WAIT.)
    static func readWholeFile(_ path: String) -> String {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var data = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            data += buffer[0..<count]
        }
        return String(decoding: data, as: UTF8.self)
    }
}
