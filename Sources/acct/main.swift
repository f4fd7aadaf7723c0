// acct: the terminal shell of AccountCore. A thin @main: all it does is in
// AcctShell, which the tests drive.
import AcctShell
import Libc

@main
struct Main {
    static func main() async {
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        exit(await Acct.run(arguments: Array(CommandLine.arguments.dropFirst()), environment: environment))
    }
}
