/// Did-you-mean suggestions for unknown keys, agents and values.
public enum Spelling {
    /// The candidate closest to `word` by edit distance (case-insensitive), if it is close enough
    /// to be a plausible typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        closeMatches(to: word, among: candidates, limit: 1).first
    }

    /// Up to `limit` candidates close to `word`, best first.
    public static func closeMatches(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        let lowered = word.lowercased()
        let threshold = max(2, lowered.count / 3)
        let scored = candidates.map { candidate -> (String, Int) in
            let candidateLowered = candidate.lowercased()
            var distance = editDistance(lowered, candidateLowered)
            // A prefix or containment match is also plausible ("Memory" for "MemoryClient").
            if candidateLowered.contains(lowered) || lowered.contains(candidateLowered) {
                distance = min(distance, threshold)
            }
            return (candidate, distance)
        }
        return scored.filter { $0.1 <= threshold }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(limit)
            .map(\.0)
    }

    /// Levenshtein distance.
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a), right = Array(b)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
