import AccountCore
import FoundationEssentials
import Testing
import TestSupport

/// The web console of `acct serve` in a real browser: Debian's headless
/// Chromium, driven through its WebDriver by Selenium, in a virtual
/// environment this test makes (and keeps in the build folder).
///
/// The scenario is `Tests/ConsoleBrowser/console_check.py`, run once per
/// language against its own `acct serve`; it prints each step, and on a
/// failure what it expected and what it saw. The English run's screenshot
/// is what the README shows: set `ACCOUNTCORE_CONSOLE_SCREENSHOT` to a path
/// (`docs/console.png`) to have it copied there.
@Suite("acct serve: the web console in a browser", .serialized)
struct ConsoleBrowserTests {
    @Test("a deletion appears with its countdown, a 503 injected on the page fails acct sync, the clock moves the countdown",
          arguments: ["en", "tr"])
    func console(language: String) async throws {
        let browser = try await Browser.prepared()
        let acct = try Acct()
        let serve = try PseudoTerminal(Acct.binary, ["serve", "--port", "0"], environment: acct.environment)
        // The demo login is printed after the console's address.
        #expect(try await serve.waitFor("Ovok's demo login"), "acct serve printed: \(serve.output)")
        let console = try #require(Self.consoleURL(in: serve.output), "acct serve printed no console address: \(serve.output)")

        let screenshot = "\(Browser.folder)/console-\(language).png"
        var scriptEnvironment = acct.environment
        // No __pycache__ in the source tree; Selenium looks for no driver of its own.
        scriptEnvironment["PYTHONDONTWRITEBYTECODE"] = "1"
        scriptEnvironment["SE_OFFLINE"] = "true"
        let result = try await execute(browser.python, [
            packageRoot + "/Tests/ConsoleBrowser/console_check.py", "--console", console, "--acct", Acct.binary,
            "--workdir", acct.home.path, "--language", language, "--screenshot", screenshot,
            "--chromium", browser.chromium, "--chromedriver", browser.chromedriver,
        ], environment: scriptEnvironment)
        #expect(result.status == 0, "the console check in \(language) failed:\n\(result.output)\(result.errorOutput)")
        #expect(result.output.contains("console check passed in \(language)"))

        // A PNG of the page, 1440 pixels wide (IHDR's width, big-endian).
        let png = try #require(contents(of: screenshot), "no screenshot at \(screenshot)")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(png.count > 24 && png[16..<20].reduce(0) { $0 << 8 | Int($1) } == 1440)
        if language == "en", let copy = environment("ACCOUNTCORE_CONSOLE_SCREENSHOT") {
            try write(png, to: copy.hasPrefix("/") ? copy : packageRoot + "/" + copy)
        }
    }

    /// The address after "Web console: " (or its Turkish) in what `acct serve` printed.
    static func consoleURL(in output: String) -> String? {
        output.split(whereSeparator: \.isNewline).lazy.compactMap { line -> String? in
            guard let start = line.firstRange(of: "http://"), line.contains("/__emulator/console") else { return nil }
            return String(line[start.lowerBound...].prefix { !$0.isWhitespace })
        }.first
    }
}

/// Chromium, its WebDriver and a Python with Selenium: found on the
/// machine (`.ci/deps` installs the first two and Python's venv), the
/// virtual environment made once in the build folder.
struct Browser {
    let chromium: String
    let chromedriver: String
    let python: String

    /// Where the virtual environment and the screenshots are: the build
    /// folder, so a clean build starts afresh and a test run reuses them.
    static var folder: String { buildDirectory + "/console-browser" }

    static func prepared() async throws -> Browser {
        func installed(_ name: String) throws -> String {
            try #require(findExecutable(name) ?? (fileExists("/usr/bin/" + name) ? "/usr/bin/" + name : nil),
                         "\(name) is not installed: bash .ci/deps installs it")
        }
        let chromium = try installed("chromium")
        let chromedriver = try installed("chromedriver")
        // Debian's Python, whose venv module python3-venv provides; else the first on PATH.
        let system = fileExists("/usr/bin/python3") ? "/usr/bin/python3" : try installed("python3")
        let environment = folder + "/venv"
        let requirements = packageRoot + "/Tests/ConsoleBrowser/requirements.txt"
        let stamp = environment + "/installed-requirements.txt"
        let wanted = try #require(contents(of: requirements), "no \(requirements)")
        if contents(of: stamp) != wanted {
            try await run("/bin/mkdir", ["-p", folder])
            var result = try await execute(system, ["-m", "venv", "--clear", environment])
            try #require(result.status == 0, "\(system) -m venv failed (python3-venv missing? bash .ci/deps installs it):\n\(result.errorOutput)")
            result = try await execute(environment + "/bin/pip", ["install", "--quiet", "--disable-pip-version-check",
                                                                  "--no-input", "-r", requirements],
                                       environment: ["PATH": "/usr/bin:/bin", "PIP_ROOT_USER_ACTION": "ignore",
                                                     "HOME": environment])
            try #require(result.status == 0, "pip could not install \(requirements):\n\(result.output)\(result.errorOutput)")
            try write(wanted, to: stamp)
        }
        return Browser(chromium: chromium, chromedriver: chromedriver, python: environment + "/bin/python")
    }
}
