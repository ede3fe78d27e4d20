import Foundation
import Testing
@testable import SupervisorModel

/// Did-you-mean suggestions: typos, swaps and containment, and bounded cost for any input.
@Suite("Spelling")
struct SpellingTests {
    static let commands = ["ping", "version", "status", "start", "stop", "restart", "logs", "down", "reload"]

    @Test("typos, swaps and prefixes find the intended word")
    func suggestions() {
        #expect(Spelling.closest(to: "stats", among: Self.commands) == "status")
        #expect(Spelling.closest(to: "stauts", among: Self.commands) == "status")
        #expect(Spelling.closest(to: "relaod", among: Self.commands) == "reload")
        #expect(Spelling.closest(to: "frobnicate", among: Self.commands) == nil)
        #expect(Spelling.closeMatches(to: "Memory", among: ["MemoryClient", "ModelManager"]) == ["MemoryClient"])
        #expect(Spelling.editDistance("stauts", "status") == 1)
        #expect(Spelling.editDistance("", "abc") == 3 && Spelling.editDistance("kitten", "sitting") == 3)
    }

    // A 200 KB command name took 2.2 s of the reactor (a table of 200 000 rows per candidate).
    @Test("a huge word gets no suggestion, at once")
    func hugeWord() {
        let started = Date()
        let huge = String(repeating: "statusx", count: 150_000)
        #expect(Spelling.closeMatches(to: huge, among: Self.commands + (0..<1000).map { "agent\($0)" }).isEmpty)
        let long = String(repeating: "a", count: Spelling.longestWord) + "status"
        #expect(Spelling.closeMatches(to: long, among: Self.commands).isEmpty)
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("a refusal repeats at most 80 characters of the client's text")
    func quoteIsCut() {
        #expect(ControlError.quote("alpha") == "\"alpha\"")
        let quoted = ControlError.quote(String(repeating: "x", count: 900_000))
        #expect(quoted.hasPrefix("\"" + String(repeating: "x", count: 80) + "...\""))
        #expect(quoted.hasSuffix("(900000 bytes)"))
        #expect(quoted.count < 120)
    }
}
