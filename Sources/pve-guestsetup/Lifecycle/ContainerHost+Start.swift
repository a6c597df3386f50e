import Glibc
import PVEConfig
import PVEGuestSetup
import PVELXCConfig
import PVERuntime
import PVEStorage
import PVESystem

/// The LXC config Proxmox generates, adapted to a host without Proxmox's LXC package (pure).
enum LXCConfigAdaptation {
    /// Rewrites Proxmox's generated `config`:
    /// - `/var/lib/lxc/<vmid>/` paths (rootfs, seccomp rules) point into `lxcPath` instead;
    /// - without Proxmox's `lxcnetaddbr`, each `lxc.net.N.script.up = …lxcnetaddbr` line becomes
    ///   `lxc.net.N.link = <bridge>` (the `bridge=` of the matching `netN`), so LXC itself adds the
    ///   host end of the veth to the bridge (no VLAN tag or firewall bridge: those need Proxmox's script).
    static func adapt(
        _ text: String, vmid: String, lxcPath: String, bridges: [Int: String], hasLxcnetaddbr: Bool
    ) -> String {
        let proxmoxDirectory = "/var/lib/lxc/\(vmid)/"
        let ourDirectory = lxcPath + "/" + vmid + "/"
        var out = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var l = String(line)
            if proxmoxDirectory != ourDirectory, l.contains(proxmoxDirectory) {
                l = l.split(separator: proxmoxDirectory, omittingEmptySubsequences: false).joined(separator: ourDirectory)
            }
            if !hasLxcnetaddbr, l.hasPrefix("lxc.net."), l.hasSuffix(".script.up = /usr/share/lxc/lxcnetaddbr") {
                let index = l.dropFirst("lxc.net.".count).prefix { $0 != "." }
                guard let n = Int(index), let bridge = bridges[n] else { continue }
                l = "lxc.net.\(n).link = \(bridge)"
            }
            out += l + "\n"
        }
        out.removeLast()
        return out
    }
}

extension ContainerHost {
    /// The LXC state, or STOPPED when LXC does not know the container.
    func state(_ vmid: String) -> ContainerState {
        (try? lxc.state(of: vmid)) ?? .stopped
    }

    /// Writes `<lxcpath>/<vmid>/config` (and `rules.seccomp`) from the config's main section.
    func writeLXCConfig(_ vmid: String, config: ContainerConfig, warn: (String) -> Void) throws(CommandFailure) {
        var random = Drand48(seed: UInt64(truncatingIfNeeded: time(nil)) ^ UInt64(getpid()))
        let output: LXCConfigOutput
        do {
            output = try LXCConfigGenerator.generate(
                config, vmid: vmid, facts: LXCHostFacts.current(), host: LiveHostLookup(), random: &random)
        } catch {
            for w in error.warnings { warn(w.hasSuffix("\n") ? String(w.dropLast()) : w) }
            throw CommandFailure(error.message.hasSuffix("\n") ? String(error.message.dropLast()) : error.message)
        }
        for w in output.warnings { warn(w.hasSuffix("\n") ? String(w.dropLast()) : w) }
        var bridges: [Int: String] = [:]
        for key in config.main.keys where key.hasPrefix("net") {
            if let n = Int(key.dropFirst(3)), let value = config.main[key], let net = try? NetworkInterface(parsing: value),
                let bridge = net.bridge
            {
                bridges[n] = bridge
            }
        }
        var st = stat()
        let hasScript = stat(lxcnetaddbr, &st) == 0
        let directory = lxcDirectory(vmid)
        do {
            let fs = try RootFS(path: "/")
            try fs.makeDirectories(directory, mode: 0o755, owner: nil)
            for (name, bytes) in output.files.sorted(by: { $0.key < $1.key }) {
                var data = bytes
                if name == "config" {
                    let text = LXCConfigAdaptation.adapt(
                        String(decoding: bytes, as: UTF8.self), vmid: vmid, lxcPath: lxcPath, bridges: bridges,
                        hasLxcnetaddbr: hasScript)
                    data = Array(text.utf8)
                }
                try fs.write(directory + "/" + name, data, options: WriteOptions(mode: 0o644))
            }
        } catch {
            throw CommandFailure("unable to write the LXC config in '\(directory)' - \(error)")
        }
    }

