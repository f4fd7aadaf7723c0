import FoundationEssentials
import Testing
import TestSupport

/// The build fails, naming file and key, when the tables disagree.
@Suite("Localization: the compiler", .serialized)
struct CompilerTests {
    static let fixture = String(#filePath.prefix(upTo: #filePath.lastIndex(of: "/") ?? #filePath.endIndex)) + "/Fixtures/MissingKey"
    static var tool: String { buildDirectory + "/localization-compiler" }

    /// The `swift` driver of the toolchain in use.
    static var swift: String { (toolchainDirectory ?? "/opt/swift/usr/bin") + "/swift" }

    /// Tables in a fresh directory, compiled by the built tool.
    func compile(_ tables: [String: String]) async throws -> ProcessResult {
        let directory = try TemporaryDirectory()
        for (name, text) in tables { try write(Array(text.utf8), to: directory.file(name)) }
        return try await execute(Self.tool, [directory.path, directory.file("out.swift")])
    }

    @Test("a package whose tables miss a key fails to build, naming the file and the key")
    func missingKeyFailsTheBuild() async throws {
        let directory = try TemporaryDirectory()
        try await run("/bin/cp", ["-R", Self.fixture + "/.", directory.path])
        let manifest = """
            // swift-tools-version:6.1
            import PackageDescription
            let package = Package(
                name: "MissingKey",
                dependencies: [.package(name: "AccountCore", path: "\(packageRoot)")],
                targets: [.target(name: "Texts", plugins: [.plugin(name: "LocalizationCompiler", package: "AccountCore")])]
            )
            """
        try write(Array(manifest.utf8), to: directory.file("Package.swift"))
        let build = try await execute(Self.swift, ["build", "--package-path", directory.path,
                                             "--scratch-path", directory.file(".build")])
        let output = build.output + build.errorOutput
        #expect(build.status != 0, "the build succeeded:\n\(output)")
        #expect(output.contains("tr.json:1: error: key 'farewell' is missing (it is in en.json, line 3)"), "\(output)")
    }

    @Test("placeholders that differ, a key given twice and a malformed file are each an error at their line")
    func otherProblems() async throws {
        #expect(fileExists(Self.tool), "build the package first: swift build")
        let placeholders = try await compile(["en.json": #"{"a": "Hi {name}"}"#, "tr.json": #"{"a": "Selam {isim}"}"#])
        #expect(placeholders.status == 1)
        #expect(placeholders.errorOutput.contains(#"tr.json:1: error: key 'a': placeholders ["isim"] differ from en.json's ["name"]"#))

        let twice = try await compile(["en.json": "{\n\"a\": \"x\",\n\"a\": \"y\"\n}", "tr.json": #"{"a": "x"}"#])
        #expect(twice.errorOutput.contains("en.json:3: error: malformed table: key 'a' is given twice (first on line 2)"))

        let malformed = try await compile(["en.json": #"{"a": "x"}"#, "tr.json": "{\n\"a\": \"x\"\n\"b\": 1}"])
        #expect(malformed.status == 1)
        #expect(malformed.errorOutput.contains("tr.json:3: error: malformed table"))

        let plural = try await compile(["en.json": #"{"a": {"one": "{count} day"}}"#, "tr.json": #"{"a": "x"}"#])
        #expect(plural.errorOutput.contains("needs both 'one' and 'other'"))

        let good = try await compile(["en.json": #"{"a.b": {"one": "{count} day", "other": "{count} days"}}"#,
                                "tr.json": #"{"a.b": {"one": "{count} gün", "other": "{count} gün"}}"#])
        #expect(good.status == 0, "\(good.errorOutput)")
    }
}
