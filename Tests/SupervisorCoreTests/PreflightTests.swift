import Foundation
import Testing
@testable import SupervisorCore
import SupervisorModel

/// The preflight on real files, a real interpreter and a real listening socket.
@Suite("Preflight: paths, compiling, ports", .serialized)
struct PreflightTests {
    /// A Python 3 for the compile checks: `$SUPERVISOR_TEST_PYTHON`, else `python3` from PATH.
    static let python: String? = {
        let environment = ProcessInfo.processInfo.environment
        if let chosen = environment["SUPERVISOR_TEST_PYTHON"], !chosen.isEmpty { return chosen }
        let folders = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        return folders.map { $0 + "/python3" }.first(where: FileManager.default.isExecutableFile)
    }()

    /// A socket listening on a free loopback port, closed on deinit.
    final class Listener {
        let fd: Int32
        let port: Int

        init() throws {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            self.fd = fd
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                    bind(fd, socketAddress, length) == 0 && listen(fd, 1) == 0 && getsockname(fd, socketAddress, &length) == 0
                }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
            try #require(bound, "cannot listen on a loopback port")
        }

        deinit { close(fd) }
    }

    func configuration(_ manifest: String, in folder: TemporaryDirectory) throws -> Configuration {
        try folder.write("agents.yaml", manifest)
        try folder.write("hosts", "mainpc 127.0.0.1 47990\nfar 10.255.255.1 47992\n")
        return Configuration.load(manifestPath: folder.file("agents.yaml"), hostsPath: folder.file("hosts"))
    }

    @Test("the cheap part: a missing cwd, program and script, each once, with file, agent and key")
    func paths() throws {
        let folder = try TemporaryDirectory()
        try folder.folder("code")
        try folder.write("code/ok.py", "print('ok')\n")
        let loaded = try configuration("""
            defaults: {host: mainpc, cwd: code}
            agents:
              Fine: {command: [/bin/sh, -c, "true"]}
              NoScript: {command: [/bin/sh, -c, "true"]}
              Script: {command: [python3, gone.py]}
              NoProgram: {command: [./nothing, ok.py]}
              NoCwd: {command: [python3, gone.py], cwd: missing}
              Elsewhere: {command: [python3, gone.py], host: far}
            """, in: folder)
        #expect(loaded.issues.isEmpty, "\(loaded.issues)")
        let report = Preflight(configuration: loaded, localAddresses: []).paths(severity: .warning)
        #expect(report.checked == 5)
        #expect(report.skipped.count == 1 && report.skipped[0].contains("host far (10.255.255.1)"))
        #expect(report.issues.map(\.code) == [.scriptNotFound, .commandNotFound, .cwdNotFound])
        #expect(report.issues.map(\.agent) == ["Script", "NoProgram", "NoCwd"])
        #expect(report.issues.allSatisfy { $0.severity == .warning && $0.file.hasSuffix("agents.yaml") && $0.line != nil })
        #expect(report.issues[0].description.contains("key 'command': script gone.py in \(folder.file("code")) does not exist"))
        #expect(report.issues[2].key == "cwd" && report.issues[2].message.contains("\(folder.file("missing")) does not exist"))
    }

    @Test("the deep part: a SyntaxError with the script's file and line; a script that compiles passes; nothing runs")
    func compiling() throws {
        let python = try #require(Self.python, "no python3 here")
        let folder = try TemporaryDirectory()
        try folder.folder("agents")
        try folder.write("agents/good.py", "open('ran', 'w').write('ran')\n")
        try folder.write("agents/bad.py", "import os\n\ndef broken(:\n    pass\n")
        try folder.write("agents/indent.py", "if True:\npass\n")
        let loaded = try configuration("""
            defaults: {host: mainpc}
            agents:
              Good: {command: [\(python), agents/good.py]}
              Bad: {command: [\(python), -u, agents/bad.py, --port, "1"]}
              Indent: {command: [\(python), agents/indent.py]}
            """, in: folder)
        let report = Preflight(configuration: loaded, localAddresses: []).deep()
        #expect(report.issues.map(\.code) == [.scriptSyntax, .scriptSyntax], "\(report.issues)")
        let bad = try #require(report.issues.first)
        #expect(bad.severity == .error && bad.agent == "Bad" && bad.key == "command" && bad.line == 4)
        #expect(bad.message.hasPrefix("agents/bad.py:3: SyntaxError: "), "\(bad.message)")
        #expect(report.issues[1].message.hasPrefix("agents/indent.py:2: IndentationError: "), "\(report.issues[1].message)")
        // Compiling is not running: good.py would have written this file.
        #expect(!FileManager.default.fileExists(atPath: folder.file("ran")))
    }

    @Test("the deep part: a port another process listens on is named with that process; a running host is skipped")
    func ports() throws {
        let listener = try Listener()
        let folder = try TemporaryDirectory()
        let loaded = try configuration("""
            defaults: {host: mainpc, command: [/bin/sh, -c, "true"]}
            agents:
              Busy: {port: \(listener.port), health: {kind: zmq, port: \(listener.port + 1)}}
              Probe: {port: \(listener.port + 2), health: {kind: zmq, port: \(listener.port)}}
            """, in: folder)
        let report = Preflight(configuration: loaded, localAddresses: []).deep()
        #expect(report.issues.map(\.code) == [.portInUse, .portInUse], "\(report.issues)")
        #expect(report.issues.map(\.key) == ["port", "health.port"])
        #expect(report.issues[0].message.contains("127.0.0.1:\(listener.port) is listened on by pid \(getpid())"), "\(report.issues[0].message)")

        // With the host's supervisor running, its agents hold their ports: not checked.
        do {
            let lock = try HostLock(directory: folder.file("run"), host: "mainpc")
            let running = withExtendedLifetime(lock) { Preflight(configuration: loaded, localAddresses: []).deep() }
            #expect(running.issues.isEmpty)
            #expect(running.skipped.contains { $0.contains("host mainpc: ports not checked, its supervisor is running (pid \(getpid()))") })
        }
        #expect(HostLock.holder(directory: folder.file("run"), host: "mainpc") == nil)
    }
}
