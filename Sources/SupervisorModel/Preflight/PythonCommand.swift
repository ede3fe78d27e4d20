/// A command that runs a Python script: `python3 [options] script.py [arguments]`, the shape
/// every imported legacy agent has. The preflight checks that the script exists and compiles.
public struct PythonCommand: Equatable, Sendable {
    /// The interpreter as written (`python3`, `/venv/bin/python3.11`).
    public var interpreter: String
    /// The script argument as written, relative to the agent's working directory or absolute.
    public var script: String
    /// Its index in the command.
    public var scriptIndex: Int

    /// Short options of the interpreter whose value follows, attached (`-Wignore`) or as the
    /// next argument (`-W ignore`).
    static let optionsWithValue: Set<Character> = ["W", "X", "Q"]

    /// The script of a Python command; nil when the program is not a Python interpreter or runs
    /// no script file (`-c code`, `-m module`, `-` for stdin, no argument).
    public static func parse(_ command: [String]) -> PythonCommand? {
        guard let program = command.first, isInterpreter(program) else { return nil }
        var index = 1
        while index < command.count {
            let argument = command[index]
            if argument == "--" {
                index += 1
                break
            }
            guard argument.hasPrefix("-"), argument != "-" else { break }
            if argument.hasPrefix("--") {
                index += argument == "--check-hash-based-pycs" ? 2 : 1
                continue
            }
            let letters = argument.dropFirst()
            if let first = letters.first, optionsWithValue.contains(first) {
                index += letters.count == 1 ? 2 : 1
                continue
            }
            // `-c`/`-m` (also inside `-uc`) end the options: code or a module follows, not a file.
            if letters.contains("c") || letters.contains("m") { return nil }
            index += 1
        }
        guard index < command.count, command[index] != "-", !command[index].isEmpty else { return nil }
        return PythonCommand(interpreter: program, script: command[index], scriptIndex: index)
    }

    /// `python`, `python3`, `python3.11`, `/usr/bin/python3`: the last path component is
    /// `python` followed by nothing or by a version (digits and dots).
    public static func isInterpreter(_ program: String) -> Bool {
        let name = program.split(separator: "/").last.map(String.init) ?? program
        guard name.hasPrefix("python") else { return false }
        let version = name.dropFirst("python".count)
        return version.isEmpty || (version.first?.isNumber == true && version.allSatisfy { $0.isNumber || $0 == "." })
    }
}
