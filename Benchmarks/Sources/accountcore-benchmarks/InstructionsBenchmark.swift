import AccountCore
import AccountEmulator
import FoundationEssentials

/// 7. Instructions: what a new process of an app costs, counted by
/// callgrind rather than timed, so the figure is the same however busy the
/// machine is. Two programs of `Benchmarks/c`, linked with the shipped
/// library (`build-library`), against C programs doing the least that
/// gives the same answer:
///
/// - open_status: `ac_open` on an existing store, offline, `ac_call(core,
///   "status")`, `ac_close`; with the shipped file (libcurl linked) and the
///   one built without libcurl (`--no-curl`, opened with the app's
///   transport). Reference: sqlite_read, which opens the same file with
///   SQLite and reads one row.
/// - deliver_one: one queued operation delivered to the emulator on
///   loopback through the library's libcurl transport. Reference: the
///   `curl` command line making the same request.
struct InstructionsBenchmark {
    /// The package's root: `Benchmarks/c`, build-library, the header.
    let packageRoot: String
    /// Runs per program (median taken; the counts barely move).
    var runs: Int
    let scratch: ScratchDirectory

    /// Why the benchmark cannot run here, or nil when it can.
    static func missingTool() -> String? {
        if !Callgrind.isAvailable { return "valgrind is not on PATH (install the Debian package valgrind; .ci/deps does)" }
        if FileSystem.which("cc") == nil { return "no C compiler (`cc`) on PATH" }
        return nil
    }

    /// The section that says why the benchmark did not run.
    static func skipped(_ reason: String) -> Section {
        Section(title: "7. Instructions", reference: "not measured.", method: "not measured.", rows: [],
                notes: ["Skipped: " + reason + "."])
    }

    /// The shipped libraries and the programs linked with them.
    private struct Programs {
        var curlLibrary: String
        var noCurlLibrary: String
        var openStatus: String
        var openStatusNoCurl: String
        var sqliteRead: String
        var deliverOne: String
    }

    func run() async throws -> Section {
        let programs = try build()

        // a. A new process: open and status from the store, offline.
        let storePath = scratch.file("instructions-status.sqlite")
        let account = try await StatusStore.make(path: storePath, queued: 0)
        var withCurl: [InstructionProfile] = [], withoutCurl: [InstructionProfile] = [], reads: [InstructionProfile] = []
        for _ in 0..<runs {
            withCurl.append(try Callgrind.profile(programs.openStatus, [storePath, StatusStore.userID], scratch: scratch))
            withoutCurl.append(try Callgrind.profile(programs.openStatusNoCurl, [storePath, StatusStore.userID, "app-transport"],
                                                     scratch: scratch))
            reads.append(try Callgrind.profile(programs.sqliteRead, [storePath, account.rawValue], scratch: scratch))
        }

        // b. One queued operation delivered, against curl's one request.
        var delivered: [InstructionProfile] = [], curled: [InstructionProfile] = []
        var sentRequests: [LoggedRequest] = []
        for _ in 0..<runs {
            let ours = try deliverOurs(programs.deliverOne)
            delivered.append(ours.profile)
            sentRequests = ours.requests
            curled.append(try deliverCurl(replaying: ours.requests))
        }

        let footprint = FootprintBenchmark(buildDirectory: "", packageRoot: packageRoot, memoryRuns: 0, scratch: scratch)
        let curlClosure = try footprint.closure(of: programs.curlLibrary).count
        let noCurlClosure = try footprint.closure(of: programs.noCurlLibrary).count

        let curlTotal = Samples.median(withCurl.map { Double($0.total) })
        let noCurlTotal = Samples.median(withoutCurl.map { Double($0.total) })
        let loaderWith = Samples.median(withCurl.map { Double($0.sum(ObjectGroup.loader.contains)) })
        let loaderWithout = Samples.median(withoutCurl.map { Double($0.sum(ObjectGroup.loader.contains)) })
        let requests = sentRequests.map { $0.method + " " + $0.path }.joined(separator: ", ")
        return Section(
            title: "7. Instructions",
            reference: "open and status: `Benchmarks/c/sqlite_read.c`, a new process that opens the same store file "
                + "with `sqlite3_open_v2` (read-write) and reads one row (`SELECT value FROM cache WHERE account = ? "
                + "AND entry = ?`, the cached deletion). Delivery: the `curl` command line making the request our "
                + "process made (`curl -K config`, as benchmark 3), to a fresh emulator of its own.",
            method: "instructions executed (Ir) by the whole process, from the dynamic loader's first instruction to "
                + "exit, in every thread, counted by `valgrind --tool=callgrind`; a count, the same however loaded the "
                + "machine is. \(runs) runs of each program; the figure is the median, the ratio the median of the "
                + "runs' ratios. Ours: `Benchmarks/c/open_status.c` and `Benchmarks/c/deliver_one.c`, compiled here "
                + "with `cc -O2` and linked with the shipped file (`Sources/AccountCoreC/Shipping/build-library`: "
                + "the Swift runtime inside, stripped). open_status: `ac_open` on a store holding a profile and a "
                + "pending deletion cached from an emulator (nothing queued), signed in as the demo user without a "
                + "token, `ac_set_online(core, 0)`, `ac_call(core, \"status\")` checked to come from the cache and "
                + "show the pending deletion, `ac_close`; built without libcurl (`build-library --no-curl`), the "
                + "core is opened with `ac_open_with_transport` and a transport that is never called. "
                + "deliver_one: a store made by the same program beforehand (not counted): signed in with the "
                + "emulator's token, the profile fetched, then one `requestDeletion` queued offline; counted: "
                + "`ac_open` on it online, `ac_set_token`, `ac_call(core, \"sync\")`, the `operationSynced` event, "
                + "`ac_close`. Each delivery has a fresh emulator on loopback (in this process, not counted), whose "
                + "request log shows what was sent and that it was answered 200; curl's copy is checked the same "
                + "way.",
            rows: [
                Self.comparison("a new process: open + status from the store (libcurl build)", ours: withCurl, reference: reads),
                Self.comparison("the same, build without libcurl (app's transport)", ours: withoutCurl, reference: reads),
                Self.comparison("a new process: one queued operation delivered", ours: delivered, reference: curled),
            ],
            notes: [
                "Where open and status go, by object (median run): libcurl build " + Self.split(withCurl)
                    + "; without libcurl " + Self.split(withoutCurl) + "; the SQLite program " + Self.split(reads) + ".",
                "What libcurl costs a process that never makes a request: \(Self.millions(curlTotal - noCurlTotal)) "
                    + "instructions (\(Self.millions(curlTotal)) against \(Self.millions(noCurlTotal))), of which "
                    + "\(Self.millions(loaderWith - loaderWithout)) in the dynamic loader (\(Self.millions(loaderWith)) "
                    + "against \(Self.millions(loaderWithout))): the libcurl build's closure is \(curlClosure) "
                    + "libraries (ldd), the build without \(noCurlClosure), each mapped, relocated and initialized "
                    + "at start.",
                "Delivery, by object (median run): ours " + Self.split(delivered) + "; curl " + Self.split(curled)
                    + ". Our process sent: \(requests) (from the emulator's log); curl sent the same.",
            ])
    }

