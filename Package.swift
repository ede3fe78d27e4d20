// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "supervisor",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "supervisor", targets: ["supervisor"]),
        .executable(name: "agent-sim", targets: ["agent-sim"]),
        .executable(name: "model-bench", targets: ["model-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // libzmq through pkg-config; `apt-get install libzmq3-dev` provides it.
        .systemLibrary(
            name: "CZeroMQ",
            pkgConfig: "libzmq",
            providers: [.apt(["libzmq3-dev"])]
        ),
        // fork/exec with process group, parent-death signal and cgroup join; pidfd calls.
        .target(name: "CSpawn"),
        // Pure: manifest, graph, state machines. No I/O imports allowed here.
        .target(
            name: "SupervisorModel",
            dependencies: [.product(name: "Yams", package: "Yams")]
        ),
        // The I/O layer: reactor, launcher, probes, logs.
        .target(
            name: "SupervisorCore",
            dependencies: ["SupervisorModel", "CZeroMQ", "CSpawn"]
        ),
        .executableTarget(
            name: "supervisor",
            dependencies: [
                "SupervisorCore", "SupervisorModel", "CZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "agent-sim",
            dependencies: ["SupervisorCore", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Drives the pure model alone with fake events: CPU per start-up and shutdown of N agents.
        .executableTarget(name: "model-bench", dependencies: ["SupervisorModel"]),
        // Helpers more than one test target uses (a tmpfs that really fills up).
        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "SupervisorModelTests", dependencies: ["SupervisorModel"]),
        .testTarget(name: "SupervisorCoreTests", dependencies: ["SupervisorCore", "SupervisorModel", "TestSupport"]),
        // SupervisorCore only for what a test must know before it starts a supervisor (are cgroups usable here?).
        .testTarget(name: "IntegrationTests", dependencies: ["SupervisorModel", "SupervisorCore", "TestSupport"], exclude: ["python", "legacy"]),
    ]
)
