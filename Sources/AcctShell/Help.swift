import AccountCore

/// `acct --help`, and the messages of usage errors, in the chosen language.
enum Help {
    static func text(_ localizer: Localizer) -> String {
        func row(_ left: String, _ key: TextKey) -> String {
            "  " + left.padding(toLength: 34, withPad: " ", startingAt: 0) + localizer.text(key)
        }
        return ([localizer.text(.helpUsage), "", localizer.text(.helpCommands)] + [
            row("status", .helpStatus), row("whoami", .helpWhoami), row("stats", .helpStats),
            row("delete request [--reason T] [--days N] [--wipe]", .helpDeleteRequest),
            row("delete cancel [--email E --password-stdin]", .helpDeleteCancel),
            row("delete finalize", .helpDeleteFinalize), row("erase --confirm DELETE_MY_ACCOUNT [--reason T]", .helpErase),
            row("rename <new-username>", .helpRename), row("sync", .helpSync), row("outbox [--all]", .helpOutbox),
            row("signout [--discard]", .helpSignout),
            row("capabilities", .helpCapabilities), row("shell", .helpShell), row("serve [--port N]", .helpServe),
        ] + ["", localizer.text(.helpOptions)] + [
            row("--server URL      [ACCT_SERVER]", .helpServer), row("--backend NAME    [ACCT_BACKEND]", .helpBackend),
            row("--token T         [ACCT_TOKEN]", .helpToken), row("--account ID      [ACCT_ACCOUNT]", .helpAccount),
            row("--db PATH         [ACCT_DB]", .helpDb),
            row("--lang en|tr      [ACCT_LANG]", .helpLang), row("--timezone UTC±HH:MM [ACCT_TIMEZONE]", .helpTimezone),
            row("--platform P, --device-id D, --app-version V", .helpClient), row("--offline", .helpOffline),
            row("--json", .helpJson), row("--help, --version", .helpHelpVersion),
        ]).joined(separator: "\n")
    }

    static func message(for error: UsageError, _ localizer: Localizer) -> String {
        switch error {
        case .unknownCommand(let command): localizer.text(.usageUnknownCommand, ["command": command.isEmpty ? "–" : command])
        case .unknownOption(let option): localizer.text(.usageUnknownOption, ["option": option])
        case .missingValue(let option): localizer.text(.usageMissingValue, ["option": option])
        case .badValue(let option, let value): localizer.text(.usageBadValue, ["option": option, "value": value])
        case .missingArgument(let command, let argument):
            localizer.text(.usageMissingArgument, ["command": command, "argument": argument])
        case .passwordNeedsStdin: localizer.text(.usagePasswordStdin)
        }
    }
}

private extension String {
    func padding(toLength length: Int, withPad pad: String, startingAt _: Int) -> String {
        count >= length ? self + " " : self + String(repeating: pad, count: length - count)
    }
}