    /// Builds the two shipped libraries and compiles the programs.
    private func build() throws -> Programs {
        let script = packageRoot + "/Sources/AccountCoreC/Shipping/build-library"
        func library(_ arguments: [String]) throws -> String {
            let made = try Subprocess.output("bash", [script] + arguments, scratch: scratch)
                .split(separator: "\n").last.map(String.init) ?? ""
            let path = packageRoot + "/" + made
            guard Files.exists(path) else { throw BenchmarkError("instructions: build-library made no \(made)") }
            return path
        }
        let curlLibrary = try library([])
        let noCurlLibrary = try library(["--no-curl"])
        let sources = packageRoot + "/Benchmarks/c/"
        let directory = try scratch.directory("instructions")
        func compile(_ source: String, _ output: String, linking library: String?) throws -> String {
            let binary = directory + "/" + output
            var arguments = ["-O2", "-o", binary, sources + source]
            if let library {
                let libraryDirectory = Files.directory(of: library)
                arguments += ["-I", packageRoot + "/Sources/CAccountCore/include", "-L", libraryDirectory, "-lAccountCoreC",
                              "-Wl,-rpath," + libraryDirectory, "-lpthread"]
            } else {
                arguments += ["-lsqlite3"]
            }
            let result = try Subprocess.run("cc", arguments, scratch: scratch)
            guard result.status == 0 else {
                throw BenchmarkError("instructions: cc \(source) exited \(result.status): \(result.errorText.prefix(2_000))")
            }
            return binary
        }
        return Programs(curlLibrary: curlLibrary, noCurlLibrary: noCurlLibrary,
                        openStatus: try compile("open_status.c", "open_status", linking: curlLibrary),
                        openStatusNoCurl: try compile("open_status.c", "open_status_no_curl", linking: noCurlLibrary),
                        sqliteRead: try compile("sqlite_read.c", "sqlite_read", linking: nil),
                        deliverOne: try compile("deliver_one.c", "deliver_one", linking: curlLibrary))
    }

