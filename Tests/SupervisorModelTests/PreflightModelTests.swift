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
}
