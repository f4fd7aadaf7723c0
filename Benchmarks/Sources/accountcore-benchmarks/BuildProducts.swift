#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where this run finds what it measures and where it writes its report.
///
/// The benchmark is itself a release product, so the other release
/// products (libAccountCoreC.so, acct) sit beside its executable, in
/// `.build/release`; the package root is the first parent with a
/// Package.swift.
struct BuildProducts {
    /// The directory of this executable: `.build/<triple>/release`.
    let buildDirectory: String
    /// The package root, where BENCHMARKS.md goes.
    let packageRoot: String

    /// Tools the benchmark runs; each must be on PATH.
    static let tools = ["curl", "ldd", "strip", "swiftc"]

    /// Locates the build directory and the package root.
    static func locate() throws(BenchmarkError) -> BuildProducts {
        var buffer = [CChar](repeating: 0, count: 4_096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { throw BenchmarkError("cannot read /proc/self/exe") }
        let executable = String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let directory = Files.directory(of: executable)
        var candidate = directory
        while candidate != "/" {
            if Files.exists(candidate + "/Package.swift") {
                return BuildProducts(buildDirectory: directory, packageRoot: candidate)
            }
            candidate = Files.directory(of: candidate)
        }
        // Not under a package (a copied binary): the working directory, which
        // `swift run` sets to where it was called.
        return BuildProducts(buildDirectory: directory, packageRoot: FileSystem.currentDirectory)
    }

    /// What is missing for a full run, each with how to get it; empty when
    /// nothing is.
    func missing() -> [String] {
        var problems: [String] = []
        for (file, product) in [("libAccountCoreC.so", "AccountCoreC"), ("acct", "acct")]
        where !Files.exists(buildDirectory + "/" + file) {
            problems.append("missing the release \(file) in \(buildDirectory): build it with "
                            + "`swift build -c release --product \(product)`")
        }
        for tool in Self.tools where FileSystem.which(tool) == nil {
            problems.append("missing `\(tool)` on PATH")
        }
        return problems
    }
}

/// The process's view of the file system.
enum FileSystem {
    /// The working directory.
    static var currentDirectory: String {
        var buffer = [CChar](repeating: 0, count: 4_096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The executable `name` would run as, searching PATH; nil when none.
    static func which(_ name: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }
}