    /// One delivery by deliver_one under callgrind, to a fresh emulator:
    /// its profile and the requests it sent.
    private func deliverOurs(_ program: String) throws -> (profile: InstructionProfile, requests: [LoggedRequest]) {
        let emulator = try freshEmulator()
        defer { emulator.stop() }
        let control = EmulatorControl(baseURL: emulator.baseURL, scratch: scratch)
        let store = scratch.uniquePath("deliver") + ".sqlite"
        var environment = Self.environment
        environment["AC_BENCH_TOKEN"] = try emulator.issueToken(for: .allmine)
        let arguments = [emulator.baseURL, store, StatusStore.userID]
        let seeded = try Subprocess.run(program, ["seed"] + arguments, environment: environment, scratch: scratch)
        guard seeded.status == 0 else {
            throw BenchmarkError("instructions: deliver_one seed exited \(seeded.status): \(seeded.errorText.prefix(2_000))")
        }
        let before = try control.requests().last?.seq ?? 0
        let profile = try Callgrind.profile(program, arguments, environment: environment, scratch: scratch)
        let sent = try control.requests().filter { $0.seq > before }
        guard sent.contains(where: { $0.method == "POST" && $0.path == Self.deletionPath }), sent.allSatisfy({ $0.status == 200 }),
              try control.appliedActions() == ["requestDeletion"] else {
            throw BenchmarkError("instructions: deliver_one sent \(sent.map { "\($0.method) \($0.path) \($0.status ?? 0)" }), "
                                 + "expected the queued deletion request answered 200")
        }
        return (profile, sent)
    }

    /// curl sending `sent` again under callgrind, to a fresh emulator.
    private func deliverCurl(replaying sent: [LoggedRequest]) throws -> InstructionProfile {
        let emulator = try freshEmulator()
        defer { emulator.stop() }
        let configPath = scratch.uniquePath("curl-one") + ".conf"
        try Files.save(DrainBenchmark.curlConfig(replaying: sent, baseURL: emulator.baseURL,
                                                 token: try emulator.issueToken(for: .allmine)), to: configPath)
        guard let curl = FileSystem.which("curl") else { throw BenchmarkError("instructions: no curl on PATH") }
        let profile = try Callgrind.profile(curl, ["-K", configPath], scratch: scratch)
        let control = EmulatorControl(baseURL: emulator.baseURL, scratch: scratch)
        let requests = try control.requests()
        guard requests.count == sent.count, requests.allSatisfy({ $0.status == 200 }),
              try control.appliedActions() == ["requestDeletion"] else {
            throw BenchmarkError("instructions: curl's copy of \(sent.count) requests was not answered as ours was")
        }
        return profile
    }

    private static let deletionPath = "/api/v1/users/me/account-deletion"

    /// The programs' environment: ours without the ACCT_ settings.
    private static var environment: [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ACCT_") }
    }

    /// Counts side by side, run by run: the reference's ÷ ours.
    private static func comparison(_ figure: String, ours: [InstructionProfile], reference: [InstructionProfile]) -> Comparison {
        .rounds(figure, ours: ours.map { Double($0.total) }, reference: reference.map { Double($0.total) }) {
            millions($0) + " instructions"
        }
    }

    /// An instruction count that stays readable: "20.5 M", "334 k", "170".
    static func millions(_ count: Double) -> String {
        if abs(count) >= 1e6 { return Format.significant(count / 1e6) + " M" }
        if abs(count) >= 1e3 { return Format.significant(count / 1e3) + " k" }
        return Format.count(Int(count))
    }

    /// The median run's instructions by group of objects, largest first:
    /// "20.5 M: the dynamic loader 16.1 M, ours 3.2 M, ...".
    private static func split(_ profiles: [InstructionProfile]) -> String {
        let sorted = profiles.sorted { $0.total < $1.total }
        let profile = sorted[sorted.count / 2]
        let groups = ObjectGroup.allCases.map { ($0, profile.sum($0.contains)) }.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }
        return millions(Double(profile.total)) + " in all: "
            + groups.map { $0.0.name + " " + millions(Double($0.1)) }.joined(separator: ", ")
    }
}

/// The objects a process runs code in, grouped as the figures are read.
enum ObjectGroup: CaseIterable {
    case loader, ours, sqlite, cRuntime, curl, otherLibraries, program

    /// As the report names it.
    var name: String {
        switch self {
        case .loader: "the dynamic loader (ld-linux)"
        case .ours: "ours (libAccountCoreC.so, Swift runtime inside)"
        case .sqlite: "SQLite"
        case .cRuntime: "libc, libm, libstdc++, libgcc_s"
        case .curl: "libcurl"
        case .otherLibraries: "other libraries (libcurl's closure) and valgrind's preload"
        case .program: "the program itself"
        }
    }

    /// Whether the object at `path` is in this group.
    func contains(_ path: String) -> Bool { Self.group(of: path) == self }

    private static func group(of path: String) -> ObjectGroup {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasPrefix("ld-linux") || name.hasPrefix("ld-") && name.contains(".so") { return .loader }
        if name.hasPrefix("libAccountCoreC") { return .ours }
        if name.hasPrefix("libsqlite3") { return .sqlite }
        if ["libc.so", "libm.so", "libstdc++", "libgcc_s", "libpthread", "libdl.so", "librt.so"].contains(where: name.hasPrefix) {
            return .cRuntime
        }
        if name.hasPrefix("libcurl") { return .curl }
        if name.hasPrefix("lib") || name.hasPrefix("vgpreload") || path == "???" { return .otherLibraries }
        return .program
    }
}
