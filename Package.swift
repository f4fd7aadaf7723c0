// swift-tools-version:6.1
import PackageDescription

/// AccountCore: the account-lifecycle core that mobile apps link.
///
/// No package dependencies: only the toolchain (FoundationEssentials,
/// Dispatch, Synchronization, Testing) and the system's libsqlite3 and libcurl.
///
/// The trait `Curl` (SE-0450, on by default) brings libcurl: the core's own
/// HTTP client. Without it (`swift build --disable-default-traits`) the
/// library links no libcurl and speaks HTTP only through the host app's
/// transport (`ac_open_with_transport`). The tests, the benchmarks and the
/// emulator's tools use libcurl whatever the trait says.
let package = Package(
    name: "AccountCore",
    products: [
        // Dynamic, so that what we ship can be inspected (`ldd`) as one file.
        .library(name: "AccountCore", type: .dynamic, targets: ["AccountCore"]),
        // The core's HTTP over URLSession, for Apple apps (no libcurl there).
        .library(name: "URLSessionTransport", targets: ["URLSessionTransport"]),
        // The terminal shell for developers.
        .executable(name: "acct", targets: ["acct"]),
        // The stable C interface (account_core.h) that mobile shells link.
        .library(name: "AccountCoreC", type: .dynamic, targets: ["AccountCoreC"]),
        // The fuzz entry points, for Fuzz/run's libFuzzer drivers.
        .library(name: "FuzzTargets", type: .dynamic, targets: ["FuzzTargets"]),
        // Compiles a package's Localization/*.json into Swift; AccountCore uses it.
        .plugin(name: "LocalizationCompiler", targets: ["LocalizationCompiler"]),
    ],
    traits: [
        .trait(name: "Curl", description: "The core's own HTTP client over the system's libcurl (CurlTransport). "
               + "Off, the library links no libcurl and needs the host app's transport."),
        .default(enabledTraits: ["Curl"]),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite",
            path: "Sources/CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "CCurl",
            path: "Sources/CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        // The system's C library, whatever the platform: the one module that
        // names Glibc, Musl, Android's Bionic or Darwin.
        .target(
            name: "Libc",
            path: "Sources/Libc"
        ),
        .target(
            name: "POSIXThread",
            dependencies: ["Libc"],
            path: "Sources/POSIXThread"
        ),
        // How much of a response every transport takes (header fields,
        // header bytes, body), in one place that CurlHTTP, which does not
        // import the core, shares with the transports that do.
        .target(
            name: "HTTPLimits",
            path: "Sources/HTTPLimits"
        ),
        .target(
            name: "CurlHTTP",
            dependencies: ["CCurl", "POSIXThread", "HTTPLimits"],
            path: "Sources/CurlHTTP"
        ),
        .target(
            name: "SQLiteDB",
            dependencies: ["CSQLite"],
            path: "Sources/SQLiteDB"
        ),
        .target(
            name: "AccountCore",
            dependencies: ["SQLiteDB", "POSIXThread", "Libc"],
            path: "Sources/AccountCore",
            plugins: ["LocalizationCompiler"]
        ),
        .executableTarget(
            name: "localization-compiler",
            path: "Plugins/LocalizationCompilerTool"
        ),
        .plugin(
            name: "LocalizationCompiler",
            capability: .buildTool(),
            dependencies: ["localization-compiler"],
            path: "Plugins/LocalizationCompiler"
        ),
        // Back-end plugins: each turns operations into requests for one back
        // end. The core names none of them.
        .target(name: "Allmine", dependencies: ["AccountCore"], path: "Plugins/Allmine"),
        .target(name: "Mudbase", dependencies: ["AccountCore"], path: "Plugins/Mudbase"),
        .target(name: "Ovok", dependencies: ["AccountCore"], path: "Plugins/Ovok"),
        // The core's HTTP over libcurl; the session plugs it in.
        .target(
            name: "CurlTransport",
            dependencies: ["AccountCore", "CurlHTTP"],
            path: "Sources/CurlTransport"
        ),
        // The core's HTTP through the host app's own stack: the request
        // handed over, the answer awaited, the core's timeout and cancel.
        .target(
            name: "HostTransport",
            dependencies: ["AccountCore", "POSIXThread"],
            path: "Sources/HostTransport"
        ),
        // The core's HTTP over the system's URLSession, for Apple platforms,
        // where Foundation is the system's own framework: outside Sources,
        // which never imports Foundation; nothing that ships here links it
        // (on Linux it is for the tests, over FoundationNetworking).
        .target(
            name: "URLSessionTransport",
            dependencies: ["AccountCore", "POSIXThread", "HTTPLimits"],
            path: "Platforms/Apple/URLSessionTransport"
        ),
        .target(
            name: "AccountSession",
            dependencies: ["AccountCore", "Allmine", "Mudbase", "Ovok", "POSIXThread",
                           .target(name: "CurlTransport", condition: .when(traits: ["Curl"]))],
            path: "Sources/AccountSession"
        ),
        .target(
            name: "CAccountCore",
            path: "Sources/CAccountCore"
        ),
        .target(
            name: "AccountCoreC",
            dependencies: ["CAccountCore", "AccountSession", "HostTransport", "HTTPLimits", "POSIXThread", "Libc"],
            path: "Sources/AccountCoreC",
            // How the one file an app ships is linked (build-library).
            exclude: ["Shipping"]
        ),
        .target(
            name: "AcctShell",
            dependencies: ["AccountSession", "AccountEmulator", "POSIXThread", "Libc"],
            path: "Sources/AcctShell",
            // The shell's own texts (help, usage, serve): Localization/AcctShell.
            plugins: ["LocalizationCompiler"]
        ),
        .executableTarget(
            name: "acct",
            dependencies: ["AcctShell", "Libc"],
            path: "Sources/acct"
        ),
        .target(
            name: "AccountEmulator",
            dependencies: ["AccountCore", "SQLiteDB", "POSIXThread", "Libc"],
            path: "Sources/AccountEmulator",
            // The web console's texts: Localization/AccountEmulator.
            plugins: ["LocalizationCompiler"]
        ),
        .target(
            name: "TestSupport",
            dependencies: ["AccountCore", "AccountEmulator", "CurlTransport", "POSIXThread"],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "AccountEmulatorTests",
            dependencies: ["AccountEmulator", "AccountCore", "POSIXThread", "TestSupport"],
            path: "Tests/AccountEmulatorTests"
        ),
        // A child process for the sync tests: drains a store, and may be
        // killed at any instant.
        .executableTarget(
            name: "sync-drainer",
            dependencies: ["AccountCore", "CurlTransport", "Allmine", "POSIXThread"],
            path: "Tests/SyncDrainer"
        ),
        // Measured against references in the same run; `swift run -c release
        // accountcore-benchmarks` writes BENCHMARKS.md. Built by CI, not run.
        .executableTarget(
            name: "accountcore-benchmarks",
            dependencies: ["AccountCore", "AccountSession", "AccountEmulator", "AccountCoreC", "CAccountCore",
                           "CSQLite", "CurlTransport", "Allmine"],
            path: "Benchmarks/Sources/accountcore-benchmarks"
        ),
        .testTarget(
            name: "SyncTests",
            dependencies: ["AccountCore", "CurlTransport", "Allmine", "Mudbase", "AccountEmulator", "POSIXThread",
                           "TestSupport"],
            path: "Tests/SyncTests"
        ),
        .testTarget(
            name: "AccountClientTests",
            dependencies: ["AccountCore", "CurlTransport", "URLSessionTransport", "Allmine", "Mudbase", "Ovok", "AccountEmulator",
                           "POSIXThread", "TestSupport"],
            path: "Tests/AccountClientTests"
        ),
        .testTarget(
            name: "CInterfaceTests",
            dependencies: ["AccountCore", "AccountEmulator", "SQLiteDB", "TestSupport"],
            path: "Tests/CInterfaceTests",
            exclude: ["c", "java"]
        ),
        .testTarget(
            name: "AcctTests",
            dependencies: ["AccountCore", "AccountSession", "AcctShell", "AccountEmulator", "SQLiteDB", "TestSupport"],
            path: "Tests/AcctTests"
        ),
        // The session, the one door: its calls, configuration, close and
        // every answer's bytes.
        .testTarget(
            name: "AccountSessionTests",
            dependencies: ["AccountCore", "AccountSession", "AccountEmulator", "Allmine", "SQLiteDB", "TestSupport"],
            path: "Tests/AccountSessionTests"
        ),
        // Each back-end plugin on canned bytes from the contract and the
        // seeds: no server, no emulator.
        .testTarget(
            name: "PluginTests",
            dependencies: ["AccountCore", "Allmine", "Mudbase", "Ovok"],
            path: "Tests/PluginTests"
        ),
        // Fuzz targets: libFuzzer entry points (Fuzz/run), replayed by the tests.
        .target(
            name: "FuzzTargets",
            dependencies: ["AccountCore", "AccountCoreC", "CAccountCore", "AccountEmulator", "Allmine", "Mudbase", "Ovok",
                           "AccountSession", "SQLiteDB", "POSIXThread"],
            path: "Fuzz/Targets"
        ),
        .testTarget(
            name: "HardeningTests",
            dependencies: ["AccountCore", "CurlTransport", "AccountSession", "Allmine", "Mudbase", "AccountEmulator", "SQLiteDB",
                           "FuzzTargets", "TestSupport"],
            path: "Tests/HardeningTests"
        ),
        // The test VFS of the durability tests (fault_vfs.h): fails a chosen
        // I/O, cuts the power and reverts files to what a sync made durable.
        // Tests only: nothing that ships links it.
        .target(
            name: "FaultVFS",
            dependencies: ["CSQLite"],
            path: "Tests/FaultVFS"
        ),
        .testTarget(
            name: "DurabilityTests",
            dependencies: ["AccountCore", "Allmine", "AccountEmulator", "SQLiteDB", "CSQLite", "FaultVFS", "POSIXThread",
                           "TestSupport"],
            path: "Tests/DurabilityTests"
        ),
        .testTarget(
            name: "LocalizationTests",
            dependencies: ["AccountCore", "TestSupport"],
            path: "Tests/LocalizationTests",
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "HostTransportTests",
            dependencies: ["HostTransport", "AccountCore", "POSIXThread"],
            path: "Tests/HostTransportTests"
        ),
        .testTarget(
            name: "CurlHTTPTests",
            dependencies: ["CurlHTTP", "AccountEmulator", "POSIXThread", "TestSupport"],
            path: "Tests/CurlHTTPTests"
        ),
        // One suite run against every HTTPTransport over loopback: libcurl
        // and URLSession (FoundationNetworking on Linux).
        .testTarget(
            name: "HTTPTransportTests",
            dependencies: ["AccountCore", "CurlTransport", "URLSessionTransport", "AccountEmulator", "HTTPLimits", "TestSupport"],
            path: "Tests/HTTPTransportTests"
        ),
        .testTarget(
            name: "AccountCoreTests",
            dependencies: ["AccountCore", "SQLiteDB", "TestSupport"],
            path: "Tests/AccountCoreTests",
            exclude: ["Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
