import Foundation
import Testing

/// `supervisor export` through the built binary on the default 84-agent manifest, with every
/// output checked by an independent tool: `docker-compose config` (apt) and the Compose
/// specification schema (from the docker-compose 1.29.2 wheel on PyPI) with jsonschema, kubernetes-validate's strict
/// Kubernetes JSON schemas, and `systemd-analyze verify`. A tool that cannot be had is
/// reported on stdout as SKIPPED with the reason, never passed over in silence.
@Suite("export", .serialized)
struct ExportTests {
    /// The `supervisor` built beside this test bundle (any scratch path), else `.build/debug`.
    static var supervisorPath: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = URL(fileURLWithPath: exe).deletingLastPathComponent()
        if folder.lastPathComponent == "MacOS" || folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        for candidate in [folder, URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("supervisor").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return SupervisorHarness.supervisorPath
    }

    /// Runs a program; stdout and stderr together.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], in folder: URL? = nil) throws -> (status: Int32, output: String) {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: executable)
        child.arguments = arguments
        if let folder { child.currentDirectoryURL = folder }
        let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("export-out-\(UUID().uuidString.prefix(8))")
        _ = FileManager.default.createFile(atPath: outPath.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: outPath) }
        let out = try FileHandle(forWritingTo: outPath)
        child.standardOutput = out
        child.standardError = out
        try child.run()
        child.waitUntilExit()
        try out.close()
        return (child.terminationStatus, (try? String(contentsOf: outPath, encoding: .utf8)) ?? "")
    }

    /// A temporary folder, removed afterwards.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("supervisor-export-\(UUID().uuidString.prefix(8))")
        init() throws { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) }
        deinit { try? FileManager.default.removeItem(at: url) }
        func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    }

    /// `supervisor export ARGS` on the default agents.yaml and hosts.
    static func export(_ arguments: [String], in folder: Folder) throws -> (status: Int32, output: String) {
        let root = SupervisorHarness.packageRoot
        let help = try run(supervisorPath, ["export", "--help"])
        try #require(help.status == 0, "`supervisor export` is not registered in \(supervisorPath): add Export.self to SupervisorCommand's subcommands")
        return try run(supervisorPath, ["export"] + arguments + [
            "--manifest", root.appendingPathComponent("agents.yaml").path,
            "--hosts", root.appendingPathComponent("hosts").path,
        ], in: folder.url)
    }

    static func files(in folder: String, ending suffix: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(suffix) }.sorted().map { folder + "/" + $0 }
    }

    @Test("compose.yaml passes the Compose specification schema; depends_on names services, no cycle")
    func composeValidates() throws {
        try validateComposeFile(format: "compose", file: "compose.yaml")
    }

    @Test("stack.yaml (swarm) passes docker-compose config and the Compose schema, with no depends_on")
    func swarmValidates() throws {
        let folder = try validateComposeFile(format: "swarm", file: "stack.yaml")
        let text = try String(contentsOfFile: folder.path("out/stack.yaml"), encoding: .utf8)
        #expect(!text.contains("depends_on:") && text.contains("endpoint_mode: dnsrr"))
        #expect(text.contains("command: [\"/usr/local/bin/agent-sim\""), "agent-sim runs from the image's folder")
    }

    /// Exports `format` to out/`file`, then checks it with docker-compose v1's `config` (apt; it
    /// parses, interpolates and checks depends_on without a daemon) and the Compose schema.
    @discardableResult
    private func validateComposeFile(format: String, file: String) throws -> Folder {
        let folder = try Folder()
        let result = try Self.export([format, "-o", "out"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        if let compose = ["/usr/bin/docker-compose", "/usr/local/bin/docker-compose"].first(where: FileManager.default.isExecutableFile) {
            let config = try Self.run(compose, ["-f", folder.path("out/" + file), "config", "-q"])
            #expect(config.status == 0 && config.output.isEmpty, "docker-compose config:\n\(config.output)")
            print("\(format): docker-compose config -q passed")
        } else {
            print("SKIPPED docker-compose config of \(file): docker-compose (v1) is not installed (apt-get install docker-compose)")
        }
        guard let tools = ValidationTools.prepare() else { return folder }
        guard let schema = tools.composeSchema else {
            print("SKIPPED \(file) schema validation: \(tools.composeProblem ?? "unknown")")
            return folder
        }
        let check = try Self.run(tools.python, ["-c", ValidationTools.composeScript, schema, folder.path("out/" + file)])
        #expect(check.status == 0, "\(file) validation failed:\n\(check.output)")
        print("\(format): \(check.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        return folder
    }

    @Test("every Kubernetes file passes kubernetes-validate --strict; init containers wait for Services that exist")
    func kubernetesValidates() throws {
        let folder = try Folder()
        let result = try Self.export(["kubernetes", "-o", "out"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        let files = try Self.files(in: folder.path("out"), ending: ".yaml")
        #expect(files.count == 84)
        guard let tools = ValidationTools.prepare() else { return }
        guard let validator = tools.kubernetesValidate else {
            print("SKIPPED Kubernetes schema validation: \(tools.kubernetesProblem ?? "unknown")")
            return
        }
        let check = try Self.run(validator, ["--strict", "--quiet"] + files)
        #expect(check.status == 0, "kubernetes-validate failed:\n\(check.output)")
        let references = try Self.run(tools.python, ["-c", ValidationTools.kubernetesScript] + files)
        #expect(references.status == 0, "\(references.output)")
        print("kubernetes: kubernetes-validate --strict passed on \(files.count) files; \(references.output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    @Test("every systemd unit passes systemd-analyze verify")
    func systemdValidates() throws {
        let folder = try Folder()
        let result = try Self.export(["systemd", "-o", "out"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        let units = try Self.files(in: folder.path("out"), ending: ".service") + Self.files(in: folder.path("out"), ending: ".target")
        #expect(units.count == 86)
        guard let analyze = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first(where: FileManager.default.isExecutableFile) else {
            print("SKIPPED systemd-analyze verify: systemd-analyze is not installed (apt-get install systemd)")
            return
        }
        let check = try Self.run(analyze, ["verify", "--man=no"] + units, in: folder.url.appendingPathComponent("out"))
        #expect(check.status == 0 && check.output.isEmpty, "systemd-analyze verify:\n\(check.output)")
        print("systemd: systemd-analyze verify passed on \(units.count) units")
    }

    @Test("a host filter exports only that host's agents")
    func hostFilter() throws {
        let folder = try Folder()
        let result = try Self.export(["kubernetes", "pc2", "-o", "pc2"], in: folder)
        #expect(result.status == 0, "\(result.output)")
        #expect(try Self.files(in: folder.path("pc2"), ending: ".yaml").count == 26)
        let unknown = try Self.export(["compose", "nowhere"], in: folder)
        #expect(unknown.status == 4)
        #expect(unknown.output.contains("no agent runs on host 'nowhere'"))
        let badImage = try Self.export(["compose", "--image", "my image"], in: folder)
        #expect(badImage.status == 2 && badImage.output.contains("--image 'my image' is not an image reference"))
        let systemdImage = try Self.export(["systemd", "--image", "x"], in: folder)
        #expect(systemdImage.status == 2 && systemdImage.output.contains("--image applies to compose, swarm and kubernetes"))
    }

    @Test("existing files are kept unless --force; the default folder is export/<format>")
    func overwrite() throws {
        let folder = try Folder()
        #expect(try Self.export(["compose"], in: folder).status == 0)
        #expect(FileManager.default.fileExists(atPath: folder.path("export/compose/compose.yaml")))
        let again = try Self.export(["compose"], in: folder)
        #expect(again.status == 1)
        #expect(again.output.contains("exists"))
        #expect(try Self.export(["compose", "--force"], in: folder).status == 0)
    }

    @Test("a manifest with errors is refused")
    func refusesBrokenManifest() throws {
        let folder = try Folder()
        try "version: 1\nagents:\n  A:\n    host: mainpc\n    command: [x]\n    depends_on: [Missing]\n"
            .write(toFile: folder.path("agents.yaml"), atomically: true, encoding: .utf8)
        try "mainpc 127.0.0.1 7700\n".write(toFile: folder.path("hosts"), atomically: true, encoding: .utf8)
        let result = try Self.run(Self.supervisorPath, ["export", "compose"], in: folder.url)
        #expect(result.status == 2)
        #expect(result.output.contains("nothing exported"))
        #expect(!FileManager.default.fileExists(atPath: folder.path("export")))
    }
}

/// The independent validators: jsonschema, PyYAML and kubernetes-validate beside the tests'
/// Python (`make test` installs them into .build/test-venv), else a virtual environment made once
/// per machine under /tmp (never in the repository); and the Compose specification schema taken
/// from the docker-compose 1.29.2 wheel (`compose/config/compose_spec.json`), kept under /tmp.
struct ValidationTools: Sendable {
    static let root = "/tmp/supervisor-export-tools"

    var python: String
    var composeSchema: String?
    var composeProblem: String?
    var kubernetesValidate: String?
    var kubernetesProblem: String?

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: ValidationTools??

    /// Installs what is missing; nil (with the reason printed) when not even python3 is there.
    static func prepare() -> ValidationTools? {
        lock.lock()
        defer { lock.unlock() }
        if let cached { return cached }
        let found = install()
        cached = .some(found)
        return found
    }

    private static func install() -> ValidationTools? {
        let fileManager = FileManager.default
        let system = TestPython.path
        guard fileManager.isExecutableFile(atPath: system) else {
            print("SKIPPED all export validations that need Python: no interpreter (\(TestPython.hint))")
            return nil
        }
        var python = system
        var validator = TestPython.binDirectory + "/kubernetes-validate"
        let besideTests = fileManager.isExecutableFile(atPath: validator)
            && (try? ExportTests.run(system, ["-c", "import jsonschema, yaml"]))?.status == 0
        if !besideTests {
            let venv = root + "/venv"
            python = venv + "/bin/python3"
            validator = venv + "/bin/kubernetes-validate"
            if !fileManager.isExecutableFile(atPath: python) {
                let made = try? ExportTests.run(system, ["-m", "venv", "--system-site-packages", venv])
                if made?.status != 0 {
                    print("note: cannot create a venv (\(made?.output ?? "")); using \(system)")
                    python = system
                }
            }
        }
        var tools = ValidationTools(python: python)
        let schema = root + "/compose/config/compose_spec.json"
        if !fileManager.fileExists(atPath: schema) {
            let script = """
                import glob, subprocess, sys, zipfile
                d = sys.argv[1]
                subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "docker-compose==1.29.2", "-d", d + "/dl"], check=True, timeout=300)
                zipfile.ZipFile(glob.glob(d + "/dl/docker_compose-*.whl")[0]).extract("compose/config/compose_spec.json", d)
                """
            let fetched = try? ExportTests.run(python, ["-c", script, root])
            if fetched?.status != 0 { tools.composeProblem = "could not get docker-compose 1.29.2 from PyPI: \(fetched?.output ?? "")" }
        }
        let jsonschema = try? ExportTests.run(python, ["-c", "import jsonschema, yaml"])
        if jsonschema?.status != 0 {
            _ = try? ExportTests.run(python, ["-m", "pip", "install", "-q", "jsonschema", "pyyaml"])
        }
        if fileManager.fileExists(atPath: schema) {
            if (try? ExportTests.run(python, ["-c", "import jsonschema, yaml"]))?.status == 0 {
                tools.composeSchema = schema
            } else {
                tools.composeProblem = "the Python packages jsonschema and pyyaml are not available"
            }
        }
        if !fileManager.isExecutableFile(atPath: validator) && python != system {
            let installed = try? ExportTests.run(python, ["-m", "pip", "install", "-q", "kubernetes-validate"])
            if installed?.status != 0 { tools.kubernetesProblem = "pip install kubernetes-validate failed: \(installed?.output ?? "")" }
        }
        if fileManager.isExecutableFile(atPath: validator) {
            tools.kubernetesValidate = validator
        } else if tools.kubernetesProblem == nil {
            tools.kubernetesProblem = "kubernetes-validate is not installed (no venv)"
        }
        return tools
    }

    /// argv: schema, compose file. Validates, checks depends_on targets and cycles, and checks
    /// that the validator is not vacuous (an unknown key must be rejected).
    static let composeScript = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        doc = yaml.safe_load(open(sys.argv[2]))
        validator = jsonschema.Draft7Validator(schema)
        errors = list(validator.iter_errors(doc))
        for e in errors[:20]: print("/".join(map(str, e.path)), e.message)
        services = doc["services"]
        bad = [(n, d) for n, s in services.items() for d in s.get("depends_on", {}) if d not in services]
        for n, d in bad: print(f"{n}: depends_on unknown service {d}")
        state = {}
        def visit(n, path):
            if state.get(n) == 1: print("cycle:", " -> ".join(path + [n])); return True
            if state.get(n) == 2: return False
            state[n] = 1
            found = any(visit(d, path + [n]) for d in services[n].get("depends_on", {}) if d in services)
            state[n] = 2
            return found
        cyclic = any(visit(n, []) for n in services)
        first = next(iter(services))
        services[first]["bogus_key"] = 1
        vacuous = not list(validator.iter_errors(doc))
        if vacuous: print("the schema accepted an unknown service key: validator is vacuous")
        print(f"{len(services)} services valid against {schema.get('id', 'compose_spec.json')}")
        sys.exit(1 if errors or bad or cyclic or vacuous else 0)
        """

    /// argv: the Kubernetes files. Every init container waits for a Service defined in the set.
    static let kubernetesScript = """
        import sys, yaml
        docs = [d for f in sys.argv[1:] for d in yaml.safe_load_all(open(f)) if d]
        services = {d["metadata"]["name"] for d in docs if d["kind"] == "Service"}
        waits = 0; bad = 0
        for d in docs:
            if d["kind"] != "Deployment": continue
            for c in d["spec"]["template"]["spec"].get("initContainers", []):
                target = c["command"][2].split()[5]
                waits += 1
                if target not in services: bad += 1; print(d["metadata"]["name"], "waits for unknown service", target)
        print(f"{waits} init containers wait for existing Services")
        sys.exit(1 if bad else 0)
        """
}
