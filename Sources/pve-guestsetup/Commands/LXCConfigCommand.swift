import FoundationEssentials
import PVEConfig
import PVELXCConfig

/// The generator's host facts (`HostFacts` alone names the apply command's host readers).
typealias LXCHostFacts = PVELXCConfig.HostFacts

/// `pve-guestsetup lxc-config FILE [--vmid N] [--all-files] [--seed N] [--host-facts FILE.json]`:
/// the LXC config Proxmox writes before it starts the container.
///
/// Proxmox: `PVE::LXC::update_lxc_config`.
enum LXCConfigCommand: CLICommand {
    static let spec = CommandSpec(
        name: "lxc-config",
        abstract: "Print the LXC config Proxmox generates for a container config.",
        usage: "lxc-config <file> [--vmid <vmid>] [--all-files] [--seed <n>] [--host-facts <file.json>] [--json]",
        discussion: """
            Prints what Proxmox VE writes to /var/lib/lxc/<vmid>/config before it starts the
            container; with --all-files every file it writes there (config, rules.seccomp) in name
            order, each after a line '==> /var/lib/lxc/<vmid>/<name> <=='. A template gets nothing.
            The config is read leniently, as Proxmox reads it (its warnings on stderr). Where
            Proxmox refuses, prints its message on stderr and exits 1. Host facts (LXC version,
            cgroup controllers, cpuset, bridge MTUs, kernel release) come from this host unless
            --host-facts gives them (see 'host-facts'); devN devices are looked up on this host.
            """,
        arguments: [("file", "The container config (<vmid>.conf).")],
        options: [
            .value("--vmid", valueName: "vmid", help: "The VMID (default: from a <vmid>.conf file name, else 100)."),
            .flag("--all-files", help: "Print every file written into /var/lib/lxc/<vmid>/, each with a header line."),
            .value("--seed", valueName: "n", help: "Seed Perl's rand as srand(n) does (the 'cores' CPU pick); default random."),
            .value("--host-facts", valueName: "file.json", help: "Host facts replacing this host's (missing keys from this host)."),
            StorageCommand.jsonOption,
        ],
        jsonFields: [
            ("vmid", "The VMID."),
            ("files", "Every file written into /var/lib/lxc/<vmid>/ (config, rules.seccomp), by name, as text."),
            ("warnings", "The generator's warnings (instead of on stderr)."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let path = try parsed.requirePositionals(["file"])[0]
        let vmid = try vmidOf(path, option: parsed.value("--vmid"))
        var seed: UInt64
        if let text = parsed.value("--seed") {
            guard let n = UInt64(text) else { throw UsageError("The value '\(text)' is invalid for '--seed <n>'") }
            seed = n
        } else {
            seed = UInt64(UInt32.random(in: 0...UInt32.max))
        }
        let facts = try hostFacts(parsed.value("--host-facts"))
        let loaded = try ConfigCommand.load(path, vmid: vmid, digest: false)
        ConfigCommand.printProxmoxWarnings(loaded.result.diagnostics, console: &console)

        let json = parsed.flag("--json")
        var random = Drand48(seed: seed)
        let output: LXCConfigOutput
        do {
            output = try LXCConfigGenerator.generate(
                loaded.result.config, vmid: vmid, facts: facts, host: LiveHostLookup(), random: &random)
        } catch {
            if json { throw CommandFailure(error.warnings.joined() + error.message) }
            for warning in error.warnings { console.err(warning) }
            throw CommandFailure(error.message)
        }
        if json {
            let files = output.files.keys.sorted().map { ($0, JSON.string(String(decoding: output.files[$0] ?? [], as: UTF8.self))) }
            let result = JSON.object([
                ("vmid", .string(vmid)), ("files", .object(files)), ("warnings", .array(output.warnings.map(JSON.string))),
            ])
            console.out(result.rendered())
            return 0
        }
        for warning in output.warnings { console.err(warning) }
        if parsed.flag("--all-files") {
            var out: [UInt8] = []
            for name in output.files.keys.sorted() {
                out += Array("==> /var/lib/lxc/\(vmid)/\(name) <==\n".utf8)
                out += output.files[name] ?? []
            }
            console.writeOutBytes(out)
        } else if let config = output.files["config"] {
            console.writeOutBytes(config)
        }
        return 0
    }

    /// `--vmid`, else the digits of a `<vmid>.conf` file name, else 100.
    static func vmidOf(_ path: String, option: String?) throws(UsageError) -> String {
        if let option {
            guard !option.isEmpty, option.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                throw UsageError("The value '\(option)' is invalid for '--vmid <vmid>'")
            }
            return option
        }
        return ConfigCommand.vmid(for: path, option: nil)
    }

    /// The facts of `--host-facts FILE` over this host's (read only when a key is missing).
    static func hostFacts(_ path: String?) throws -> LXCHostFacts {
        guard let path else { return LXCHostFacts.current() }
        let bytes: [UInt8]
        do {
            bytes = try ConfigFileIO.read(path)
        } catch {
            throw CommandFailure(error.description)
        }
        let given: LXCHostFacts
        do {
            given = try JSONDecoder().decode(LXCHostFacts.self, from: Data(bytes))
        } catch {
            throw CommandFailure("\(path): invalid host facts: \(error)")
        }
        let complete =
            given.lxcVersion != nil && given.cgroupV1Controllers != nil && given.cgroupV2Controllers != nil
            && given.cpus != nil && given.bridgeMTU != nil && given.lxcConfigDir != nil && given.kernelRelease != nil
        return complete ? given : given.merged(over: LXCHostFacts.current())
    }
}

/// `pve-guestsetup host-facts`: this host's facts as JSON (the format `lxc-config --host-facts` reads).
enum HostFactsCommand: CLICommand {
    static let spec = CommandSpec(
        name: "host-facts",
        abstract: "Print this host's facts for LXC config generation as JSON.",
        usage: "host-facts [--json]",
        discussion: """
            Prints the LXC version, the cgroup v1 and v2 controllers, the CPUs of the lxc
            cgroup's cpuset, each network interface's MTU, the LXC config directory and the kernel
            release, as read from this host, in the JSON format 'lxc-config --host-facts' reads.
            A missing cgroup v2 hierarchy or LXC installation is null.
            """,
        options: [.flag("--json", help: "Accepted for uniformity: the output is JSON anyway; errors too.")],
        jsonFields: [
            ("lxcVersion", "LXC's version (lxc-start --version), or null."),
            ("cgroupV1Controllers", "The mounted cgroup v1 controllers."),
            ("cgroupV2Controllers", "The cgroup v2 controllers, or null without a v2 hierarchy."),
            ("cpus", "The CPUs of the lxc cgroup's cpuset (e.g. 0-3), or null."),
            ("bridgeMTU", "Each network interface's MTU, by name."),
            ("lxcConfigDir", "LXC's config directory (/usr/share/lxc/config), or null."),
            ("kernelRelease", "The kernel release (uname -r)."),
        ]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        _ = try parsed.requirePositionals([])
        console.out(json(LXCHostFacts.current()).rendered())
        return 0
    }

    static func json(_ facts: LXCHostFacts) -> JSON {
        func strings(_ list: [String]?) -> JSON { list.map { JSON.array($0.map(JSON.string)) } ?? .null }
        func string(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
        let bridges = facts.bridgeMTU.map { mtus in
            JSON.object(mtus.keys.sorted().map { ($0, JSON.int(mtus[$0] ?? 0)) })
        }
        return .object([
            ("lxcVersion", string(facts.lxcVersion)),
            ("cgroupV1Controllers", strings(facts.cgroupV1Controllers)),
            ("cgroupV2Controllers", strings(facts.cgroupV2Controllers)),
            ("cpus", string(facts.cpus)),
            ("bridgeMTU", bridges ?? .null),
            ("lxcConfigDir", string(facts.lxcConfigDir)),
            ("kernelRelease", string(facts.kernelRelease)),
        ])
    }
}
