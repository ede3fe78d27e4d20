import ArgumentParser
import Foundation

/// `--color auto|always|never`.
enum ColorChoice: String, CaseIterable, ExpressibleByArgument, Sendable {
    case auto, always, never
}

/// Whether a verb writes for a terminal (colour, and for `status --watch` the clear-screen
/// codes) or plain text, decided once: `always` and `never` decide alone; `auto` means standard
/// output is a terminal, `NO_COLOR` is unset or empty (no-color.org) and `TERM` is not `dumb`.
struct TerminalStyle: Equatable, Sendable {
    /// Colour and other terminal control codes may be written.
    let isTerminal: Bool

    static let plain = TerminalStyle(isTerminal: false)

    static func decide(_ choice: ColorChoice, outputIsTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        switch choice {
        case .always: return TerminalStyle(isTerminal: true)
        case .never: return .plain
        case .auto:
            let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
            let dumb = environment["TERM"] == "dumb"
            return TerminalStyle(isTerminal: outputIsTerminal && !noColor && !dumb)
        }
    }

    /// The decision for this process's standard output.
    static func forStandardOutput(_ choice: ColorChoice) -> TerminalStyle {
        decide(choice, outputIsTerminal: isatty(STDOUT_FILENO) == 1, environment: ProcessInfo.processInfo.environment)
    }

    /// Home the cursor and clear the screen, before each `--watch` snapshot on a terminal.
    static let clearScreen = "\u{1B}[H\u{1B}[2J"

    /// `text` in an SGR colour (`32` green), or as it is when not for a terminal.
    func paint(_ text: String, sgr code: String) -> String {
        isTerminal ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}
