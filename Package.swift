// swift-tools-version:6.1
import PackageDescription

/// AccountCore: the account-lifecycle core that mobile apps link.
///
/// No package dependencies: only the toolchain (FoundationEssentials,
/// Dispatch, Synchronization, Testing) and the system's libsqlite3 and libcurl.
let package = Package(
    name: "AccountCore",
    products: [
        // Dynamic, so that what we ship can be inspected (`ldd`) as one file.
        .library(name: "AccountCore", type: .dynamic, targets: ["AccountCore"]),
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
        .target(
            name: "SQLiteDB",
            dependencies: ["CSQLite"],
            path: "Sources/SQLiteDB"
        ),
        .target(
            name: "AccountCore",
            dependencies: ["SQLiteDB"],
            path: "Sources/AccountCore"
        ),
        .target(
            name: "AccountEmulator",
            dependencies: ["AccountCore", "SQLiteDB"],
            path: "Sources/AccountEmulator"
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "AccountEmulatorTests",
            dependencies: ["AccountEmulator", "AccountCore", "TestSupport"],
            path: "Tests/AccountEmulatorTests"
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
