import Glibc
import PVEConfig
import PVEGuestOS
import PVEGuestSetup
import PVERuntime
import PVESystem

/// `pve-guestsetup apply`: runs a Proxmox setup hook on a container root file system.
///
/// Proxmox: `PVE::LXC::Setup::post_create_hook` / `pre_start_hook` / `post_clone_hook`.
enum ApplyCommand: CLICommand {
    static let spec = CommandSpec(
        name: "apply",
        abstract: "Apply a container config to its root file system, as Proxmox's setup hooks do.",
        usage: "apply --config <file> --rootfs <dir> [options]",
        discussion: """
            Writes inside the guest exactly what Proxmox writes (hostname, hosts, DNS, network, \
            password, keys, gettys, ...). All changes are prepared first and written only if every \
            step succeeds. The current time honours SOURCE_DATE_EPOCH.
            """,
        options: [
            .value("--config", valueName: "file", help: "The container config (<vmid>.conf)."),
            .value("--rootfs", valueName: "dir", help: "The container's root file system."),
            .value("--hook", valueName: "hook", help: "pre-start (default), post-create or post-clone."),
            .value("--root-password", valueName: "pw", help: "Root password or crypt hash (post-create)."),
            .repeated("--ssh-key", valueName: "line", help: "An authorized key for root (post-create; repeatable)."),
            .value("--host-resolv-conf", valueName: "file", help: "The host's resolv.conf (default /etc/resolv.conf)."),
            .value("--host-timezone", valueName: "zone", help: "The host's time zone (default: the host's)."),
            .value("--seed", valueName: "n", help: "Reproducible run: crontab minutes from Perl's srand(n), all-zero connection UUIDs (Proxmox's test mode)."),
            .flag("--dry-run", help: "Write nothing; print a unified diff of what would change."),
            .flag("--json", help: "Print a JSON report of every file touched and why."),
        ],
        examples: [
            ("apply --dry-run --config 100.conf --rootfs /var/lib/lxc/100/rootfs", "Show the changes as a diff, write nothing."),
            ("apply --config 100.conf --rootfs /var/lib/lxc/100/rootfs --hook post-create --root-password secret", "What 'pct create' does inside the guest."),
        ],
        jsonFields: [
            ("hook, ostype, version", "The hook run and the guest's detected OS type and version."),
            ("dry_run", "Whether nothing was written."),
            ("files", "Every file touched: {path, action, steps, why, mode, owner}."),
            ("messages", "What the steps reported: {kind (info or warning), text}."),
        ],
        completions: ["--hook": .words(SetupHook.allCases.map(\.rawValue))]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        _ = try parsed.requirePositionals([])
        guard let configPath = parsed.value("--config") else { throw UsageError("Missing expected argument '--config <file>'") }
        guard let rootfs = parsed.value("--rootfs") else { throw UsageError("Missing expected argument '--rootfs <dir>'") }
        let hookName = parsed.value("--hook") ?? SetupHook.preStart.rawValue
        guard let hook = SetupHook(rawValue: hookName) else {
            throw UsageError("The value '\(hookName)' is invalid for '--hook <hook>' (pre-start, post-create, post-clone)")
        }
        var seed: UInt64?
        if let s = parsed.value("--seed") {
            guard let v = UInt64(s) else { throw UsageError("The value '\(s)' is invalid for '--seed <n>'") }
            seed = v
        }
        let configBytes: [UInt8]
        do {
            configBytes = try ConfigFileIO.read(configPath)
        } catch {
            throw CommandFailure("apply: \(error.description)")
        }
        var st = stat()
        guard stat(rootfs, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw CommandFailure("apply: rootfs '\(rootfs)' is not a directory")
        }
        let config: ContainerConfig
        do {
            let read = try ConfigReader.read(
                configBytes, file: configPath, vmid: ConfigReader.vmid(fromPath: configPath) ?? "100", mode: .lenient,
                digest: false)
            for d in read.diagnostics where d.kind == .warning || d.kind == .error {
                console.err(d.message.hasSuffix("\n") ? d.message : d.message + "\n")
            }
            config = read.config
        } catch {
            throw CommandFailure("apply: \(configPath): \(error.message)")
        }

        let resolvPath = parsed.value("--host-resolv-conf") ?? "/etc/resolv.conf"
        var host = HostEnvironment()
        let resolv: [UInt8]?
        if parsed.value("--host-resolv-conf") != nil {
            do {
                resolv = try ConfigFileIO.read(resolvPath, kind: .hostFile)
            } catch {
                throw CommandFailure("apply: cannot read host resolv.conf '\(resolvPath)': \(error.description)")
            }
        } else {
            resolv = HostFacts.readHostFile(resolvPath)
        }
        if let resolv {
            let parsedResolv = HostEnvironment.parseResolvConf(resolv)
            host.search = parsedResolv.search
            host.nameservers = parsedResolv.nameservers
        }
        let zone = parsed.value("--host-timezone") ?? HostFacts.timezone()
        host.timezone = zone
        host.localtime = "/usr/share/zoneinfo/\(zone)"

        let keys = parsed.all("--ssh-key")
        let fs: RootFS
        do {
            fs = try RootFS(path: rootfs)
        } catch {
            throw CommandFailure("apply: rootfs '\(rootfs)': \(error.reason)")
        }
        let dryRun = parsed.flag("--dry-run")
        let json = parsed.flag("--json")

        let os: DetectedOS
        do {
            os = try OSDetector.detect(in: fs, configuredType: config.main["ostype"].map { OSType($0) })
        } catch {
            for w in error.warnings { console.err(w + "\n") }
            throw CommandFailure("apply: " + (error.file.map { "\($0): " } ?? "") + error.message)
        }
        for w in os.warnings { console.err(w + "\n") }

        let result: GuestSetupResult
        do {
            // Without --seed the run is random, as in production Proxmox (fresh connection UUIDs);
            // a seeded run is reproducible (srand(seed), all-zero UUIDs of Proxmox's test mode).
            let request = GuestSetupRequest(
                hook: hook, rootPassword: parsed.value("--root-password"),
                sshKeys: keys.isEmpty ? nil : keys.joined(separator: "\n"), host: host, now: HostFacts.now(), seed: seed,
                processOwner: FileOwner(uid: getuid(), gid: getgid()), sshKeyGenerator: SSHKeygen(runner: SpawnRunner()),
                dryRun: dryRun)
            result = try GuestSetup.apply(request, config: config, os: os, to: fs)
        } catch {
            throw CommandFailure(failureText(error))
        }

        for m in result.messages {
            switch m.kind {
            case .info:
                if json {
                    break
                } else if dryRun {
                    console.err(m.text + "\n")
                } else {
                    console.out(m.text + "\n")
                }
            case .warning: console.err("WARN: " + m.text + "\n")
            }
        }
        if json {
            console.out(renderJSON(result.report, hook: hook, os: os, dryRun: dryRun, messages: result.messages).rendered() + "\n")
        } else if dryRun {
            console.writeOutBytes(UnifiedDiff.render(result.changes))
        }
        return 0
    }

