import Foundation
import Testing
@testable import SupervisorModel

/// The pure pieces of the preflight: which argument of a command is its Python script, what
/// the compile helper said, and which listening sockets keep an agent from binding its port.
@Suite("Preflight: commands, compile results, listening sockets")
struct PreflightModelTests {
    @Test("the script of a Python command is its first argument after the interpreter's options", arguments: [
        (["python3", "a.py", "--port", "1"], "a.py"),
        (["/venv/bin/python3.11", "-u", "-X", "utf8", "-W", "ignore", "dir/b.py"], "dir/b.py"),
        (["python", "-Wignore", "-OO", "--", "-odd.py"], "-odd.py"),
        (["${LEGACY_PYTHON:-python3}", "x.py"], nil),
        (["python3", "-m", "http.server"], nil),
        (["python3", "-uc", "print(1)"], nil),
        (["python3", "-"], nil),
        (["python3"], nil),
        (["pythonista", "a.py"], nil),
        (["/usr/bin/env", "python3", "a.py"], nil),
    ] as [([String], String?)])
    func pythonScript(command: [String], script: String?) {
        #expect(PythonCommand.parse(command)?.script == script)
    }

    @Test("interpreters: python, python3, pythonX.Y, with or without a path")
    func interpreters() {
        for name in ["python", "python3", "python3.11", "/usr/bin/python2.7", "./venv/bin/python"] {
            #expect(PythonCommand.isInterpreter(name), "\(name)")
        }
        for name in ["python3-config", "pythonw", "ipython", "python.3", "bash"] {
            #expect(!PythonCommand.isInterpreter(name), "\(name)")
        }
    }

    @Test("the helper's JSON lines become results by path; a syntax error names the script, line and source")
    func compileResults() throws {
        let output = """
            {"path": "/root/ok.py", "ok": true}
            some warning the interpreter printed
            {"path": "/root/bad.py", "ok": false, "type": "SyntaxError", "message": "unmatched ')'", "file": "/root/bad.py", "line": 12, "offset": 5, "text": "  x = 2))\\n"}
            {"path": "/root/nul.py", "ok": false, "type": "ValueError", "message": "source code string cannot contain null bytes"}
            """
        let results = ScriptCompileResult.parse(output)
        #expect(results.count == 3)
        #expect(results["/root/ok.py"]?.ok == true)
        let bad = try #require(results["/root/bad.py"])
        #expect(bad.describe(shownAs: "agents/bad.py") == "agents/bad.py:12: SyntaxError: unmatched ')' in `x = 2))`")
        let nul = try #require(results["/root/nul.py"])
        #expect(nul.describe(shownAs: "nul.py") == "nul.py: ValueError: source code string cannot contain null bytes")
        let imported = ScriptCompileResult(path: "/a.py", ok: false, type: "SyntaxError", message: "x", file: "/other.py", line: 3)
        #expect(imported.describe(shownAs: "a.py") == "/other.py:3: SyntaxError: x")
    }

    @Test("/proc/net/tcp and tcp6: listening sockets with address, port and inode")
    func procNet() {
        let tcp = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1C20 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
               1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4243 1 0000000000000000 100 0 0 10 0
               2: 0100007F:8FA2 0100007F:1C20 01 00000000:00000000 00:00000000 00000000     0        0 4244 1 0000000000000000 20 4 30 10 -1
            """
        #expect(TCPListener.parse(procNet: tcp) == [
            TCPListener(address: "127.0.0.1", port: 7200, inode: 4242),
            TCPListener(address: "0.0.0.0", port: 8080, inode: 4243),
        ])
        let tcp6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000000000000000000000000000:1C84 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 51 1 0000000000000000 100 0 0 10 0
               1: 00000000000000000000000001000000:1C85 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 52 1 0000000000000000 100 0 0 10 0
               2: 0000000000000000FFFF00000100007F:1C86 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 53 1 0000000000000000 100 0 0 10 0
            """
        #expect(TCPListener.parse(procNet: tcp6).map(\.address) == ["::", "::1", "127.0.0.1"])
        #expect(TCPListener.parse(procNet: tcp6).map(\.port) == [7300, 7301, 7302])
    }

    @Test("a listener blocks a bind on the same port when either address is a wildcard or both are the same")
    func blocking() {
        let loopback = TCPListener(address: "127.0.0.1", port: 7200, inode: 1)
        #expect(loopback.blocks(address: "127.0.0.1", port: 7200))
        #expect(loopback.blocks(address: "0.0.0.0", port: 7200))
        #expect(loopback.blocks(address: "::ffff:127.0.0.1", port: 7200))
        #expect(loopback.blocks(address: nil, port: 7200))
        #expect(loopback.blocks(address: "mainpc.local", port: 7200))
        #expect(!loopback.blocks(address: "10.0.0.5", port: 7200))
        #expect(!loopback.blocks(address: "127.0.0.1", port: 7201))
        let any = TCPListener(address: "::", port: 7200, inode: 2)
        #expect(any.blocks(address: "10.0.0.5", port: 7200))
    }
}
