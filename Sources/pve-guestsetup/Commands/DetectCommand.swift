import PVEGuestOS
import PVESystem

/// `pve-guestsetup detect ROOTFS [--ostype T] [--json]`: the OS type Proxmox would pick.
///
/// Proxmox: `PVE::LXC::Setup->new` (detection and the plugin's version checks, no guest changes).
enum DetectCommand: CLICommand {
    static let spec = CommandSpec(
        name: "detect",
        abstract: "Detect the guest OS type of a container root file system.",
        usage: "detect <rootfs> [--ostype <type>] [--json]",
        discussion: """
            Prints the OS type Proxmox VE would pick for the container as the first word, then the
            version its setup plugin keeps (if any). Warnings Proxmox would print go to stderr. Where
            Proxmox refuses the guest (unknown distribution, unsupported version), prints Proxmox's
            message and exits 1. Nothing in the guest is changed; every path is resolved inside the
            root file system.
            """,
        arguments: [("rootfs", "The container's root file system (a host directory).")],
        options: [
            .value(
                "--ostype", valueName: "type",
                help: "The configured 'ostype' of the container (compared with the detected one)."),
            .flag(
                "--json",
                help: "Print the full detection report (evidence, os-release, warnings, architecture) as JSON."),
        ],
        examples: [
            ("detect /var/lib/lxc/100/rootfs", "Prints e.g. 'debian 12.5'."),
            ("detect /var/lib/lxc/100/rootfs --ostype ubuntu --json", "The full report, compared with a configured type."),
        ],
        jsonFields: [
            ("ostype", "The OS type Proxmox picks, or null when it refuses the guest."),
            ("version", "The version the setup plugin keeps (may be empty), or null."),
            ("accepted", "Whether Proxmox accepts the guest (exit status 0)."),
            ("error", "Proxmox's message when it refuses the guest, else null."),
            ("warnings", "Warnings Proxmox prints."),
            ("configuredOstype, autodetectedOstype", "The --ostype given, and what detection alone finds."),
            ("decidedBy, versionFrom", "Evidence: {file, line, text, rule} for the type and the version, or null."),
            ("codename, osReleaseFile, id, idLike, versionId, prettyName", "What the guest's os-release says."),
            ("osRelease, osReleaseStandard", "The os-release variables (all, and the standard file's), or null."),
            ("architecture, architectureError", "The guest's architecture from its ELF binaries, or why it is unknown."),
        ],
        completions: ["--ostype": .words(OSType.all.map(\.rawValue))]
    )

    static func run(_ args: [String], console: inout Console) throws -> Int32 {
        guard let parsed = try parse(args, console: &console) else { return 0 }
        let rootPath = try parsed.requirePositionals(["rootfs"])[0]
        let configured = parsed.value("--ostype").map(OSType.init(rawValue:))
        if rootPath.isEmpty || rootPath == "/" { throw CommandFailure("no root directory") }
        let fs: RootFS
        do {
            fs = try RootFS(path: rootPath)
        } catch {
            throw CommandFailure("detect: \(error)")
        }
        let report = OSDetector.report(in: fs, configuredType: configured)
        if parsed.flag("--json") {
            console.out(reportJSON(report, fs: fs).rendered())
            return report.detected == nil ? 1 : 0
        }
        for warning in report.warnings { console.err(warning + "\n") }
        guard let detected = report.detected else {
            throw CommandFailure(report.error ?? "unable to detect OS distribution")
        }
        console.out(detected.version.isEmpty ? "\(detected.type)\n" : "\(detected.type) \(detected.version)\n")
        return 0
    }

    static func optional(_ s: String?) -> JSON {
        guard let s else { return JSON.null }
        return JSON.string(s)
    }

    static func evidence(_ e: Evidence?) -> JSON {
        guard let e else { return JSON.null }
        var members: [(String, JSON)] = []
        members.append(("file", JSON.string(e.file)))
        members.append(("line", e.line.map { JSON.int($0) } ?? JSON.null))
        members.append(("text", optional(e.text)))
        members.append(("rule", JSON.string(e.rule)))
        return JSON.object(members)
    }

    static func variables(_ release: OSRelease?) -> JSON {
        guard let release else { return JSON.null }
        let final = release.values
        var seen: Set<String> = []
        var members: [(String, JSON)] = []
        for (name, _) in release.assignments where seen.insert(name).inserted {
            members.append((name, JSON.string(final[name] ?? "")))
        }
        return JSON.object(members)
    }

    static func reportJSON(_ report: DetectionReport, fs: RootFS) -> JSON {
        var architecture = JSON.null
        var architectureError = JSON.null
        if let type = report.detected?.type {
            do {
                architecture = optional(try OSDetector.architecture(in: fs, for: type))
            } catch {
                architectureError = JSON.string(error.message)
            }
        }
        let standard = report.standardOSRelease
        var m: [(String, JSON)] = []
        m.append(("ostype", optional(report.detected?.type.rawValue)))
        m.append(("version", optional(report.detected?.version)))
        m.append(("accepted", JSON.bool(report.detected != nil)))
        m.append(("error", optional(report.error)))
        m.append(("warnings", JSON.array(report.warnings.map { JSON.string($0) })))
        m.append(("configuredOstype", optional(report.configuredType?.rawValue)))
        m.append(("autodetectedOstype", optional(report.autodetectedType?.rawValue)))
        m.append(("decidedBy", evidence(report.decidedBy)))
        m.append(("versionFrom", evidence(report.versionFrom)))
        m.append(("codename", optional(report.codename)))
        m.append(("osReleaseFile", optional(report.osReleaseFile)))
        m.append(("id", optional(standard?["ID"])))
        m.append(("idLike", JSON.array(report.idLike.map { JSON.string($0) })))
        m.append(("versionId", optional(standard?["VERSION_ID"])))
        m.append(("prettyName", optional(report.prettyName)))
        m.append(("osRelease", variables(report.osRelease)))
        m.append(("osReleaseStandard", variables(standard)))
        m.append(("architecture", architecture))
        m.append(("architectureError", architectureError))
        return JSON.object(m)
    }
}
