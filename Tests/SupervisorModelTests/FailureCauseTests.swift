import Foundation
import Testing
@testable import SupervisorModel

/// Finding why a run ended in the last lines it wrote.
@Suite("FailureCause")
struct FailureCauseTests {
    private func lines(_ text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    @Test("a script that does not compile: the SyntaxError and the line of the syntax error")
    func syntaxErrorInMainScript() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
              File "/opt/legacy/main_pc_code/agents/streaming_tts.py", line 214
                self.queue.put((text, voice)))
                                             ^
            SyntaxError: unmatched ')'
            """)))
        #expect(cause.kind == .pythonException)
        #expect(cause.message == "SyntaxError: unmatched ')'")
        #expect(cause.exception == "SyntaxError")
        #expect(cause.location == "streaming_tts.py:214")
        #expect(cause.stream == .stderr)
        #expect(cause.text == "SyntaxError: unmatched ')' (streaming_tts.py:214)")
    }

    @Test("a SyntaxError in an imported module points at that module, not at the import")
    func syntaxErrorInImportedModule() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/responder.py", line 9, in <module>
                from main_pc_code.utils.voice_helpers import pick_voice
              File "/opt/legacy/main_pc_code/utils/voice_helpers.py", line 41
                    return voice
                                ^
            IndentationError: unindent does not match any outer indentation level
            """)))
        #expect(cause.message == "IndentationError: unindent does not match any outer indentation level")
        #expect(cause.location == "voice_helpers.py:41")
    }

    @Test("a NameError at import: the error and the module-level line")
    func nameErrorAtImport() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/pc2_code/agents/tiered_responder.py", line 27, in <module>
                CONFIG_PATH = join_path("config", "tiered_responder.yaml")
                              ^^^^^^^^^
            NameError: name 'join_path' is not defined
            """)))
        #expect(cause.message == "NameError: name 'join_path' is not defined")
        #expect(cause.exception == "NameError")
        #expect(cause.location == "tiered_responder.py:27")
    }

    @Test("EADDRINUSE deep in the standard library: the innermost frame of the agent's own code")
    func addressInUseInsideNestedCall() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            2025-07-19 09:14:02,118 - ServiceRegistry - INFO - starting on port 7200
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/service_registry_agent.py", line 390, in <module>
                agent = ServiceRegistryAgent(port=args.port)
                        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              File "/opt/legacy/main_pc_code/agents/service_registry_agent.py", line 88, in __init__
                super().__init__(name="ServiceRegistry", port=port)
              File "/opt/legacy/common/core/base_agent.py", line 778, in __init__
                self.health_server = HTTPServer(("0.0.0.0", self.health_port), HealthHandler)
                                     ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
              File "/usr/lib/python3.11/socketserver.py", line 456, in __init__
                self.server_bind()
              File "/usr/lib/python3.11/http/server.py", line 136, in server_bind
                socketserver.TCPServer.server_bind(self)
              File "/usr/lib/python3.11/socketserver.py", line 472, in server_bind
                self.socket.bind(self.server_address)
            OSError: [Errno 98] Address already in use
            """)))
        #expect(cause.message == "OSError: [Errno 98] Address already in use")
        #expect(cause.location == "base_agent.py:778")
        #expect(cause.text == "OSError: [Errno 98] Address already in use (base_agent.py:778)")
    }

    @Test("a pyzmq bind error through installed packages and Cython frames: the agent's frame")
    func zmqErrorThroughPackages() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/common/core/base_agent.py", line 212, in _bind_health
                self.health_socket.bind(f"tcp://*:{self.health_check_port}")
              File "/opt/venv/lib/python3.11/site-packages/zmq/sugar/socket.py", line 311, in bind
                super().bind(addr)
              File "zmq/backend/cython/socket.pyx", line 564, in zmq.backend.cython.socket.Socket.bind
              File "zmq/backend/cython/checkrc.pxd", line 28, in zmq.backend.cython.checkrc._check_rc
            zmq.error.ZMQError: Address already in use (addr='tcp://*:8200')
            """)))
        #expect(cause.exception == "zmq.error.ZMQError")
        #expect(cause.message == "zmq.error.ZMQError: Address already in use (addr='tcp://*:8200')")
        #expect(cause.location == "base_agent.py:212")
    }

    @Test("a missing module imported through importlib: the import in the agent, not <frozen importlib>")
    func moduleNotFound() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/face_recognition_agent.py", line 14, in <module>
                from main_pc_code.utils.model_loader import load_model
              File "/opt/legacy/main_pc_code/utils/model_loader.py", line 3, in <module>
                import torch
            ModuleNotFoundError: No module named 'torch'
            """)))
        #expect(cause.message == "ModuleNotFoundError: No module named 'torch'")
        #expect(cause.location == "model_loader.py:3")

        let viaImportlib = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/plugin_host.py", line 51, in load
                module = importlib.import_module(name)
              File "/usr/lib/python3.11/importlib/__init__.py", line 126, in import_module
                return _bootstrap._gcd_import(name[level:], package, level)
              File "<frozen importlib._bootstrap>", line 1204, in _gcd_import
              File "<frozen importlib._bootstrap>", line 1140, in _find_and_load_unlocked
            ModuleNotFoundError: No module named 'utils'
            """)))
        #expect(viaImportlib.location == "plugin_host.py:51")
    }

    @Test("chained exceptions: the last one is the cause")
    func chainedExceptions() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/pc2_code/agents/memory.py", line 60, in connect
                self.redis.ping()
            ConnectionRefusedError: [Errno 111] Connection refused

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "/opt/legacy/pc2_code/agents/memory.py", line 75, in <module>
                raise RuntimeError("no Redis at localhost:6379") from None
            RuntimeError: no Redis at localhost:6379
            """)))
        #expect(cause.message == "RuntimeError: no Redis at localhost:6379")
        #expect(cause.location == "memory.py:75")
    }

    @Test("the legacy `Error in main:` log line of an agent that caught its exception and exited 0")
    func errorInMain() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            2025-07-19 09:14:02,118 - KnowledgeBase - INFO - KnowledgeBase initialised
            2025-07-19 09:14:02,120 - KnowledgeBase - ERROR - Error in main: [Errno 98] Address already in use
            2025-07-19 09:14:02,121 - KnowledgeBase - INFO - cleaning up
            """)))
        #expect(cause.kind == .errorInMain)
        #expect(cause.message == "Error in main: [Errno 98] Address already in use")
        #expect(cause.location == nil)
        #expect(cause.kind.isRecognisedError)
    }

    @Test("`Error in main:` followed by its traceback (logger.exception): the traceback, which knows where")
    func errorInMainWithTraceback() throws {
        let cause = try #require(FailureCause.extract(lines: lines("""
            ERROR:root:Error in main: name 'get_project_root' is not defined
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/goal_manager.py", line 301, in main
                root = get_project_root()
                       ^^^^^^^^^^^^^^^^
            NameError: name 'get_project_root' is not defined
            """)))
        #expect(cause.kind == .pythonException)
        #expect(cause.location == "goal_manager.py:301")

        // The same error said after the traceback keeps the traceback too.
        let after = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/goal_manager.py", line 301, in main
                root = get_project_root()
            NameError: name 'get_project_root' is not defined
            ERROR - Error in main: name 'get_project_root' is not defined
            """)))
        #expect(after.kind == .pythonException)

        // A different, later error in main wins over an earlier, handled traceback.
        let later = try #require(FailureCause.extract(lines: lines("""
            Traceback (most recent call last):
              File "/opt/legacy/main_pc_code/agents/goal_manager.py", line 120, in warm_up
                self.cache.load()
            FileNotFoundError: [Errno 2] No such file or directory: 'cache.pkl'
            WARNING - continuing without cache
            ERROR - Error in main: could not reach the model manager
            """)))
        #expect(later.kind == .errorInMain)
        #expect(later.message == "Error in main: could not reach the model manager")
    }

    @Test("another program: the last non-empty line of stderr, else of stdout")
    func otherPrograms() throws {
        let redis = try #require(FailureCause.extract(
            stdout: ["1:C 19 Jul 2025 09:14:02.118 # Redis version=7.0.11, bits=64"],
            stderr: ["*** FATAL CONFIG FILE ERROR (Redis 7.0.11) ***", "Reading the configuration file, at line 2",
                     ">>> 'port 99999'", "Invalid port", "", "   "]))
        #expect(redis.kind == .lastLine)
        #expect(redis.message == "Invalid port")
        #expect(redis.stream == .stderr)
        #expect(!redis.kind.isRecognisedError)

        let quiet = try #require(FailureCause.extract(stdout: ["listening on :9000", "  shutting down: lost lease  "], stderr: []))
        #expect(quiet.message == "shutting down: lost lease")
        #expect(quiet.stream == .stdout)

        let shell = try #require(FailureCause.extract(lines: ["sh: 1: model-server: not found"]))
        #expect(shell.message == "sh: 1: model-server: not found")
    }

    @Test("a traceback on stdout beats a stray stderr line")
    func tracebackOnStdout() throws {
        let cause = try #require(FailureCause.extract(
            stdout: lines("""
                Traceback (most recent call last):
                  File "/opt/legacy/agents/vision.py", line 12, in <module>
                    import cv2
                ModuleNotFoundError: No module named 'cv2'
                """),
            stderr: ["WARNING: running without GPU"]))
        #expect(cause.message == "ModuleNotFoundError: No module named 'cv2'")
        #expect(cause.stream == .stdout)
    }

    @Test("no output, or only blank lines: no cause")
    func emptyOutput() {
        #expect(FailureCause.extract(stdout: [], stderr: []) == nil)
        #expect(FailureCause.extract(stdout: ["", "  "], stderr: ["\t", ""]) == nil)
    }

    @Test("a line that merely looks like an error, without frames above it, is the last line, not an exception")
    func notATraceback() throws {
        let cause = try #require(FailureCause.extract(lines: ["starting", "ValueError: bad config value 'x'"]))
        #expect(cause.kind == .lastLine)
        let indentedNoise = try #require(FailureCause.extract(lines: ["config:", "  port: 7200", "Done: 3 files"]))
        #expect(indentedNoise.kind == .lastLine)
    }

    @Test("carriage returns and terminal colours are removed")
    func cleaning() throws {
        let cause = try #require(FailureCause.extract(lines: ["\u{1B}[31mERROR\u{1B}[0m cannot open /dev/video0\r"]))
        #expect(cause.message == "ERROR cannot open /dev/video0")
    }

    @Test("a very long error line is cut")
    func longLine() throws {
        let cause = try #require(FailureCause.extract(lines: [String(repeating: "x", count: 5000)]))
        #expect(cause.message.count == FailureCause.maxMessageLength)
    }

    @Test("fitting a width keeps the file and line visible")
    func fitting() {
        let cause = FailureCause(kind: .pythonException, message: "OSError: [Errno 98] Address already in use",
                                 location: "base_agent.py:778")
        #expect(cause.text(fitting: 80) == cause.text)
        let short = cause.text(fitting: 40)
        #expect(short.count == 40)
        #expect(short.hasSuffix("… (base_agent.py:778)"))
        #expect(short.hasPrefix("OSError: [Err"))
        let bare = FailureCause(kind: .lastLine, message: String(repeating: "y", count: 100))
        #expect(bare.text(fitting: 20).count == 20)
    }

    @Test("on the wire: kind, message, location, exception, stream and the human text")
    func codable() throws {
        let cause = FailureCause(kind: .pythonException, message: "NameError: name 'join_path' is not defined",
                                 location: "agent.py:3", exception: "NameError", stream: .stderr)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(cause), as: UTF8.self)
        #expect(json == #"{"exception":"NameError","kind":"python_exception","location":"agent.py:3","message":"NameError: name 'join_path' is not defined","stream":"stderr","text":"NameError: name 'join_path' is not defined (agent.py:3)"}"#)
        #expect(try JSONDecoder().decode(FailureCause.self, from: Data(json.utf8)) == cause)
    }
}
