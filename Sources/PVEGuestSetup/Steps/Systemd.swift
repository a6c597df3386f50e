import PVEConfig
import PVECore
import PVESystem

extension BaseSetup {
    /// The guest's systemd unit directory: `/lib/systemd/system` if `/lib/systemd/systemd` is
    /// executable, else `/usr/lib/systemd/system`.
    static func systemdUnitDirectory(_ ctx: SetupContext) -> String {
        ctx.isExecutable("/lib/systemd/systemd") ? "/lib/systemd/system" : "/usr/lib/systemd/system"
    }

    /// Replaces every occurrence of any of `needles` by `replacement`; returns nil if none occurred.
    static func replaceAll(_ data: [UInt8], _ needles: [[UInt8]], with replacement: [UInt8]) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(data.count)
        var i = 0
        var replaced = false
        outer: while i < data.count {
            for n in needles where data.count - i >= n.count && data[i..<(i + n.count)].elementsEqual(n) {
                out += replacement
                i += n.count
                replaced = true
                continue outer
            }
            out.append(data[i])
            i += 1
        }
        return replaced ? out : nil
    }

    /// `setup_container_getty_service`: `container-getty@.service` tty names and the
    /// `getty.target.wants` links for the configured tty count.
    package static func setupContainerGettyService(_ ctx: inout SetupContext, devttydir: String) throws(SetupError) {
        let sd = systemdUnitDirectory(ctx)
        var templatePath = "\(sd)/container-getty@.service"
        var instanceBase = "container-getty@"
        if !ctx.isFile(templatePath) {
            // Upstream falls back to a relative `getty@.service` (in `/` of the chroot).
            templatePath = "getty@.service"
            instanceBase = "{getty@}tty"
            guard ctx.isFile("/" + templatePath) else { return }
        }
        let raw = try ctx.contents(templatePath.hasPrefix("/") ? templatePath : "/" + templatePath)
        if let replaced = replaceAll(raw, [Array("pts/%I".utf8), Array("lxc/tty%I".utf8)], with: Array("\(devttydir)tty%I".utf8)) {
            try ctx.setContents(templatePath.hasPrefix("/") ? templatePath : "/" + templatePath, replaced)
        }
        let wants = "/etc/systemd/system/getty.target.wants/"
        let count = ctx.config.ttyCount
        for i in 1..<7 {
            ctx.unlink("\(wants)/getty@tty\(i).service")
            ctx.unlink("\(wants)/container-getty@\(i).service")
            if i <= count {
                ctx.symlink(templatePath, at: "\(wants)/\(instanceBase)\(i).service")
            }
        }
        ctx.unlink("/etc/systemd/system/getty.target")
    }

    /// `fixup_old_getty`: toggles `ConditionPathExists=/dev/tty0` ↔ `/dev/tty` in `getty@.service`.
    package static func fixupOldGetty(_ ctx: inout SetupContext) throws(SetupError) {
        let sd = systemdUnitDirectory(ctx)
        let getty = "\(sd)/getty@.service"
        guard ctx.isFile(getty) else { return }
        let raw = try ctx.contents(getty)
        let from: String
        let to: String
        if !ctx.isFile("\(sd)/container-getty@.service") {
            (from, to) = ("ConditionPathExists=/dev/tty0", "ConditionPathExists=/dev/tty")
        } else {
            (from, to) = ("ConditionPathExists=/dev/tty", "ConditionPathExists=/dev/tty0")
        }
        var lines = raw.split(separator: Bytes.newline, omittingEmptySubsequences: false).map(Array.init)
        // `s!^FROM$!TO!m`: the first line equal to FROM.
        if let i = lines.firstIndex(where: { $0 == Array(from.utf8) }) {
            lines[i] = Array(to.utf8)
            var out: [UInt8] = []
            for (n, l) in lines.enumerated() {
                if n > 0 { out.append(Bytes.newline) }
                out += l
            }
            try ctx.setContents(getty, out)
        }
    }

    /// `setup_systemd_preset`: `/etc/systemd/system-preset/00-pve.preset`.
    package static func setupSystemdPreset(_ ctx: inout SetupContext, extra: [String: Bool] = [:]) throws(SetupError) {
        var preset: [String: Bool] = [
            "sys-kernel-config.mount": false, "sys-kernel-debug.mount": false, "getty@.service": false,
            "container-getty@.service": true,
        ]
        for (k, v) in extra { preset[k] = v }
        var data = "# Added by PVE at create-time for first-boot configuration.\n"
        for unit in preset.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            data += (preset[unit] == true ? "enable " : "disable ") + unit + "\n"
        }
        ctx.makePath("/etc/systemd/system-preset")
        try ctx.setContents("/etc/systemd/system-preset/00-pve.preset", data.bytes)
    }

    /// `setup_systemd_disable_static_units`: masks static units by linking them to `/dev/null`.
    package static func setupSystemdDisableStaticUnits(_ ctx: inout SetupContext, extra: [String] = []) {
        for unit in ["sys-kernel-config.mount", "sys-kernel-debug.mount"] + extra {
            let path = "/etc/systemd/system/\(unit)"
            if !ctx.isFile(path) { ctx.symlink("/dev/null", at: path) }
        }
    }

    /// `setup_systemd_networkd`: one `/etc/systemd/network/<name>.network` per interface.
    package static func setupSystemdNetworkd(_ ctx: inout SetupContext) throws(SetupError) {
        for d in try ctx.config.interfaces() {
            guard let name = nonEmpty(d.name) else { continue }
            var data = "[Match]\nName = \(name)\n\n[Network]\nDescription = Interface \(name) autoconfigured by PVE\n"
            var routes = ""
            var hasV4 = false
            var hasV6 = false
            var dhcp = 0
            var acceptRA = "false"
            if let ip = d.ip {
                if ip == "dhcp" {
                    dhcp |= 1
                } else if ip != "manual" {
                    hasV4 = true
                    data += "Address = \(ip)\n"
                }
            }
            if let gw = d.gw {
                data += "Gateway = \(gw)\n"
                if hasV4, !IPAddress.isIP(gw, inCIDR: d.ip ?? "", version: 4) {
                    routes += "\n[Route]\nDestination = \(gw)/32\nScope = link\n"
                }
            }
            if let ip = d.ip6 {
                if ip == "dhcp" {
                    dhcp |= 2
                    acceptRA = "true"
                } else if ip == "auto" {
                    acceptRA = "true"
                } else if ip != "manual" {
                    hasV6 = true
                    data += "Address = \(ip)\n"
                }
            }
            if let gw = d.gw6 {
                acceptRA = "false"
                data += "Gateway = \(gw)\n"
                if hasV6, IPAddress.isOffLinkIPv6Gateway(gw, cidr: d.ip6 ?? "") {
                    routes += "\n[Route]\nDestination = \(gw)/128\nScope = link\n"
                }
            }
            data += "DHCP = \(["no", "ipv4", "ipv6", "yes"][dhcp])\n"
            data += "IPv6AcceptRA = \(acceptRA)\n"
            data += routes
            ctx.makePath("/etc/systemd/network")
            try ctx.setContents("/etc/systemd/network/\(name).network", data.bytes)
        }
    }

    /// `get_ct_init_path`: `/sbin/init`, symlinks followed inside the guest.
    package static func initPath(_ ctx: SetupContext) throws(SetupError) -> String? {
        let path = "/sbin/init"
        if ctx.isSymlink(path) { return try ctx.readLinkRecursive(path) }
        return path
    }

    /// `get_systemd_version`: the `NNN` of `libsystemd-shared-NNN.so` linked by the init binary,
    /// read from its ELF dynamic section (Proxmox runs `objdump -p`).
    /// - throws: `objdump on <init> failed: ...` when the file is missing or not an ELF file.
    package static func systemdVersion(_ ctx: SetupContext, initPath: String) throws(SetupError) -> Int? {
        let bytes: [UInt8]
        do {
            bytes = try ctx.fs.read(initPath, limit: 256 << 20)
        } catch {
            throw SetupError("objdump on \(initPath) failed: \(error.code == .notFound ? "No such file" : error.reason)", path: initPath)
        }
        guard ELFDynamic.isELF(bytes) else {
            throw SetupError("objdump on \(initPath) failed: file format not recognized", path: initPath)
        }
        return ELFDynamic.neededLibraries(bytes).compactMap(systemdSharedVersion).last
    }

    /// `libsystemd-shared-(\d+)(?:[-_.][a-zA-Z0-9]+)*\.so:?$`.
    static func systemdSharedVersion(_ name: String) -> Int? {
        let marker = Array("libsystemd-shared-".utf8)
        let bytes = Array(name.utf8)
        guard bytes.count > marker.count,
            let at = Bytes.firstIndex(of: marker, in: bytes)
        else { return nil }
        let rest = Substring(String(decoding: bytes[(at + marker.count)...], as: UTF8.self))
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let v = Int(digits) else { return nil }
        var tail = rest.dropFirst(digits.count)
        guard tail.hasSuffix(".so") else { return nil }
        tail = tail.dropLast(3)
        // The rest must be groups of [-_.][a-zA-Z0-9]+.
        var i = tail.startIndex
        while i < tail.endIndex {
            guard "-_.".contains(tail[i]) else { return nil }
            i = tail.index(after: i)
            let s = i
            while i < tail.endIndex, tail[i].isASCII, tail[i].isLetter || tail[i].isNumber { i = tail.index(after: i) }
            if i == s { return nil }
        }
        return v
    }

    /// `check_systemd_nesting`.
    package static func checkSystemdNesting(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> String? {
        if ctx.config.nestingEnabled { return nil }
        guard let initPath, initPath.hasSuffix("/systemd") else { return nil }
        guard let v = try systemdVersion(ctx, initPath: initPath), v > 241 else { return nil }
        return "Systemd \(v) detected. You may need to enable nesting."
    }

    /// `unified_cgroupv2_support`.
    package static func unifiedCgroupV2Support(_ ctx: SetupContext, initPath: String?) throws(SetupError) -> Bool {
        guard let initPath, initPath.hasSuffix("/systemd") else { return true }
        guard let v = try systemdVersion(ctx, initPath: initPath), v >= 232 else { return false }
        return true
    }
}
