import PVERuntime
import PVETestSupport
import Testing

@testable import pve_guestsetup

/// The man page and the bash completion are generated from the command table; these tests fail
/// when a command or an option is missing from either, or when the completion script misbehaves.
@Suite struct CommandTableTests {
    static let man = ManPage.render()
    static let completion = BashCompletion.render()

    /// The man page's section for one command (from its `.SS` line to the next).
    static func manSection(_ name: String) -> String? {
        let parts = man.split(separator: ".SS \"", omittingEmptySubsequences: false)
        return parts.first { $0.hasPrefix(ManPage.escape(name) + "\"\n") }.map(String.init)
    }

    /// The completion script's case branch for one command.
    static func completionBranch(_ name: String) -> String? {
        guard let start = completion.firstRange(of: "    '\(name)')\n") else { return nil }
        let rest = completion[start.upperBound...]
        guard let end = rest.firstRange(of: ";;") else { return nil }
        return String(rest[..<end.lowerBound])
    }

    static var visible: [String] { CLI.table.map { $0.command.spec.name } }

    @Test func tableHasEveryCommandAndSubcommand() {
        #expect(Self.visible.contains("config format"))
        #expect(Self.visible.contains("config snapshot"))
        #expect(Self.visible.count == CLI.commands.count + CLI.commands.map { $0.subcommands.count }.reduce(0, +))
        #expect(Self.visible.contains("storage path") && Self.visible.contains("mount"))
        #expect(!Self.visible.contains { $0.hasPrefix("_") })
    }

