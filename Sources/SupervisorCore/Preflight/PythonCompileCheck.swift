import Foundation
import SupervisorModel

/// Compiles Python scripts with the interpreter their agents run, without running or importing
/// them: `compile(source, path, "exec")` only builds the code object, so no statement of the
/// script executes. One interpreter process per interpreter (and up to `batch` scripts), run
/// with `-E -s -S` (no PYTHON* variables, no user site, no `site` import: nothing of the agent's
/// environment is loaded either). For `check --deep`, a CLI verb: never on the reactor thread.
enum PythonCompileCheck {
    /// One script to compile, with the interpreter (resolved) and environment of its agent.
    struct Job {
        var interpreter: String
        var script: String
        var environment: [String: String]
    }

    /// What came back for one script.
    enum Outcome {
        /// The helper compiled it (passing or not).
        case compiled(ScriptCompileResult)
        /// The interpreter could not be asked (not Python, crashed, timed out).
        case unchecked(String)
    }

    /// The helper: one JSON line per path given as argument. Written for Python 2.7 and 3.
    static let program = """
        import json, sys
        for path in sys.argv[1:]:
            result = {"path": path, "ok": True}
            try:
                with open(path, "rb") as handle:
                    source = handle.read()
                compile(source, path, "exec", 0, True)
            except SyntaxError as error:
                result = {"path": path, "ok": False, "type": type(error).__name__, "message": error.msg,
                          "file": error.filename, "line": error.lineno, "offset": error.offset, "text": error.text}
            except Exception as error:
                result = {"path": path, "ok": False, "type": type(error).__name__, "message": str(error)}
            sys.stdout.write(json.dumps(result) + "\\n")
            sys.stdout.flush()
        """

    static let batch = 200

    /// Compiles every job's script; results by script path. `timeout` bounds each interpreter run.
    static func run(_ jobs: [Job], timeout: TimeInterval) -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        var order: [String] = []
        var byInterpreter: [String: [Job]] = [:]
        for job in jobs {
            if byInterpreter[job.interpreter] == nil { order.append(job.interpreter) }
            byInterpreter[job.interpreter, default: []].append(job)
        }
        for interpreter in order {
            let group = byInterpreter[interpreter]!
            let scripts = Array(Set(group.map(\.script))).sorted()
            for start in stride(from: 0, to: scripts.count, by: batch) {
                let slice = Array(scripts[start..<min(start + batch, scripts.count)])
                let answer = ask(interpreter, scripts: slice, environment: group[0].environment, timeout: timeout)
                for script in slice {
                    if let result = answer.results[script] {
                        outcomes[script] = .compiled(result)
                    } else {
                        outcomes[script] = .unchecked(answer.failure ?? "no answer for this script")
                    }
                }
            }
        }
        return outcomes
    }

    /// Runs the helper once; its results, and what went wrong when some are missing.
    private static func ask(
        _ interpreter: String, scripts: [String], environment: [String: String], timeout: TimeInterval
    ) -> (results: [String: ScriptCompileResult], failure: String?) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-compile-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let outPath = folder.appendingPathComponent("stdout")
            let errPath = folder.appendingPathComponent("stderr")
            FileManager.default.createFile(atPath: outPath.path, contents: nil)
            FileManager.default.createFile(atPath: errPath.path, contents: nil)
            // Files, not pipes: neither stream can fill up and block the helper.
            let out = try FileHandle(forWritingTo: outPath)
            let err = try FileHandle(forWritingTo: errPath)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: interpreter)
            child.arguments = ["-E", "-s", "-S", "-B", "-c", program] + scripts
            child.environment = environment
            child.currentDirectoryURL = folder
            child.standardInput = FileHandle.nullDevice
            child.standardOutput = out
            child.standardError = err
            try child.run()
            let deadline = Date().addingTimeInterval(timeout)
            while child.isRunning && Date() < deadline { usleep(10_000) }
            var timedOut = false
            if child.isRunning {
                timedOut = true
                kill(child.processIdentifier, SIGKILL)
            }
            child.waitUntilExit()
            try? out.close()
            try? err.close()
            let output = (try? String(contentsOf: outPath, encoding: .utf8)) ?? ""
            let errors = ((try? String(contentsOf: errPath, encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            let results = ScriptCompileResult.parse(output)
            if timedOut { return (results, "no answer within \(Int(timeout)) s") }
            if results.count == scripts.count { return (results, nil) }
            let last = errors.split(separator: "\n").last.map(String.init) ?? ""
            return (results, "exit status \(child.terminationStatus)\(last.isEmpty ? "" : ": " + last)")
        } catch {
            return ([:], "cannot run it: \(error.localizedDescription)")
        }
    }
}
