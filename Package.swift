// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "hops",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "hops", targets: ["hops"]),
        .executable(name: "hops-step", targets: ["hops-step"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // C libraries at the edge, each imported by one Swift module. libsqlite3 and libedit are
        // loaded on first use (loader.c), not at start-up: `hops -e` needs neither.
        .target(name: "CSQLite", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CEditLine", linkerSettings: [.linkedLibrary("dl")]),
        .systemLibrary(
            // No pkgConfig: its link flags would load libcurl at start-up; shim.h loads it on first use.
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]),
        // Linux process calls (prctl, pipe2, the chdir spawn action) and a signal-to-pipe handler.
        .systemLibrary(name: "CProcess"),
        // The leader of each step's processes, in C: it reaps and ends everything a step starts.
        .executableTarget(
            name: "hops-step",
            // Found first on the library path, Linking/libstdc++.so links nothing: nothing here needs the C++ runtime.
            linkerSettings: [
                .unsafeFlags(
                    ["-L", Context.packageDirectory + "/Sources/hops/Linking"],
                    .when(platforms: [.linux], configuration: .release))
            ]),

        // HTTP through libcurl: the only module importing CCurl; the http actions and the Windmill client use it.
        .target(name: "HopsHTTP", dependencies: ["CCurl"]),
        // The expression language: pure, no I/O, no dependency on the other modules.
        .target(name: "HopsLang"),
        // The flow model, its two YAML formats, validation, dry-run planning, export.
        .target(name: "HopsFlow", dependencies: ["HopsLang", "Yams"]),
        // The SQLite run store and step cache.
        .target(
            name: "HopsStore",
            dependencies: ["CSQLite", .product(name: "Crypto", package: "swift-crypto")]),
        // Executing steps: script runners, built-in actions, the flow executor.
        .target(name: "HopsRun", dependencies: ["HopsLang", "HopsFlow", "HopsStore", "HopsHTTP", "CProcess", "Yams"]),
        // The prompt, colon-commands, rendering, notebooks.
        .target(
            name: "HopsShell",
            dependencies: ["HopsLang", "HopsFlow", "HopsRun", "HopsStore", "HopsRemote", "CEditLine"]),
        // The Windmill REST client: profiles, push and pull, remote runs, listing and import of jobs.
        .target(
            name: "HopsRemote",
            dependencies: ["HopsHTTP", "HopsLang", "HopsFlow", "HopsStore", "HopsRun", "Yams"]),
        .executableTarget(
            name: "hops",
            dependencies: [
                "HopsShell", "HopsLang", "HopsFlow", "HopsRun", "HopsStore", "HopsRemote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Linking"],
            // The release binary starts without loading libstdc++ and libgcc_s (the C++ runtime and
            // unwinder the Swift runtime needs are linked in; see Linking/libstdc++.so) and without
            // exporting its symbols, which no one looks up and which only lengthen the loader's work.
            // Linked by lld with its ~90,000 relative relocations packed (DT_RELR, glibc 2.36): the
            // loader reads 17 KB instead of 2 MB and spends a quarter fewer instructions on them.
            linkerSettings: [
                .unsafeFlags(
                    [
                        "-L", Context.packageDirectory + "/Sources/hops/Linking", "-Xclang-linker", "-static-libgcc",
                        "-Xlinker", "--no-export-dynamic", "-use-ld=lld", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs",
                    ],
                    .when(platforms: [.linux], configuration: .release))
            ]),

        .testTarget(
            name: "HopsLangTests", dependencies: ["HopsLang"], exclude: ["Conformance"],
            resources: [.copy("Golden")]),
        .testTarget(name: "HopsFlowTests", dependencies: ["HopsFlow"], exclude: ["Fixtures", "CheckFixtures"]),
        .testTarget(name: "HopsStoreTests", dependencies: ["HopsStore", "CSQLite"]),
        .testTarget(name: "HopsRunTests", dependencies: ["HopsRun", "HopsHTTP", "CProcess"]),
        .testTarget(name: "HopsShellTests", dependencies: ["HopsShell"]),
        .testTarget(
            name: "RemoteTests", dependencies: ["HopsRemote", "HopsHTTP", "HopsStore", "HopsLang", "HopsRun", "HopsShell"]),
        .testTarget(name: "EndToEndTests", dependencies: ["HopsLang", "CProcess"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