    /// `pct start`: lock, refuse when locked or running, apply pending changes, generate the LXC
    /// config, mount the volumes, run the pre-start setup, `lxc-start`, wait until RUNNING. On a
    /// failure LXC's own error lines (from its log) are printed and the volumes unmounted.
    func start(_ vmid: String, warn: (String) -> Void) throws {
        try locked(vmid) { () throws in
            var document = try readConfig(vmid)
            var config = document.config
            try failing { () throws(ConfigOperationError) in try config.checkLock() }
            if state(vmid) != .stopped { throw CommandFailure("CT \(vmid) already running") }
            if config.isTemplate { throw CommandFailure("you can't start a CT if it's a template") }
            if !config.pending.isEmpty {
                try failing { () throws(ConfigOperationError) in try config.applyPending() }
                document.update(to: config)
                try writeConfig(vmid, document.bytes)
            }
            try writeLXCConfig(vmid, config: config, warn: warn)
            unmountVolumes(vmid, config: config, warn: { _ in })
            try mountVolumes(vmid, config: config, warn: warn)
            removeStaleCgroups(vmid)
            do {
                try runGuestSetup(.preStart, rootfs: rootDirectory(vmid), config: config, warn: warn)
                try launch(vmid)
            } catch {
                unmountVolumes(vmid, config: config, warn: warn)
                removeStaleCgroups(vmid)
                throw error
            }
        }
    }

    /// The cgroup directories the generated config names for a container, relative to each
    /// hierarchy, deepest first so that each is empty when its turn comes. Pure.
    static func containerCgroupDirectories(_ vmid: String) -> [String] {
        let cgroups = LXCConfigGenerator.cgroupDirectories(vmid)
        return [cgroups.container + "/" + cgroups.inner, cgroups.container, cgroups.monitor]
    }

    /// Removes the empty cgroups a stopped container left behind. LXC (Debian's 5.0 on a hybrid
    /// cgroup v1 host) keeps `lxc.monitor/<vmid>` after a start that failed during setup, and then
    /// refuses every later start of that VMID ("Failed to create monitor cgroup"). Called only
    /// while the config lock is held and the container is stopped. `rmdir` on a cgroup that still
    /// has tasks fails with EBUSY: the monitor of a start that just failed may still be exiting, so
    /// a busy cgroup is tried again for at most about a second, then left alone (nothing in use is
    /// ever touched; a cgroup with children fails with ENOTEMPTY and is left at once).
    func removeStaleCgroups(_ vmid: String) {
        guard let cgroups = try? RootFS(path: "/sys/fs/cgroup") else { return }
        // cgroup v2: one hierarchy at the root; v1/hybrid: one per controller directory.
        let unified = (try? cgroups.info("/cgroup.controllers", followSymlinks: false)) != nil
        let hierarchies = unified ? [""] : ((try? cgroups.list("/")) ?? []).map { "/" + $0 }
        var busyRetries = 100  // 10 ms apart, shared by all directories
        for hierarchy in hierarchies {
            for directory in Self.containerCgroupDirectories(vmid) {
                while true {
                    do {
                        try cgroups.removeDirectory(hierarchy + "/" + directory)
                    } catch let error where error.errno == EBUSY && busyRetries > 0 {
                        busyRetries -= 1
                        usleep(10_000)
                        continue
                    } catch {}
                    break
                }
            }
        }
    }

    /// `lxc-start` in the background with an error-level log. A daemonized `lxc-start` returns
    /// success only once the container reached RUNNING (LXC waits for that state itself), so no
    /// `lxc-wait` follows; on failure LXC's own error lines are the message.
    func launch(_ vmid: String) throws(CommandFailure) {
        let log = lxcDirectory(vmid) + "/lxc-start.log"
        unlink(log)
        var detail = ""
        do {
            let command = try lxc.startCommand(vmid, options: StartOptions(logFile: log, logPriority: "ERROR"))
            let result = try runner.run(command, options: RunOptions(timeout: .seconds(60)))
            if result.status.isSuccess && !result.timedOut { return }
            detail = String(decoding: result.standardError, as: UTF8.self)
        } catch {
            detail = error.description
        }
        var message = "startup for container '\(vmid)' failed"
        let reasons = (HostFacts.readHostFile(log).map { String(decoding: $0, as: UTF8.self) } ?? "")
            .split(separator: "\n").filter { $0.contains("ERROR") }
        if reasons.isEmpty {
            if !detail.isEmpty { message += "\n" + detail }
        } else {
            for line in reasons.suffix(12) { message += "\n" + line }
        }
        throw CommandFailure(message)
    }

    /// `pct stop` (kill) or `pct shutdown` (clean, with a timeout); unmounts the volumes after.
    func stop(_ vmid: String, mode: StopMode, warn: (String) -> Void) throws {
        let document = try readConfig(vmid)
        if state(vmid) == .stopped { throw CommandFailure("CT \(vmid) not running") }
        do {
            _ = try lxc.stop(vmid, mode: mode)
        } catch {
            throw CommandFailure(error.description)
        }
        unmountVolumes(vmid, config: document.config, warn: warn)
    }

