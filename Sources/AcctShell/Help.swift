import AccountCore
import AccountSession

/// `acct --help`, `acct help COMMAND` (and `acct COMMAND --help`), and the
/// messages of usage errors, in the chosen language, from `CommandTable`;
/// every line holds in 80 columns.
enum Help {
    /// The list of commands and options.
    static func text(_ localizer: Localizer) -> String {
        let commands = CommandTable.commands.map { ($0.title, localizer.text($0.summary)) }
        let options = CommandTable.globalOptions.map { option(option: $0, localizer) }
        // One column for the descriptions of both lists.
        let column = TextLayout.termColumn(commands + options)
        return ([localizer.text(.helpUsage), "", localizer.text(.helpCommands)] + TextLayout.rows(commands, column: column)
            + ["", localizer.text(.helpOptions)] + TextLayout.rows(options, column: column)
            + [""] + TextLayout.wrap(localizer.text(.helpMore))).joined(separator: "\n")
    }

    /// What help `invocation` asks for: the words after `help`, or the
    /// command given with `--help`; nil when it asks for none.
    static func topic(of invocation: Invocation) -> [String]? {
        if invocation.words.first == "help" { return Array(invocation.words.dropFirst()) }
        return invocation.help ? invocation.words : nil
    }

    /// The help of the command `topic` names (`delete request`), or the
    /// list of a group's commands (`delete`), or of all when it is empty.
    static func text(for topic: [String], _ localizer: Localizer) throws(UsageError) -> String {
        if topic.isEmpty { return text(localizer) }
        if let spec = CommandTable.command(startingWith: topic) { return text(for: spec, localizer) }
        let group = CommandTable.commands(under: topic)
        guard !group.isEmpty else { throw .unknownCommand(topic.joined(separator: " ")) }
        return ([localizer.text(.helpCommands)] + TextLayout.rows(group.map { ($0.title, localizer.text($0.summary)) })
            + [""] + TextLayout.wrap(localizer.text(.helpMore))).joined(separator: "\n")
    }

    /// One command: its synopsis, what it does, its options, examples.
    static func text(for spec: CommandSpec, _ localizer: Localizer) -> String {
        // A long synopsis goes on indented, inside 80 columns.
        let usage = TextLayout.wrap(localizer.text(.helpUsageCommand, ["command": spec.synopsis]), width: TextLayout.helpWidth - 4)
        var lines = [usage[0]] + usage.dropFirst().map { "    " + $0 }
        lines += [""] + TextLayout.wrap(localizer.text(spec.details))
        if !spec.options.isEmpty {
            lines += ["", localizer.text(.helpOptionsTitle)] + TextLayout.rows(spec.options.map { option(option: $0, localizer) })
        }
        lines += ["", localizer.text(.helpExamples)] + spec.examples.map { "  " + $0 }
        lines += [""] + TextLayout.wrap(localizer.text(.helpGlobalOptions))
        return lines.joined(separator: "\n")
    }

    /// An option's row: `--days N` and what it is, with its environment
    /// variable.
    private static func option(option: OptionSpec, _ localizer: Localizer) -> (String, String) {
        let description = localizer.text(option.help) + (option.variable.map { " [\($0)]" } ?? "")
        return (option.alias.map { option.synopsis + ", " + $0 } ?? option.synopsis, description)
    }

    static func message(for error: UsageError, _ localizer: Localizer) -> String {
        switch error {
        case .unknownCommand(let command): localizer.text(.usageUnknownCommand, ["command": command.isEmpty ? "–" : command])
        case .unknownOption(let option): localizer.text(.usageUnknownOption, ["option": option])
        case .missingValue(let option): localizer.text(.usageMissingValue, ["option": option])
        case .badValue(let option, let value): localizer.text(.usageBadValue, ["option": option, "value": value])
        case .badTimezone(let value): localizer.text(.usageBadTimezone, ["value": value])
        case .missingArgument(let command, let argument):
            localizer.text(.usageMissingArgument, ["command": command, "argument": argument])
        case .incompleteCommand(let command, let choices):
            localizer.text(.usageIncompleteCommand, ["command": command, "choices": choices.joined(separator: ", ")])
        case .passwordNeedsStdin: localizer.text(.usagePasswordStdin)
        case .conflictingOptions(let first, let second):
            localizer.text(.usageConflictingOptions, ["first": first, "second": second])
        case .tokenFile(let path, .unreadable): localizer.text(.usageTokenFileUnreadable, ["path": path])
        case .tokenFile(let path, .symbolicLink): localizer.text(.usageTokenFileSymlink, ["path": path])
        case .tokenFile(let path, .notRegularFile): localizer.text(.usageTokenFileNotRegular, ["path": path])
        case .tokenFile(let path, .notOwned): localizer.text(.usageTokenFileNotOwned, ["path": path])
        case .tokenFile(let path, .openToOthers(let mode)): localizer.text(.usageTokenFileOpen, ["path": path, "mode": mode])
        case .tokenStdinEmpty: localizer.text(.usageTokenStdinEmpty)
        case .confirmationNeeded(let command): localizer.text(.usageConfirmationNeeded, ["command": command])
        case .serversFile(let path, nil, ""): localizer.text(.usageServersNotJson, ["path": path])
        case .serversFile(let path, nil, _): localizer.text(.usageServersNoServers, ["path": path])
        case .serversFile(let path, let server?, ""): localizer.text(.usageServersEntry, ["path": path, "server": server])
        case .serversFile(let path, let server?, let key):
            localizer.text(.usageServersKey, ["path": path, "server": server, "key": key,
                                              "backends": BackendCatalog.names.joined(separator: ", ")])
        }
    }
}
