import Foundation

/// A CLI verb left running in the background (events, logs -f), its output collected.
final class BackgroundVerb: @unchecked Sendable {
    let process: Process
    private let output: URL

    init(process: Process, output: URL) {
        self.process = process
        self.output = output
    }

    /// Waits until the verb printed `lines` lines; returns them.
    func waitForOutput(lines count: Int, timeout: TimeInterval) throws -> [String] {
        var lines: [String] = []
        let done = eventually(timeout: timeout) {
            lines = ((try? String(contentsOf: self.output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            return lines.count >= count
        }
        if process.isRunning && !done { process.terminate() }
        guard done else { throw HarnessError.timeout(waitingFor: "\(count) lines of output", log: lines.joined(separator: "\n")) }
        return lines
    }

    /// The lines printed so far (without waiting or stopping the verb).
    var linesSoFar: [String] {
        ((try? String(contentsOf: output, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    deinit {
        if process.isRunning { process.terminate() }
    }
}

extension SupervisorHarness {
    /// Starts `supervisor ARGS` in the background, its stdout going to a file.
    func background(_ arguments: [String]) throws -> BackgroundVerb {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: Self.supervisorPath)
        child.arguments = arguments
        child.currentDirectoryURL = directory
        let output = directory.appendingPathComponent("background-\(UUID().uuidString.prefix(6)).out")
        FileManager.default.createFile(atPath: output.path, contents: nil)
        child.standardOutput = try FileHandle(forWritingTo: output)
        child.standardError = FileHandle.nullDevice
        try child.run()
        return BackgroundVerb(process: child, output: output)
    }

    /// A file's text, or "" when it does not exist yet.
    func text(of file: URL) -> String {
        (try? String(contentsOf: file, encoding: .utf8)) ?? ""
    }
}
