import ArgumentParser
import Foundation
import SupervisorCore
import SupervisorModel

extension SupervisorCommand {
    /// `supervisor logs NAME [-n N] [-f]`
    struct Logs: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "logs",
            abstract: "Print the last lines of an agent's log; -f follows it.")

        @Argument(help: "The agent.")
        var agent: String

        @Option(name: [.customShort("n"), .long], help: "How many lines.")
        var lines = 50

        @Flag(name: .shortAndLong, help: "Keep printing new lines as the agent writes them (the file is followed across rotations).")
        var follow = false

        @Option(name: .long, help: "Ask this host's supervisor (default: the agent's host in the manifest).")
        var host: String?

        @OptionGroup var files: FileOptions

        @OptionGroup var keys: KeyOptions

        func run() throws {
            let context = try ClientContext(files: files, keys: keys)
            guard let (target, _) = try context.selectionByHost([agent], host: host).first else { return }
            switch try context.client(for: target).request(.logs(agent: agent, lines: lines), as: LogsReply.self) {
            case .success(let reply):
                for line in reply.lines { print(line) }
                if follow {
                    flushStandardOutput()
                    LogFollower(path: reply.path, offset: reply.offset).follow()
                }
            case .failure(let error):
                throw fail(error, host: target)
            }
        }
    }
}

/// `tail -F` for one log file: prints what is appended, and starts over when it is rotated.
struct LogFollower {
    let path: String
    /// Where the printed tail ended; nil: the end of the file now.
    var offset: UInt64?

    func follow() -> Never {
        var handle = FileHandle(forReadingAtPath: path)
        if let offset { try? handle?.seek(toOffset: offset) } else { _ = try? handle?.seekToEnd() }
        var inode = Self.inode(path)
        while true {
            if let data = try? handle?.readToEnd(), !data.isEmpty {
                FileHandle.standardOutput.write(data)
            } else if Self.inode(path) != inode {
                // Rotated: the old file moved to .1; read the new one from its start.
                try? handle?.close()
                handle = FileHandle(forReadingAtPath: path)
                inode = Self.inode(path)
            } else {
                usleep(200_000)
            }
        }
    }

    private static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}
