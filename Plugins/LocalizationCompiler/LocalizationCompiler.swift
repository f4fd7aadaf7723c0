import Foundation
import PackagePlugin

/// Compiles `Localization/*.json` of the package into Swift at build time:
/// typed keys (`TextKey`) and every language's table, embedded. A key
/// missing in one language, placeholders that differ between languages, or
/// a malformed file fail the build, naming the file and the key.
@main
struct LocalizationCompiler: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let directory = context.package.directoryURL.appending(path: "Localization")
        let tables = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "LocalizedTables.swift")
        return [
            .buildCommand(
                displayName: "Compiling the localization tables of \(target.name)",
                executable: try context.tool(named: "localization-compiler").url,
                arguments: [directory.path(percentEncoded: false), output.path(percentEncoded: false)],
                inputFiles: tables,
                outputFiles: [output]
            ),
        ]
    }
}
