import Glibc
import PVEConfig
import PVEGuestOS
import PVEGuestSetup
import PVERuntime
import PVEStorage
import PVESystem

/// The id range unprivileged containers map their root to (Proxmox's fixed default).
enum SubordinateIDs {
    static let base: UInt64 = 100_000
    static let count: UInt64 = 65_536

    /// Whether a `/etc/subuid`-style text gives `root` (or uid 0) a range covering
    /// `base ..< base + count` (pure).
    static func hasRootRange(_ text: String) -> Bool {
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            guard fields.count == 3, fields[0] == "root" || fields[0] == "0",
                let start = UInt64(fields[1]), let n = UInt64(fields[2])
            else { continue }
            if start <= base && start + n >= base + count { return true }
        }
        return false
    }

    /// Fails with the line to add when `path` lacks root's range.
    static func check(_ path: String) throws(CommandFailure) {
        let text = HostFacts.readHostFile(path).map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !hasRootRange(text) {
            throw CommandFailure(
                "unprivileged containers need a subordinate id range for root: add the line 'root:\(base):\(count)' to \(path)")
        }
    }
}

/// What `create` was asked for, checked (pure).
struct CreateRequest: Sendable {
    var vmid: String
    var template: String
    /// Config keys and values in the order given (`rootfs` defaulted to `local:4`).
    var settings: [(key: String, value: String)]
    var password: String?
    var sshKeys: String?
    /// The storage of the default rootfs (`pct create --storage`).
    var defaultStorage = "local"

    /// Proxmox's create defaults to an unprivileged container unless `-unprivileged 0` is given.
    var unprivileged: Bool { settings.last { $0.key == "unprivileged" }.map { $0.value != "0" } ?? true }

    /// The config `pct create` writes before allocation: the given keys validated, `netN`
    /// completed with `type=veth` and a generated `hwaddr`, `rootfs` defaulted.
    func initialConfig(mac: () -> String) throws(UsageError) -> ContainerConfig {
        var config = ContainerConfig()
        for (key, value) in settings {
            var text = value
            if key.hasPrefix("net"), Int(key.dropFirst(3)) != nil {
                do { text = try NetworkInterface(parsing: value, macGenerator: mac).propertyString } catch {
                    throw UsageError("invalid format for '\(key)': \(error)")
                }
            }
            do { try config.set(key, to: try ConfigValidation.validate(key: key, value: text)) } catch {
                throw UsageError("\(key): \(error.message)")
            }
        }
        do {
            if config.main["rootfs"] == nil { try config.set("rootfs", to: defaultStorage + ":4") }
            if unprivileged { try config.set("unprivileged", to: "1") } else { config.remove("unprivileged") }
        } catch {
            throw UsageError(error.message)
        }
        return config
    }
}

/// The tar option for a template's compression, from its first bytes (pure): gzip, xz, zstd,
/// bzip2, or none for a plain tarball (tar cannot detect compression on a pipe).
enum TemplateCompression {
    static func tarOption(magic: [UInt8]) -> String? {
        func starts(_ prefix: [UInt8]) -> Bool { magic.count >= prefix.count && Array(magic.prefix(prefix.count)) == prefix }
        if starts([0x1F, 0x8B]) { return "--gzip" }
        if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return "--xz" }
        if starts([0x28, 0xB5, 0x2F, 0xFD]) { return "--zstd" }
        if starts([0x42, 0x5A, 0x68]) { return "--bzip2" }
        return nil
    }
}

extension ContainerHost {
    /// Resolves a template argument: a volume ID (`local:vztmpl/…`) through the storage
    /// configuration, or a host path. Must be a regular file.
    func templatePath(_ template: String) throws(CommandFailure) -> String {
        var path = template
        if !template.hasPrefix("/"), template.contains(":") {
            do { path = try storage.storageConfig().path(of: template) } catch { throw CommandFailure(error.message) }
        }
        var st = stat()
        guard stat(path, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw CommandFailure("template '\(template)' does not exist or is not a file ('\(path)')")
        }
        return path
    }

    /// Extracts a template tarball into `rootfs` with the host's `tar` (compression detected by tar),
    /// keeping numeric owners; inside a user namespace mapped to 100000+ for an unprivileged container
    /// (Proxmox: `PVE::LXC::Create::restore_archive` with `lxc-usernsexec`).
    func extract(_ archive: String, into rootfs: String, unprivileged: Bool) throws(CommandFailure) {
        var arguments = [
            "xpf", unprivileged ? "-" : archive, "--totals", "--one-file-system", "--sparse", "--numeric-owner", "--xattrs",
            "--xattrs-include=user.*", "--xattrs-include=security.capability", "--warning=no-file-ignored",
            "--warning=no-xattr-write", "-C", rootfs, "--skip-old-files", "--anchored", "--exclude", "./dev/*",
        ]
        var program = tar
        if let option = TemplateCompression.tarOption(magic: Self.firstBytes(archive, 8)) { arguments.insert(option, at: 2) }
        if unprivileged {
            // The mapped root cannot open the host's archive: host root reads it into a pipe
            // (Proxmox hands tar an open file descriptor). No shell expansion of the arguments.
            let map = "\(SubordinateIDs.base):\(SubordinateIDs.count)"
            // It enters the rootfs from here too, so the directories above it need not be open to it.
            arguments[arguments.firstIndex(of: rootfs)!] = "."
            arguments =
                [
                    "-c", "cd -- \"$2\" || exit 1; cat -- \"$1\" | (shift 2; exec \"$@\")", "sh", archive, rootfs,
                    lxc.toolPath("lxc-usernsexec"), "-m", "u:0:\(map)", "-m", "g:0:\(map)", "--", tar,
                ] + arguments
            program = "/bin/sh"
        }
        let result: CommandResult
        do { result = try runner.run(Command(program, arguments)) } catch {
            throw CommandFailure("unable to run \(program) - \(error.description)")
        }
        if !result.status.isSuccess {
            let stderr = String(decoding: result.standardError, as: UTF8.self)
            throw CommandFailure("extracting archive '\(archive)' failed: \(stderr.isEmpty ? "\(result.status)" : stderr)")
        }
    }

