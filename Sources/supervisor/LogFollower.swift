import Foundation

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

    static func inode(_ path: String) -> UInt64? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_ino) : nil
    }
}

/// `-f` for several agents: polls each file, prints its new whole lines after the agent's
/// prefix, and starts a file over when it has been rotated.
struct ManyLogFollower {
    let files: [(agent: String, path: String, offset: UInt64)]
    let output: LogOutput

    func follow() -> Never {
        var handles = files.map { file -> (handle: FileHandle?, inode: UInt64?, partial: [UInt8]) in
            let handle = FileHandle(forReadingAtPath: file.path)
            try? handle?.seek(toOffset: file.offset)
            return (handle, LogFollower.inode(file.path), [])
        }
        while true {
            var wrote = false
            for index in files.indices {
                if let data = try? handles[index].handle?.readToEnd(), !data.isEmpty {
                    var bytes = handles[index].partial + Array(data)
                    if let lastNewline = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                        let whole = bytes[...lastNewline]
                        handles[index].partial = Array(bytes[(lastNewline + 1)...])
                        bytes = Array(whole)
                        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
                            output.write(agent: files[index].agent, text: String(decoding: line, as: UTF8.self))
                        }
                        wrote = true
                    } else {
                        handles[index].partial = bytes
                    }
                } else if LogFollower.inode(files[index].path) != handles[index].inode {
                    try? handles[index].handle?.close()
                    handles[index] = (FileHandle(forReadingAtPath: files[index].path), LogFollower.inode(files[index].path), [])
                }
            }
            if wrote { flushStandardOutput() } else { usleep(200_000) }
        }
    }
}
