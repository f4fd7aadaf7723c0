import Foundation
import PackagePlugin

/// Compiles a target's localization tables into Swift at build time: typed
/// keys (`TextKey`) and every language's table, embedded. A target's tables
/// are `Localization/<target>/*.json` when that folder exists (the shell's
/// own texts), else `Localization/*.json` (the core's). A key missing in one
/// language, placeholders that differ between languages, or a malformed
/// file fail the build, naming the file and the key.
@main
struct LocalizationCompiler: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let shared = context.package.directoryURL.appending(path: "Localization")
        let own = shared.appending(path: target.name)
        var isFolder: ObjCBool = false
        let directory = FileManager.default.fileExists(atPath: own.path(percentEncoded: false), isDirectory: &isFolder)
            && isFolder.boolValue ? own : shared
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
