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

    /// Edit distance counting an adjacent swap as one edit (optimal string alignment), so
    /// "stauts" is one edit from "status".
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let left = Array(a), right = Array(b)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var table = [[Int]](repeating: [Int](repeating: 0, count: right.count + 1), count: left.count + 1)
        for i in 0...left.count { table[i][0] = i }
        for j in 0...right.count { table[0][j] = j }
        for i in 1...left.count {
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[left.count][right.count]
    }
}
