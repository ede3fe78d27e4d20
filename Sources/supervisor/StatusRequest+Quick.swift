extension StatusRequest {
    /// `supervisor status` read straight from the command line (without the program name), for
    /// the forms a script or a person types most: host and agent names, `--json`, `--watch`,
    /// and `--hosts`, `--manifest`, `--key`, `--keys`, `--color` each once with a separate value. Anything
    /// else (`--help`, `--hosts=x`, `--`, a short flag, an option twice or without its value)
    /// is nil, and ArgumentParser reads it as always.
    ///
    /// Why: ArgumentParser builds its whole command tree through runtime reflection first, about
    /// 1.5 ms of the 10 ms `supervisor status` took; the result is the same `StatusRequest`.
    init?(quick arguments: [String]) {
        guard arguments.first == "status" else { return nil }
        self.init()
        // A list, not a Set: the first Set<String> of a process costs its generic metadata.
        var seen: [String] = []
        var rest = arguments.dropFirst()[...]
        while let argument = rest.popFirst() {
            guard argument.hasPrefix("-") else {
                names.append(argument)
                continue
            }
            guard !seen.contains(argument) else { return nil }
            seen.append(argument)
            switch argument {
            case "--json": json = true
            case "--watch": watch = true
            case "--color":
                guard let value = rest.popFirst(), let choice = ColorChoice(rawValue: value) else { return nil }
                color = choice
            case "--hosts", "--manifest", "--key", "--keys":
                guard let value = rest.popFirst(), !value.hasPrefix("-") else { return nil }
                switch argument {
                case "--hosts": hostsPath = value
                case "--manifest": manifestPath = value
                case "--key": key = value
                default: keysDirectory = value
                }
            default:
                return nil
            }
        }
    }
}
