/// Did-you-mean suggestions for unknown keys, agents and values.
public enum Spelling {
    /// The candidate closest to `word` by edit distance (case-insensitive), if it is close enough
    /// to be a plausible typo.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        closeMatches(to: word, among: candidates, limit: 1).first
    }

    /// Longest word (in bytes) that gets suggestions; nobody mistypes 256 characters.
    public static let longestWord = 256

    /// Up to `limit` candidates close to `word`, best first.
    ///
    /// Cheap for any input: a word longer than `longestWord` gets none, and a candidate whose
    /// length differs from the word's by more than the threshold cannot be within it, so its
    /// distance is never computed (a 1 MB name from a client used to cost a megabyte-by-name
    /// table of rows and seconds of the reactor's time).
    public static func closeMatches(to word: String, among candidates: [String], limit: Int = 3) -> [String] {
        guard word.utf8.count <= longestWord else { return [] }
        let lowered = word.lowercased()
        let letters = Array(lowered)
        let threshold = max(2, letters.count / 3)
        let scored = candidates.compactMap { candidate -> (String, Int)? in
            let candidateLowered = candidate.lowercased()
            let candidateLetters = Array(candidateLowered)
            // A prefix or containment match is also plausible ("Memory" for "MemoryClient").
            let contained = candidateLowered.contains(lowered) || lowered.contains(candidateLowered)
            guard abs(letters.count - candidateLetters.count) <= threshold else {
                return contained ? (candidate, threshold) : nil
            }
            let distance = editDistance(letters, candidateLetters)
            return (candidate, contained ? min(distance, threshold) : distance)
        }
        return scored.filter { $0.1 <= threshold }
            .sorted { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 < $1.0 }
            .prefix(limit)
            .map(\.0)
    }

    /// Edit distance counting an adjacent swap as one edit (optimal string alignment), so
    /// "stauts" is one edit from "status".
    public static func editDistance(_ a: String, _ b: String) -> Int {
        editDistance(Array(a), Array(b))
    }

    /// The same on characters, keeping only the three rows the recurrence reads.
    static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var beforePrevious = [Int](repeating: 0, count: right.count + 1)
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            swap(&beforePrevious, &previous)
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