    /// `pct reboot`: a clean shutdown, then a start.
    func reboot(_ vmid: String, timeout: Int?, warn: (String) -> Void) throws {
        if state(vmid) == .stopped { throw CommandFailure("CT \(vmid) not running") }
        try stop(vmid, mode: .shutdown(timeout: timeout, forceAfterTimeout: true), warn: warn)
        try start(vmid, warn: warn)
    }

    /// `pct destroy`: refuses a running container; removes the volumes, the config and the LXC
    /// directory. `purge` is accepted for pct's spelling (no job or HA configs exist here).
    func destroy(_ vmid: String, warn: (String) -> Void) throws {
        try locked(vmid) { () throws in
            let document = try readConfig(vmid)
            let config = document.config
            try failing { () throws(ConfigOperationError) in try config.checkLock() }
            if config.main["protection"].map({ $0 == "1" }) == true {
                throw CommandFailure("can't remove CT \(vmid) - protection mode enabled")
            }
            if state(vmid) != .stopped { throw CommandFailure("unable to destroy CT \(vmid) - container is running") }
            unmountVolumes(vmid, config: config, warn: warn)
            let storageConfig = try failing { () throws(StorageError) in try storage.storageConfig(warn: warn) }
            for volume in ownedVolumes(vmid, config: config) {
                try failing { () throws(StorageError) in try storageHost.free(volume, config: storageConfig) }
                removeEmptyImageDirectory(volume, config: storageConfig)
            }
            removeLXCDirectory(vmid)
            if unlink(configPath(vmid)) != 0 {
                throw CommandFailure("unable to remove '\(configPath(vmid))' - \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The storage volumes of this container in the config (rootfs, mpN, unusedN; pending values and
    /// snapshots too),
    /// owned by `vmid` (`STORAGE:VMID/…`), each once.
    func ownedVolumes(_ vmid: String, config: ContainerConfig) -> [String] {
        var sections = [config.main, config.pending]
        sections += config.snapshots.values
        var seen: [String] = []
        for section in sections {
            for key in section.keys {
                guard key == "rootfs" || key.hasPrefix("mp") || key.hasPrefix("unused"), let value = section[key] else {
                    continue
                }
                let volume: String
                if key.hasPrefix("unused") {
                    volume = value
                } else if let mp = try? MountPoint(parsing: value, kind: key == "rootfs" ? .rootfs : .mountPoint) {
                    volume = mp.volume
                } else {
                    continue
                }
                guard let colon = volume.firstIndex(of: ":"), !volume.hasPrefix("/"),
                    volume[volume.index(after: colon)...].hasPrefix(vmid + "/"), !seen.contains(volume)
                else { continue }
                seen.append(volume)
            }
        }
        return seen
    }

    /// Removes the volume's `images/<vmid>` directory once it is empty (Proxmox leaves it; we
    /// leave nothing of a destroyed container behind).
    func removeEmptyImageDirectory(_ volume: String, config: StorageConfig) {
        guard let path = try? config.path(of: volume), let slash = path.lastIndex(of: "/") else { return }
        rmdir(String(path[..<slash]))
    }

    /// Removes `<lxcpath>/<vmid>` (config, seccomp rules, log, the empty rootfs mount point).
    func removeLXCDirectory(_ vmid: String) {
        let directory = lxcDirectory(vmid)
        guard let fs = try? RootFS(path: lxcPath) else { return }
        for name in ["config", "rules.seccomp", "lxc-start.log"] { _ = try? fs.unlink("/" + vmid + "/" + name) }
        _ = try? fs.removeDirectory("/" + vmid + "/rootfs")
        _ = try? fs.removeDirectory("/" + vmid)
        _ = directory
    }

    /// The VMIDs with a `<vmid>.conf` in the config directory, in numeric order.
    func vmids() -> [String] {
        guard let fs = try? RootFS(path: configDirectory), let names = try? fs.list("/") else { return [] }
        return names.compactMap { name -> String? in
            guard name.hasSuffix(".conf") else { return nil }
            let id = String(name.dropLast(5))
            return VMID.isValid(id) ? id : nil
        }.sorted { Int($0)! < Int($1)! }
    }
}

/// Runs a library operation, turning its error (a message) into a reported failure (exit 1).
func failing<T, E: Error & CustomStringConvertible>(_ body: () throws(E) -> T) throws(CommandFailure) -> T {
    do { return try body() } catch {
        let text = error.description
        throw CommandFailure(text.hasSuffix("\n") ? String(text.dropLast()) : text)
    }
}
