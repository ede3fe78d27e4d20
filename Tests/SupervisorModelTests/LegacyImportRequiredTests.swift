import Foundation
import Testing
@testable import SupervisorModel

/// How the import carries the legacy launcher's behaviour: it went on past agents marked
/// `required: false` (so dependencies on them are not required), and the agents are servers
/// (so every exit is restarted).
@Suite("Legacy import: required and restart")
struct LegacyImportRequiredTests {
    @Test("every dependency on an agent not required in its legacy file is written {name: X, required: false}")
    func notRequiredDependencies() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.julyMainpc])
        let text = try #require(result.text)
        let manifest = try #require(result.manifest)
        // Summarizer, Planner and Critic are `required: false`; ModelKeeper and StateStore are required.
        #expect(text.contains("    depends_on: [ModelKeeper, StateStore, {name: Summarizer, required: false}]"))
        #expect(manifest["Planner"]?.dependencies == [
            DependencySpec(name: "ModelKeeper"), DependencySpec(name: "StateStore"),
            DependencySpec(name: "Summarizer", required: false),
        ])
        #expect(manifest["Critic"]?.dependency(on: "Planner")?.required == false)
        #expect(manifest["Critic"]?.dependency(on: "StateStore")?.required == true)
        // The agent-level key keeps the legacy value; the comment says how the two differ.
        #expect(manifest["Summarizer"]?.required == false && manifest["Registry"]?.required == true)
        #expect(text.contains("# required is each agent's legacy `required` (missing: false)."))
        #expect(!result.findings.contains { $0.severity == .error })
    }

    @Test("across hosts the long form keeps host/Name: {name: mainpc/VoiceStream, required: false}")
    func crossHostNotRequired() throws {
        let result = try LegacyFixtures.importing([LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2])
        #expect(result.text?.contains("{name: mainpc/VoiceStream, required: false}") == true)
        let relay = try #require(result.manifest?["SpeechRelay"])
        #expect(relay.dependency(on: "VoiceStream") == DependencySpec(name: "VoiceStream", host: "mainpc", required: false))
        #expect(result.succeeded)
    }

    @Test("a file whose agents are all required has no long form and no comment about it")
    func allRequired() throws {
        let text = try #require(try LegacyFixtures.importing([LegacyFixtures.julyPC2]).text)
        #expect(!text.contains("required: false}"))
        #expect(!text.contains("# required is each agent's legacy"))
    }

    @Test("every imported agent restarts on any exit: restart policy always, in defaults")
    func restartAlways() throws {
        for files in [[LegacyFixtures.julyMainpc, LegacyFixtures.julyPC2], [LegacyFixtures.augustMainpc, LegacyFixtures.augustPC2]] {
            let result = try LegacyFixtures.importing(files)
            let text = try #require(result.text)
            #expect(text.contains("\n  restart:\n    policy: always\n"))
            let manifest = try #require(result.manifest)
            #expect(manifest.agents.allSatisfy { $0.restart.policy == .always })
        }
    }

    @Test("the imported July mainpc comes up as the legacy launcher did: past a failed agent that is not required")
    func runsPastFailures() throws {
        let manifest = try #require(try LegacyFixtures.importing([LegacyFixtures.julyMainpc]).manifest)
        var driver = SupervisorDriver(HostSupervisor(manifest: manifest, host: "mainpc"), answerProbesHealthy: true)
        driver.failingSpawns["Summarizer"] = "No such file or directory"
        driver.send(.startAll)
        driver.advance(to: 600)
        #expect(driver.state("Summarizer") == .failed)
        #expect(driver.state("Planner") == .ready)
        #expect(driver.status("Planner")?.startedWithoutDetail == "started without Summarizer (failed)")
        #expect(driver.state("Critic") == .ready)
        let summary = try #require(driver.summaries.first)
        #expect(summary.failed.map(\.agent) == ["Summarizer"])
        #expect(summary.blocked.isEmpty)
        #expect(summary.ready == manifest.agents.count - 1)
    }
}
