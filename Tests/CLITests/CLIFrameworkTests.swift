import Testing
@testable import pve_guestsetup

@Suite struct CLIFrameworkTests {
    func run(_ args: [String]) -> (Int32, String, String) {
        let captured = CapturedOutput()
        var console = captured.console
        let code = CLI.run(args, console: &console)
        return (code, captured.stdout, captured.stderr)
    }

    @Test func helpListsSubcommands() {
        let (code, out, _) = run(["--help"])
        #expect(code == 0)
        #expect(out.hasPrefix("OVERVIEW: "))
        #expect(out.contains("SUBCOMMANDS:"))
        for c in CLI.commands { #expect(out.contains("  " + c.spec.name)) }
    }

    @Test func unknownSubcommandIsUsageError() {
        let (code, out, err) = run(["frobnicate"])
        #expect(code == 64)
        #expect(out.isEmpty)
        #expect(err.hasPrefix("Error: Unknown subcommand 'frobnicate'\nUsage: pve-guestsetup"))
    }

    @Test func missingSubcommandIsUsageError() {
        let (code, _, err) = run([])
        #expect(code == 64)
        #expect(err.contains("Missing expected argument '<subcommand>'"))
    }

    @Test(arguments: CLI.commands.map { $0.spec.name })
    func everyCommandHasHelp(name: String) {
        let (code, out, err) = run([name, "--help"])
        #expect(code == 0)
        #expect(err.isEmpty)
        #expect(out.contains("USAGE: pve-guestsetup \(name)"))
    }

    @Test func tokenizerHandlesInlineValuesAndTerminator() throws {
        let spec = [
            OptionSpec.value("--log-file", valueName: "file", help: ""), .flag("--json", help: ""),
            .repeated("--env", valueName: "k=v", help: ""),
        ]
        let p = try ArgumentTokenizer.parse(["a", "--log-file=x", "--json", "--env", "A=1", "--env=B=2", "--", "ls", "-l"], options: spec)
        #expect(p.positionals == ["a"])
        #expect(p.value("--log-file") == "x")
        #expect(p.flag("--json"))
        #expect(p.all("--env") == ["A=1", "B=2"])
        #expect(p.afterTerminator == ["ls", "-l"])
    }

    @Test func tokenizerRejectsUnknownAndMissingValues() {
        let spec = [OptionSpec.value("--log-file", valueName: "file", help: "")]
        #expect(throws: UsageError.self) { try ArgumentTokenizer.parse(["--nope"], options: spec) }
        #expect(throws: UsageError.self) { try ArgumentTokenizer.parse(["--log-file"], options: spec) }
        #expect(throws: UsageError.self) { try ArgumentTokenizer.parse(["--log-file", "a", "--log-file", "b"], options: spec) }
    }
}