    static func failureText(_ error: SetupError) -> String {
        var text = "apply: "
        if let path = error.path, !error.message.contains(path) { text += "\(path): " }
        text += error.message
        if let step = error.step { text += "\nerror in setup task \(step)" }
        return text
    }

    static func renderJSON(
        _ report: SetupReport, hook: SetupHook, os: DetectedOS, dryRun: Bool, messages: [SetupMessage]
    ) -> JSON {
        func octal(_ m: UInt32) -> String {
            let s = String(m, radix: 8)
            return String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
        let files: [JSON] = report.entries.map { e in
            var members: [(String, JSON)] = [
                ("path", .string(e.path)), ("action", .string(e.action)),
                ("steps", .array(e.steps.map { .string($0) })), ("why", .array(e.how.map { .string($0) })),
            ]
            members.append(("mode", e.mode.map { .string(octal($0)) } ?? .null))
            members.append(("owner", e.owner.map { .string($0.description) } ?? .null))
            return .object(members)
        }
        return .object([
            ("hook", .string(hook.rawValue)), ("ostype", .string(os.type.rawValue)), ("version", .string(os.version)),
            ("dry_run", .bool(dryRun)), ("files", .array(files)),
            ("messages", .array(messages.map { .object([("kind", .string($0.kind == .info ? "info" : "warning")), ("text", .string($0.text))]) })),
        ])
    }
}
