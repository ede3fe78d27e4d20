import Foundation

extension FailureCause {
    /// The longest message kept; longer error lines are cut.
    public static let maxMessageLength = 500

    /// The cause in the last lines a run wrote, oldest first (without newlines), or nil when both
    /// streams are empty.
    ///
    /// In order: the last Python traceback (or `Error in main: ...` line, whichever came later)
    /// on stderr, then on stdout; else the last non-empty line of stderr; else of stdout.
    public static func extract(stdout: [String], stderr: [String]) -> FailureCause? {
        let err = stderr.map(cleaned), out = stdout.map(cleaned)
        if let found = recognised(in: err, stream: .stderr) ?? recognised(in: out, stream: .stdout) {
            return found
        }
        for (lines, stream) in [(err, Stream.stderr), (out, .stdout)] {
            if let last = lines.last(where: { !$0.allSatisfy(\.isWhitespace) }) {
                return FailureCause(kind: .lastLine, message: clipped(last.trimmingSpaces), stream: stream)
            }
        }
        return nil
    }

    /// The cause in one stream's last lines (read as stderr).
    public static func extract(lines: [String]) -> FailureCause? {
        extract(stdout: [], stderr: lines)
    }

    /// A traceback or an `Error in main:` line in `lines`; the later of the two, except that an
    /// `Error in main:` line repeating the traceback's error keeps the traceback (it knows where).
    static func recognised(in lines: [String], stream: Stream) -> FailureCause? {
        let traceback = lastTraceback(in: lines, stream: stream)
        let mainIndex = lines.lastIndex { $0.contains(errorInMainMarker) }
        if let mainIndex, traceback.map({ mainIndex > $0.index && !repeats(lines[mainIndex], $0.cause) }) ?? true {
            let line = lines[mainIndex]
            guard let start = line.range(of: errorInMainMarker)?.lowerBound else { return traceback?.cause }
            return FailureCause(kind: .errorInMain, message: clipped(String(line[start...]).trimmingSpaces), stream: stream)
        }
        return traceback?.cause
    }

    static let errorInMainMarker = "Error in main:"

    /// The last `XError: message` line that ends a run of traceback frames, and where it points.
    private static func lastTraceback(in lines: [String], stream: Stream) -> (index: Int, cause: FailureCause)? {
        for index in lines.indices.reversed() where index > 0 {
            guard let name = exceptionName(lines[index]) else { continue }
            // The frames: the indented lines just above (`  File "...", line N, in f`, source
            // lines, `^^^` markers), up to the first line that is not indented.
            var frames: [Substring] = []
            var above = index - 1
            while above >= 0, let first = lines[above].first, first == " " || first == "\t" {
                let trimmed = lines[above].drop { $0 == " " || $0 == "\t" }
                if trimmed.hasPrefix("File \"") { frames.append(trimmed) }
                above -= 1
            }
            guard !frames.isEmpty else { continue }
            let cause = FailureCause(
                kind: .pythonException, message: clipped(lines[index].trimmingSpaces),
                location: location(innermostFirst: frames), exception: name, stream: stream)
            return (index, cause)
        }
        return nil
    }

    /// `file.py:N` of the frame that explains the error: a frame without `, in ...` is where a
    /// SyntaxError was found; otherwise the innermost frame outside the standard library and
    /// installed packages, or the innermost frame when all are.
    private static func location(innermostFirst frames: [Substring]) -> String? {
        let parsed = frames.compactMap(frame)
        guard let innermost = parsed.first else { return nil }
        if !innermost.inFunction { return innermost.place }
        return (parsed.first { !isLibrary($0.path) } ?? innermost).place
    }

    /// `File "/a/b.py", line 12, in main` -> path, `b.py:12`, whether a function is named.
    private static func frame(_ line: Substring) -> (path: Substring, place: String, inFunction: Bool)? {
        let afterQuote = line.dropFirst("File \"".count)
        guard let close = afterQuote.range(of: "\", line ") else { return nil }
        let path = afterQuote[..<close.lowerBound]
        let rest = afterQuote[close.upperBound...]
        let number = rest.prefix { $0.isASCII && $0.isNumber }
        guard !number.isEmpty else { return nil }
        let base = path.split(separator: "/").last.map(String.init) ?? String(path)
        return (path, "\(base):\(number)", rest.dropFirst(number.count).hasPrefix(", in "))
    }

    private static func isLibrary(_ path: Substring) -> Bool {
        if path.contains("/site-packages/") || path.contains("/dist-packages/") || path.hasPrefix("<frozen") { return true }
        if path.hasSuffix(".pyx") || path.hasSuffix(".pxd") { return true }
        // The standard library: .../lib/python3.11/...
        if let range = path.range(of: "/lib/python"), let next = path[range.upperBound...].first, next.isNumber { return true }
        return false
    }

    /// `OSError` for `OSError: [Errno 98] Address already in use`, `KeyboardInterrupt` for a line
    /// of just that; nil for anything that is not a dotted name, optionally followed by `: `.
    private static func exceptionName(_ line: String) -> String? {
        let name = line.prefix { $0 != ":" }
        guard !name.isEmpty, name.count < 200 else { return nil }
        let rest = line.dropFirst(name.count)
        guard rest.isEmpty || rest == ":" || rest.hasPrefix(": ") else { return nil }
        for part in name.split(separator: ".", omittingEmptySubsequences: false) {
            guard let first = part.first, first == "_" || (first.isASCII && first.isLetter),
                  part.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else { return nil }
        }
        return String(name)
    }

    private static func repeats(_ line: String, _ cause: FailureCause) -> Bool {
        let text = cause.message.drop { $0 != ":" }.dropFirst().trimmingSpaces
        return !text.isEmpty && line.contains(text)
    }

    /// Without a carriage return, terminal colour codes and trailing blanks.
    private static func cleaned(_ line: String) -> String {
        guard line.contains("\u{1B}") || line.last?.isWhitespace == true else { return line }
        var result = ""
        var escape = false
        for scalar in line.unicodeScalars {
            if escape {
                // A CSI sequence ends with a letter.
                if ("A"..."Z").contains(scalar) || ("a"..."z").contains(scalar) { escape = false }
                continue
            }
            if scalar == "\u{1B}" { escape = true; continue }
            result.unicodeScalars.append(scalar)
        }
        while let last = result.last, last.isWhitespace { result.removeLast() }
        return result
    }

    private static func clipped(_ text: String) -> String {
        text.count <= maxMessageLength ? text : String(text.prefix(maxMessageLength - 1)) + "…"
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let start = firstIndex { $0 != " " && $0 != "\t" } ?? endIndex
        let end = lastIndex { $0 != " " && $0 != "\t" }.map(index(after:)) ?? start
        return start < end ? String(self[start..<end]) : ""
    }
}