    /// The first `count` bytes of a host file (fewer when it is shorter or unreadable).
    static func firstBytes(_ path: String, _ count: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: count)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, count) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    /// `pct create`: everything it made is removed again when a step fails.
    func create(_ request: CreateRequest, warn: (String) -> Void) throws {
        let vmid = request.vmid
        if configExists(vmid) { throw CommandFailure("CT \(vmid) already exists on node '\(storageHost.node)'") }
        var config = try request.initialConfig { NetworkInterface.randomMAC(prefix: "BC:24:11") }
        let archive = try templatePath(request.template)
        if request.unprivileged {
            try SubordinateIDs.check(subuidPath)
            try SubordinateIDs.check(subgidPath)
        }
        try locked(vmid) { () throws in
            if configExists(vmid) { throw CommandFailure("CT \(vmid) already exists on node '\(storageHost.node)'") }
            try writeConfig(vmid, Array("lock: create\n".utf8))
            var volumes: [String] = []
            var mounted = false
            let storageConfig = try failing { () throws(StorageError) in try storage.storageConfig(warn: warn) }
            do {
                // rootfs and every mpN given as STORAGE:SIZE get a volume (PVE::LXC::create_disks).
                var requests: [(key: String, value: MountPoint)] = []
                // In Proxmox's volume order: rootfs, then mp0, mp1, …
                let mpKeys = config.main.keys.compactMap { $0.hasPrefix("mp") ? Int($0.dropFirst(2)) : nil }.sorted()
                for key in ["rootfs"] + mpKeys.map({ "mp\($0)" }) {
                    requests.append((key, try MountPoint(parsing: config.main[key] ?? "", kind: key == "rootfs" ? .rootfs : .mountPoint)))
                }
                let owner = try ContainerRootOwner(config: config)
                let made = try storageHost.createDisks(requests, vmid: vmid, config: storageConfig, rootOwner: owner)
                volumes = made.volumes
                for (key, value) in made.mountPoints { try config.set(key, to: value.propertyString) }
                try mountVolumes(vmid, config: config, warn: warn)
                mounted = true
                let rootfs = rootDirectory(vmid)
                try extract(archive, into: rootfs, unprivileged: request.unprivileged)
                try detectOS(&config, rootfs: rootfs, warn: warn)
                try runGuestSetup(
                    .postCreate, rootfs: rootfs, config: config, rootPassword: request.password, sshKeys: request.sshKeys,
                    warn: warn)
                unmountVolumes(vmid, config: config, warn: warn)
                mounted = false
                // Proxmox's defaults, written after the setup.
                if (config.main["hostname"] ?? "").isEmpty { try config.set("hostname", to: "CT\(vmid)") }
                if (config.main["memory"] ?? "0") == "0" { try config.set("memory", to: "512") }
                if config.main["swap"] == nil { try config.set("swap", to: "512") }
                try writeConfig(vmid, try ConfigWriter.write(config))
            } catch {
                if mounted { unmountVolumes(vmid, config: config, warn: warn) }
                for volume in volumes {
                    try? storageHost.free(volume, config: storageConfig)
                    removeEmptyImageDirectory(volume, config: storageConfig)
                }
                removeLXCDirectory(vmid)
                unlink(configPath(vmid))
                let text: String
                if let failure = error as? CommandFailure {
                    text = failure.message
                } else if let e = error as? StorageError {
                    text = e.message
                } else {
                    text = "\(error)"
                }
                throw CommandFailure("unable to create CT \(vmid) - \(text)")
            }
        }
    }

    /// Sets `ostype` (unless given) and `arch` from the extracted rootfs, as `pct create` does.
    func detectOS(_ config: inout ContainerConfig, rootfs: String, warn: (String) -> Void) throws {
        let fs = try RootFS(path: rootfs)
        let configured = config.main["ostype"].map { OSType($0) }
        let os: DetectedOS
        do { os = try OSDetector.detect(in: fs, configuredType: configured) } catch { throw CommandFailure(error.message) }
        for w in os.warnings { warn(w) }
        if config.main["ostype"] == nil { try config.set("ostype", to: os.type.rawValue) }
        if config.main["arch"] == nil {
            let arch = (try? OSDetector.architecture(in: fs)) ?? "amd64"
            try config.set("arch", to: arch)
        }
    }
}