    @Test(arguments: CLI.table.map { $0.command.spec.name })
    func manPageCoversCommand(name: String) throws {
        let spec = try #require(CLI.table.first { $0.command.spec.name == name }).command.fullSpec
        let section = try #require(Self.manSection(name), "no man page section for '\(name)'")
        #expect(section.contains(ManPage.escape(spec.usage)))
        for option in spec.options {
            for n in option.names { #expect(section.contains("\\fB\(ManPage.escape(n))\\fR"), "\(name): \(n) missing in man page") }
        }
        for a in spec.arguments { #expect(section.contains("<\(ManPage.escape(a.label))>")) }
        for f in spec.jsonFields { #expect(section.contains(ManPage.escape(f.name))) }
    }

    @Test(arguments: CLI.table.map { $0.command.spec.name })
    func completionCoversCommand(name: String) throws {
        let spec = try #require(CLI.table.first { $0.command.spec.name == name }).command.fullSpec
        let branch = try #require(Self.completionBranch(name), "no completion branch for '\(name)'")
        let opts = try #require(branch.split(separator: "\n").first { $0.contains("opts='") && !$0.contains("valopts") })
        for option in spec.options {
            for n in option.names { #expect(opts.split(separator: "'")[1].split(separator: " ").contains(Substring(n)), "\(name): \(n)") }
        }
        // Every command name is offered at its level.
        let words = name.split(separator: " ")
        #expect(Self.completion.contains(" \(words.last!) ") || Self.completion.contains("\"\(words.last!) "))
    }

    /// Every option name the command sources declare or read appears in the man page and the
    /// completion: catches an option that is parsed but missing from the generated documents.
    @Test func everyOptionInTheSourcesIsDocumented() throws {
        let root = Fixtures.root.dropLast("/Fixtures".count)
        let dir = root + "/Sources/pve-guestsetup/Commands"
        var names: Set<String> = []
        for file in TestFiles.list(String(dir)) where file.hasSuffix(".swift") {
            let text = try #require(TestFiles.readString("\(dir)/\(file)"))
            for piece in text.split(separator: "(\"--", omittingEmptySubsequences: false).dropFirst() {
                let name = "--" + piece.prefix { $0 != "\"" }
                if name.count > 2, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) { names.insert(name) }
            }
        }
        #expect(names.count > 20)
        for n in names.sorted() {
            #expect(Self.man.contains("\\fB\(ManPage.escape(n))\\fR"), "\(n) missing from the man page")
            #expect(Self.completion.contains(" \(n) ") || Self.completion.contains("'\(n) "), "\(n) missing from the completion")
        }
    }

    @Test func internalCommandsPrintTheGeneratedDocuments() {
        let captured = CapturedOutput()
        var console = captured.console
        #expect(CLI.run(["_man"], console: &console) == 0)
        #expect(captured.stdout == Self.man)
        #expect(Self.man.hasPrefix(".\\\" Generated"))
        #expect(Self.man.contains(".TH PVE\\-GUESTSETUP 1"))
        let c2 = CapturedOutput()
        var console2 = c2.console
        #expect(CLI.run(["_completion", "bash"], console: &console2) == 0)
        #expect(c2.stdout == Self.completion)
        let c3 = CapturedOutput()
        var console3 = c3.console
        #expect(CLI.run(["_completion", "zsh"], console: &console3) == 64)
        #expect(c3.stderr.contains("invalid for '<shell>'"))
        // Hidden from help.
        let c4 = CapturedOutput()
        var console4 = c4.console
        _ = CLI.run(["--help"], console: &console4)
        #expect(!c4.stdout.contains("_man"))
    }

    @Test func roffEscapes() {
        #expect(ManPage.escape("a-b\\c") == "a\\-b\\ec")
        #expect(ManPage.escape(".x") == "\\&.x")
        #expect(ManPage.escape("'x") == "\\&'x")
    }

    @Test func versionComesFromBuildInfo() {
        let captured = CapturedOutput()
        var console = captured.console
        #expect(CLI.run(["--version"], console: &console) == 0)
        #expect(captured.stdout == CLI.versionText + "\n")
        #expect(captured.stdout.hasPrefix(BuildInfo.version))
        #expect(BuildInfo.version.split(separator: ".").count == 3)
    }

    @Test func valueKindsAreInferredFromNames() {
        #expect(ValueKind.inferred(from: "file") == .file)
        #expect(ValueKind.inferred(from: "json-file") == .file)
        #expect(ValueKind.inferred(from: "file.json") == .file)
        #expect(ValueKind.inferred(from: "rootfs") == .directory)
        #expect(ValueKind.inferred(from: "ctid") == .vmid)
        #expect(ValueKind.inferred(from: "n") == .none)
        #expect(ApplyCommand.spec.optionKind(ApplyCommand.spec.options[0]) == .file)
        #expect(PropstrCommand.spec.argumentKind("kind") == .words(PropstrCommand.kinds))
    }

    // MARK: the completion script in bash

    /// Sources the script in bash, completes each line (words separated by spaces; the last is the
    /// word being completed) and returns the sorted candidates per line.
    func complete(_ lines: [String], configDir: String) throws -> [[String]] {
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-completion")
        TestFiles.write(dir + "/completion.bash", Array(Self.completion.utf8))
        var script = "source \(dir)/completion.bash || exit 3\ncomplete -p pve-guestsetup || exit 4\n"
        script += "export PVE_GUESTSETUP_CONFIG_DIR=\(configDir)\ncd \(configDir)\n"
        for line in lines {
            var words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            if line.hasSuffix(" ") { words[words.count - 1] = "" }
            script += "COMP_WORDS=(" + words.map { "'\($0)'" }.joined(separator: " ") + "); COMP_CWORD=\(words.count - 1); "
            script += "COMPREPLY=(); _pve_guestsetup; printf '%s\\n' \"${COMPREPLY[*]}\"\n"
        }
        let result = try SpawnRunner().run(Command("/bin/bash", ["--norc", "-c", script]))
        #expect(result.status.exitCode == 0, "\(String(decoding: result.standardError, as: UTF8.self))")
        let out = result.outputText.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(out.first == "complete -F _pve_guestsetup pve-guestsetup")
        return out.dropFirst().prefix(lines.count).map { $0.split(separator: " ").map(String.init).sorted() }
    }

    @Test func bashCompletesCommandsOptionsVMIDsAndFiles() throws {
        guard TestFiles.read("/bin/bash") != nil else {
            print("skipping: no /bin/bash")
            return
        }
        let dir = TestFiles.makeTemporaryDirectory(prefix: "pve-lxc")
        TestFiles.write(dir + "/100.conf", Array("memory: 512\n".utf8))
        TestFiles.write(dir + "/2050.conf", Array("memory: 512\n".utf8))
        TestFiles.write(dir + "/notes.txt", [])
        let got = try complete(
            [
                "pve-guestsetup conf", "pve-guestsetup config ", "pve-guestsetup config format --j",
                "pve-guestsetup start ", "pve-guestsetup config get --vmid ", "pve-guestsetup config get 1",
                "pve-guestsetup propstr n", "pve-guestsetup apply --hook post-", "pve-guestsetup status 100 --js",
                "pve-guestsetup config snapshot ro", "pve-guestsetup config get 100.conf mem",
                "pve-guestsetup config set 100.conf cor", "pve-guestsetup config set 100.conf --delete sw",
                "pve-guestsetup config set 100.conf memory=2048 ne", "pve-guestsetup detect --ostype deb",
            ], configDir: dir)
        #expect(got[0] == ["config"])
        #expect(got[1] == ["--help", "check", "format", "get", "json", "set", "show", "snapshot"])
        #expect(got[2] == ["--jobs", "--json"])
        #expect(got[3] == ["100", "2050"])
        #expect(got[4] == ["100", "2050"])
        #expect(got[5] == ["100.conf"])
        #expect(got[6] == ["net"])
        #expect(got[7] == ["post-clone", "post-create"])
        #expect(got[8] == ["--json"])
        #expect(got[9] == ["rollback"])
        #expect(got[10] == ["memory"])
        #expect(got[11] == ["cores="])
        #expect(got[12] == ["swap"])
        #expect(got[13] == (0..<10).map { "net\($0)=" }.sorted())
        #expect(got[14] == ["debian"])
    }
}
