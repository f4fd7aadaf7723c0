/// The sizes of one run: the issue's, or a quick smoke test's.
struct Options {
    /// Smoke-test sizes; the report is printed but BENCHMARKS.md is left alone,
    /// so a quick run never replaces the real figures.
    var quick = false
    var help = false
    /// Where to write the Markdown report instead of BENCHMARKS.md.
    var output: String?
    /// The title of a baseline to keep this run's figures under, in
    /// Benchmarks/baselines/, for later runs to be read against.
    var saveBaseline: String?
    /// The benchmarks to run (1 to 7); nil runs all. A partial run, like a
    /// quick one, leaves BENCHMARKS.md alone.
    var only: Set<Int>?

    /// Whether the run measures everything at the sizes, so its
    /// report may replace BENCHMARKS.md.
    var isComplete: Bool { !quick && only == nil }

    /// Whether benchmark `number` runs.
    func runs(_ number: Int) -> Bool { only?.contains(number) ?? true }

    var enqueueOperations: Int { quick ? 2_000 : 20_000 }
    var enqueueTurns: Int { quick ? 4 : 20 }
    var batchRuns: Int { quick ? 3 : 5 }
    var openStatusOperations: Int { quick ? 1_000 : 10_000 }
    var openStatusRuns: Int { quick ? 6 : 31 }
    var drainOperations: Int { quick ? 200 : 2_000 }
    var drainRuns: Int { quick ? 2 : 9 }
    var cCalls: Int { quick ? 2_000 : 20_000 }
    var cRounds: Int { quick ? 3 : 7 }
    var memoryRuns: Int { quick ? 2 : 7 }
    var statusSizes: [Int] { quick ? [10, 100, 1_000] : [10, 1_000, 100_000] }
    var statusRounds: Int { quick ? 3 : 7 }
    var statusRoundSeconds: Double { quick ? 0.02 : 0.1 }
    var statusMostCalls: Int { quick ? 2_000 : 20_000 }
    var instructionRuns: Int { quick ? 1 : 3 }
    var growthDrains: [(operations: Int, runs: Int)] {
        quick ? [(20, 2), (50, 1), (200, 1)] : [(200, 15), (2_000, 5), (20_000, 3)]
    }

    static let usage = """
        usage: swift run -c release accountcore-benchmarks [--quick] [--only 1,2,...] [--output FILE]
                                                           [--save-baseline TITLE]

        Measures the core against references in the same run, prints the tables and
        writes BENCHMARKS.md in the package root, with its charts in Benchmarks/charts.
        Needs the release products:
          swift build -c release --product acct
          swift build -c release --product AccountCoreC
        and curl, ldd, strip and swiftc on PATH; benchmark 7 (instructions) needs
        valgrind and cc, and is skipped, with the reason printed, without them.

          --quick        smoke-test sizes (a tenth or less); BENCHMARKS.md is not written
          --only LIST    run only these benchmarks (1 to 7, comma-separated); BENCHMARKS.md is not written
          --output FILE  write the Markdown report to FILE instead of BENCHMARKS.md, and its charts beside it
          --save-baseline TITLE
                         also keep this run's tables under TITLE in Benchmarks/baselines/ (a file named
                         after it), which every later report copies in, to be read against
        """

    /// Parses the arguments after the program name.
    init(_ arguments: [String]) throws(BenchmarkError) {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--quick": quick = true
            case "--help", "-h": help = true
            case "--output":
                guard let path = remaining.popFirst() else { throw BenchmarkError("--output needs a file\n\n" + Self.usage) }
                output = path
            case "--save-baseline":
                guard let title = remaining.popFirst(), !title.isEmpty else {
                    throw BenchmarkError("--save-baseline needs a title\n\n" + Self.usage)
                }
                saveBaseline = title
            case "--only":
                let numbers = remaining.popFirst()?.split(separator: ",").compactMap { Int($0) } ?? []
                guard !numbers.isEmpty, numbers.allSatisfy((1...7).contains) else {
                    throw BenchmarkError("--only needs benchmark numbers from 1 to 7, e.g. --only 1,3\n\n" + Self.usage)
                }
                only = Set(numbers)
            default: throw BenchmarkError("unknown argument \(argument)\n\n" + Self.usage)
            }
        }
    }
}
