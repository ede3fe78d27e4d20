/// The text form of a CurveZMQ key: 32 bytes in Z85 (ZeroMQ RFC 32), always 40 characters.
/// Pure checks only; encoding and decoding for sockets is done by libzmq in SupervisorCore.
public enum Z85Key {
    /// Characters in a Z85 key.
    public static let length = 40
    /// The Z85 alphabet, in digit order.
    public static let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#")

    private static let digits: [Character: UInt64] = Dictionary(
        uniqueKeysWithValues: alphabet.enumerated().map { ($0.element, UInt64($0.offset)) })

    /// Why `text` is not a valid key, or nil when it is one. The sentence names the problem only
    /// (`"has 39 characters; a key has 40"`), for the caller to prefix with what and where.
    public static func problem(in text: String) -> String? {
        let characters = Array(text)
        guard characters.count == length else {
            return "has \(characters.count) character\(characters.count == 1 ? "" : "s"); a Z85 key has \(length)"
        }
        if let bad = characters.first(where: { digits[$0] == nil }) {
            return "contains \"\(bad)\", which is not a Z85 character"
        }
        // Every 5 characters encode 4 bytes; "#####" would be more than 2^32 - 1.
        for start in stride(from: 0, to: length, by: 5) {
            let value = characters[start..<start + 5].reduce(UInt64(0)) { $0 * 85 + digits[$1]! }
            if value > UInt64(UInt32.max) {
                return "characters \(start + 1)-\(start + 5) (\"\(String(characters[start..<start + 5]))\") do not encode 4 bytes"
            }
        }
        return nil
    }

    /// True when `text` is a 40-character Z85 key.
    public static func isValid(_ text: String) -> Bool { problem(in: text) == nil }

    /// `"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"` shortened for logs: `"rq:rM>}U…"`.
    public static func abbreviated(_ text: String) -> String {
        text.count > 8 ? String(text.prefix(8)) + "…" : text
    }
}
