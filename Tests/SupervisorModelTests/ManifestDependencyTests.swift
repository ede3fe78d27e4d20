import Foundation
import Testing
@testable import SupervisorModel

/// `depends_on` in its short form (`Name`, `host/Name`) and its long form
/// (`{name, condition, required}`), mixed in one list, and every problem in it reported with
/// file, line, agent and key.
@Suite("Manifest dependencies")
struct ManifestDependencyTests {
    typealias Support = ManifestTestSupport

    static let header = """
        defaults: {host: h, command: [/bin/a]}
        agents:
          Base: {}
          Cache: {}
          Remote: {host: pc2}

        """

    /// Loads `header + agents`, requires exactly one issue of `code`, and checks its place.
    @discardableResult
    func expectOne(
        _ code: ManifestIssue.Code, in agents: String, key: String, lineContaining needle: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ManifestIssue {
        let yaml = Self.header + agents
        let issues = Support.load(yaml).issues
        let issue = try issues.single(code, sourceLocation: sourceLocation)
        #expect(issues.count == 1, "other issues: \(issues)", sourceLocation: sourceLocation)
        #expect(issue.severity == .error, sourceLocation: sourceLocation)
        #expect(issue.file == Support.file, sourceLocation: sourceLocation)
        #expect(issue.agent == "User", sourceLocation: sourceLocation)
        #expect(issue.key == key, sourceLocation: sourceLocation)
        #expect(issue.line != nil && issue.line == Support.line(of: needle, in: yaml), "\(issue)", sourceLocation: sourceLocation)
        return issue
    }

    @Test("short and long forms mix in one list; the long form defaults to condition ready, required")
    func mixedForms() throws {
        let manifest = try Support.loadValid(Self.header + """
              User:
                depends_on:
                  - Base
                  - {name: Cache, condition: started, required: false}
                  - name: pc2/Remote
                    required: no
            """)
        let user = try #require(manifest["User"])
        #expect(user.dependsOn == ["Base", "Cache", "Remote"])
        #expect(user.dependencies == [
            DependencySpec(name: "Base"),
            DependencySpec(name: "Cache", condition: .started, required: false),
            DependencySpec(name: "Remote", host: "pc2", required: false),
        ])
        #expect(manifest.remoteDependencies(of: user).map(\.description) == ["pc2/Remote"])
        // Each entry's line is known, for later messages.
        #expect(manifest.line(of: "User", key: "depends_on.Cache") == 9)
    }

    @Test("a long-form entry with only a name is the short form")
    func nameOnly() throws {
        let manifest = try Support.loadValid(Self.header + """
              User: {depends_on: [{name: Base}]}
            """)
        #expect(manifest["User"]?.dependencies == [DependencySpec(name: "Base")])
        #expect(manifest["User"]?.dependencies.first?.hasDefaultTerms == true)
    }

    @Test("an unknown key in a long-form entry is reported with a did-you-mean and its path")
    func unknownKey() throws {
        let issue = try expectOne(.unknownKey, in: """
              User:
                depends_on:
                  - {name: Base, requird: false}
            """, key: "depends_on.Base.requird", lineContaining: "requird")
        #expect(issue.message.contains("did you mean 'required'?"), "\(issue.message)")
    }

    @Test("a condition that is not ready or started is a bad value, with a did-you-mean")
    func badCondition() throws {
        let issue = try expectOne(.badValue, in: """
              User:
                depends_on:
                  - name: Base
                    condition: redy
            """, key: "depends_on.Base.condition", lineContaining: "redy")
        #expect(issue.message.contains("\"redy\" is not one of: ready, started"), "\(issue.message)")
        #expect(issue.message.contains("did you mean 'ready'?"))
    }

    @Test("required must be true or false")
    func badRequired() throws {
        let issue = try expectOne(.badValue, in: """
              User:
                depends_on: [{name: Base, required: maybe}]
            """, key: "depends_on.Base.required", lineContaining: "maybe")
        #expect(issue.message.contains("expected true or false, found \"maybe\""))
    }

    @Test("values of the wrong shape are wrong types", arguments: [
        ("depends_on: {name: Base}", "depends_on", "expected a list of agent names or {name, condition, required} mappings, found a mapping"),
        ("depends_on: [[Base]]", "depends_on.0", "expected an agent name or a mapping {name, condition, required}, found a list"),
        ("depends_on: [{name: [Base]}]", "depends_on.0.name", "expected a single value, found a list"),
        ("depends_on: [{name: Base, required: [true]}]", "depends_on.Base.required", "expected a single value, found a list"),
    ])
    func wrongTypes(entry: String, key: String, message: String) throws {
        let issue = try expectOne(.wrongType, in: "  User: {\(entry)}\n", key: key, lineContaining: "User:")
        #expect(issue.message == message)
    }

    @Test("a long-form entry without a name is a missing key")
    func missingName() throws {
        let issue = try expectOne(.missingKey, in: """
              User:
                depends_on:
                  - {condition: started}
            """, key: "depends_on.0", lineContaining: "condition: started")
        #expect(issue.message.contains("needs 'name'"))
    }

    @Test("an unknown name in the long form is an unknown dependency, with a did-you-mean, at its line")
    func unknownName() throws {
        let issue = try expectOne(.unknownDependency, in: """
              User:
                depends_on:
                  - Base
                  - {name: Cahce, required: false}
            """, key: "depends_on.Cahce", lineContaining: "Cahce")
        #expect(issue.message.contains("depends on 'Cahce', which is not an agent in this manifest; did you mean 'Cache'?"))
    }

    @Test("host/name in the long form naming the wrong host says the right one")
    func wrongHost() throws {
        let issue = try expectOne(.dependencyHostMismatch, in: """
              User:
                depends_on:
                  - {name: h/Remote, required: false}
            """, key: "depends_on.Remote", lineContaining: "h/Remote")
        #expect(issue.message.contains("write 'pc2/Remote'"))
    }

    @Test("one name listed twice with different terms is an error; the same entry twice is not")
    func listedTwice() throws {
        let issue = try expectOne(.badValue, in: """
              User:
                depends_on:
                  - Base
                  - {name: Base, required: false}
            """, key: "depends_on.Base", lineContaining: "{name: Base")
        #expect(issue.message.contains("listed twice with different terms"))
        let manifest = try Support.loadValid(Self.header + "  User: {depends_on: [Base, {name: Base}]}\n")
        #expect(manifest["User"]?.dependsOn == ["Base"])
    }

    @Test("problems in several entries are all reported at once")
    func everyProblemAtOnce() throws {
        let issues = Support.load(Self.header + """
              User:
                depends_on:
                  - {name: Base, condition: healthy}
                  - {name: Cache, optional: true}
                  - {name: Nope}
            """).issues
        #expect(Set(issues.map(\.code)) == [.badValue, .unknownKey, .unknownDependency], "\(issues)")
        #expect(issues.count == 3)
    }
}
